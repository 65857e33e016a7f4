"""Parser tests on constructed proximity files: every section and field, broken lines, V6."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pytest

from slomix_pipeline.formats.proximity import (
    Attacker,
    EngagementPoint,
    IgnoredSection,
    parse_proximity_file,
    parse_proximity_filename,
)

NAME = "2026-02-11-220202-supply-round-1_engagements.txt"

HEADER_V4 = [
    "# PROXIMITY_TRACKER_V4",
    "# map=supply",
    "# round=1",
    "# crossfire_window=1000",
    "# escape_time=5000",
    "# escape_distance=300",
    "# position_sample_interval=500",
    "# round_start_unix=1770843112",
    "# round_end_unix=1770843722",
]
ENG_COLUMNS = "# id;start_time;end_time;duration;target_guid;...;positions;attackers"
ENGAGEMENT = (
    "7;84500;86250;1750;AAAA1111;Joe;ALLIES;killed;142;BBBB2222;Rambo;2;1;400;"
    "BBBB2222,CCCC3333;1024.0;-512.5;64.0;1100.2;-498.0;64.0;96.3;"
    "84500,1024.0,-512.5,64.0,start|84500,1024.0,-512.5,64.0,hit|"
    "84900,1050.0,-505.0,64.0,hit|85000,1060.1,-503.2,64.0,sample|"
    "86250,1100.2,-498.0,64.0,death;"
    "BBBB2222,Rambo,AXIS,100,3,84500,86250,1,8:3;|CCCC3333,Ace,AXIS,42,2,84900,85400,0,10:2;"
)
ESCAPE = (
    "8;90000;96000;6000;DDDD4444;Max;AXIS;escaped;20;;;1;0;;;"
    "10.0;20.0;30.0;400.0;20.0;30.0;390.0;"
    "90000,10.0,20.0,30.0,start|90000,10.0,20.0,30.0,hit|96000,400.0,20.0,30.0,escape;"
    "AAAA1111,Joe,ALLIES,20,1,90000,90000,0,3:1;7:2;"
)
TRACK = (
    "AAAA1111;Joe;ALLIES;COVERTOPS;61200;86250;61700;killed;6;"
    "61200,-300.0,2200.0,24.0,100,0.0,3,0,0,spawn|"
    "61700,-296.0,2201.0,24.0,100,180.2,3,0,0,sample|"
    "62200,-210.5,2190.0,24.0,100,265.0,3,0,1,sample|"
    "62700,-90.1,2170.3,24.0,100,270.4,3,0,1,sample|"
    "63200,-20.0,2150.0,24.0,87,95.0,3,1,0,sample|"
    "86250,1100.2,-498.0,64.0,0,0.0,3,0,0,killed"
)
TRACK_COMMENTS = [
    "# guid;name;team;class;spawn_time;death_time;first_move_time;death_type;samples;path",
    "# death_type: killed, selfkill, fallen, world, teamkill, round_end, disconnect, unknown",
    "# path point: time,x,y,z,health,speed,weapon,stance,sprint,event",
    "# stance: 0=standing 1=crouching 2=prone; sprint: 0/1",
]


def track(guid: str, spawn: int, points: Sequence[str], death_type: str = "killed") -> str:
    """A PLAYER_TRACKS line from 'x,y,speed,sprint,event' shorthand points (500 ms apart)."""
    path = []
    for k, p in enumerate(points):
        x, y, speed, sprint, event = p.split(",")
        path.append(f"{spawn + 500 * k},{x},{y},24.0,100,{speed},3,0,{sprint},{event}")
    end = spawn + 500 * (len(points) - 1)
    return f"{guid};N{guid};AXIS;MEDIC;{spawn};{end};;{death_type};{len(points)};{'|'.join(path)}"


def build(
    *,
    header: Sequence[str] = HEADER_V4,
    engagements: Sequence[str] = (ENGAGEMENT,),
    tracks: Sequence[str] = (TRACK,),
    kills: Sequence[str] = ("2;-1;1;0",),
    movement: Sequence[str] = ("0;4;4;0;0",),
    focus: Sequence[str] | None = ("AAAA1111;Joe;ALLIES;crane_controls;812.4;15000;240",),
    extra: Sequence[tuple[str, Sequence[str]]] = (),
    newline: str = "\n",
) -> bytes:
    """Assemble a file the way the tracker lays it out (blank line before later markers)."""
    lines = list(header)
    sections: list[tuple[str, list[str], Sequence[str]]] = [
        ("ENGAGEMENTS", [ENG_COLUMNS], engagements),
        ("PLAYER_TRACKS", TRACK_COMMENTS, tracks),
        ("KILL_HEATMAP", ["# grid_x;grid_y;axis_kills;allies_kills"], kills),
        ("MOVEMENT_HEATMAP", ["# grid_x;grid_y;traversal;combat;escape"], movement),
    ]
    if focus is not None:
        sections.append(("OBJECTIVE_FOCUS", ["# guid;name;team;objective;..."], focus))
    sections += [(name, [f"# columns of {name.lower()}"], rows) for name, rows in extra]
    for n, (name, comments, rows) in enumerate(sections):
        if n:
            lines.append("")
        lines += [f"# {name}", *comments, *rows]
    return (newline.join(lines) + newline).encode("utf-8")


def line_of(data: bytes, needle: str) -> int:
    """1-based number of the first line containing ``needle``."""
    for no, line in enumerate(data.decode("utf-8", "replace").split("\n"), start=1):
        if needle in line:
            return no
    raise AssertionError(needle)


# --- header --------------------------------------------------------------------------------


def test_v4_header_every_key_typed() -> None:
    parsed = parse_proximity_file(NAME, build())
    h = parsed.header
    assert (h.magic, h.format_version) == ("PROXIMITY_TRACKER_V4", 4)
    assert h.map_name == "supply"
    assert h.round_number == 1
    assert h.crossfire_window_ms == 1000
    assert h.escape_time_ms == 5000
    assert h.escape_distance == 300.0
    assert h.position_sample_interval_ms == 500
    assert h.round_start_unix == 1770843112
    assert h.round_end_unix == 1770843722
    assert h.axis_spawn_interval_ms is None and h.capabilities == () and h.extra == ()
    assert parsed.broken_lines == () and parsed.notes == ()
    assert parsed.byte_size == len(build())


def test_v6_header_keys_capabilities_and_unknown_keys_are_kept() -> None:
    header = [
        "# PROXIMITY_TRACKER_V6",
        *HEADER_V4[1:],
        "# axis_spawn_interval=30000",
        "# allies_spawn_interval=20000",
        "# tracker_version_full=6.11",
        "# test_mode=0",
        "# capabilities=reaction_metrics:1,shot_fired:0,aim_lock:1",
        "# future_key=some value",
    ]
    h = parse_proximity_file(NAME, build(header=header)).header
    assert h.format_version == 6
    assert (h.axis_spawn_interval_ms, h.allies_spawn_interval_ms) == (30000, 20000)
    assert h.tracker_version_full == "6.11"
    assert h.test_mode is False
    assert h.capabilities == (("reaction_metrics", True), ("shot_fired", False), ("aim_lock", True))
    assert h.extra == (("future_key", "some value"),)


def test_sample_interval_is_read_not_assumed() -> None:
    header_200 = [line.replace("=500", "=200") for line in HEADER_V4]
    assert (
        parse_proximity_file(NAME, build(header=header_200)).header.position_sample_interval_ms
        == 200
    )
    missing = [line for line in HEADER_V4 if "position_sample_interval" not in line]
    parsed = parse_proximity_file(NAME, build(header=missing))
    assert parsed.header.position_sample_interval_ms is None
    assert any("position_sample_interval" in note for note in parsed.notes)


def test_bad_header_value_is_a_broken_line_not_a_failure() -> None:
    header = [line.replace("# round=1", "# round=one") for line in HEADER_V4]
    header[-1] = "# round_end_unix=17708437xx"
    parsed = parse_proximity_file(NAME, build(header=header))
    assert parsed.header.round_number is None
    assert parsed.header.round_end_unix is None
    assert parsed.broken_lines == (
        (3, "header:bad_value:round"),
        (9, "header:bad_value:round_end_unix"),
    )
    assert len(parsed.engagements) == 1 and len(parsed.lives) == 1


def test_missing_magic_is_noted_and_treated_as_v4() -> None:
    parsed = parse_proximity_file(NAME, build(header=HEADER_V4[1:]))
    assert parsed.header.magic is None and parsed.header.format_version == 4
    assert parsed.header.map_name == "supply"
    assert any("magic" in note for note in parsed.notes)


def test_empty_input_gives_an_empty_result() -> None:
    parsed = parse_proximity_file("x.txt", b"")
    assert parsed.engagements == () and parsed.lives == () and len(parsed.samples) == 0
    assert parsed.file_name is None
    assert any("ENGAGEMENTS" in note for note in parsed.notes)


# --- ENGAGEMENTS ---------------------------------------------------------------------------


def test_engagement_every_field() -> None:
    data = build(engagements=(ENGAGEMENT, ESCAPE))
    parsed = parse_proximity_file(NAME, data)
    e, esc = parsed.engagements
    assert e.line_no == line_of(data, "7;84500")
    assert (e.engagement_id, e.start_time_ms, e.end_time_ms, e.duration_ms) == (
        7,
        84500,
        86250,
        1750,
    )
    assert (e.target_guid, e.target_name, e.target_team) == ("AAAA1111", "Joe", "ALLIES")
    assert (e.outcome, e.total_damage) == ("killed", 142)
    assert (e.killer_guid, e.killer_name) == ("BBBB2222", "Rambo")
    assert (e.num_attackers, e.is_crossfire, e.crossfire_delay_ms) == (2, True, 400)
    assert e.crossfire_participants == ("BBBB2222", "CCCC3333")
    assert (e.start_x, e.start_y, e.start_z) == (1024.0, -512.5, 64.0)
    assert (e.end_x, e.end_y, e.end_z) == (1100.2, -498.0, 64.0)
    assert e.distance_traveled == 96.3
    assert e.positions[0] == EngagementPoint(84500, 1024.0, -512.5, 64.0, "start")
    assert [p.event for p in e.positions] == ["start", "hit", "hit", "sample", "death"]
    assert e.positions[3] == EngagementPoint(85000, 1060.1, -503.2, 64.0, "sample")
    assert e.positions_text.startswith("84500,1024.0,-512.5,64.0,start|")
    assert e.attackers == (
        Attacker("BBBB2222", "Rambo", "AXIS", 100, 3, 84500, 86250, True, ((8, 3),)),
        Attacker("CCCC3333", "Ace", "AXIS", 42, 2, 84900, 85400, False, ((10, 2),)),
    )
    # empty killer / delay / participants, several weapons, non-crossfire
    assert (esc.killer_guid, esc.killer_name, esc.crossfire_delay_ms) == (None, None, None)
    assert esc.crossfire_participants == () and esc.is_crossfire is False
    assert esc.attackers[0].weapons == ((3, 1), (7, 2))
    assert esc.positions[-1].event == "escape"


def test_engagement_without_attackers_and_zero_weapon_marker() -> None:
    fall = (
        "9;5000;5000;0;EEEE;Eve;AXIS;killed;0;;;0;0;;;1.0;2.0;3.0;1.0;2.0;3.0;0.0;"
        "5000,1.0,2.0,3.0,start|5000,1.0,2.0,3.0,death;"
    )
    zero = ESCAPE.replace("3:1;7:2;", "0:0;").replace("8;90000", "10;90000")
    e_fall, e_zero = parse_proximity_file(NAME, build(engagements=(fall, zero))).engagements
    assert e_fall.attackers == () and e_fall.num_attackers == 0
    assert e_zero.attackers[0].weapons == ((0, 0),)


def test_engagement_with_no_positions() -> None:
    empty = ESCAPE.replace(
        "90000,10.0,20.0,30.0,start|90000,10.0,20.0,30.0,hit|96000,400.0,20.0,30.0,escape", ""
    )
    (e,) = parse_proximity_file(NAME, build(engagements=(empty,))).engagements
    assert e.positions == () and e.positions_text == ""


# --- PLAYER_TRACKS -------------------------------------------------------------------------


def test_track_every_field_and_sample_columns() -> None:
    data = build()
    parsed = parse_proximity_file(NAME, data)
    (life,) = parsed.lives
    assert parsed.tracks is parsed.lives
    assert life.line_no == line_of(data, "AAAA1111;Joe;ALLIES;COVERTOPS")
    assert (life.guid, life.name, life.team, life.player_class) == (
        "AAAA1111",
        "Joe",
        "ALLIES",
        "COVERTOPS",
    )
    assert (life.spawn_time_ms, life.death_time_ms, life.first_move_time_ms) == (
        61200,
        86250,
        61700,
    )
    assert (life.death_type, life.sample_count) == ("killed", 6)
    assert (life.sample_start, life.sample_stop) == (0, 6)
    assert life.path_text == TRACK.rsplit(";", 1)[1]
    s = parsed.samples
    assert len(s) == 6
    assert s.time_ms.tolist() == [61200, 61700, 62200, 62700, 63200, 86250]
    assert s.x.tolist() == [-300.0, -296.0, -210.5, -90.1, -20.0, 1100.2]
    assert s.y.tolist()[2] == 2190.0 and s.z.tolist()[-1] == 64.0
    assert s.health.tolist() == [100, 100, 100, 100, 87, 0]
    assert s.speed.tolist() == [0.0, 180.2, 265.0, 270.4, 95.0, 0.0]
    assert s.weapon.tolist() == [3] * 6
    assert s.stance.tolist() == [0, 0, 0, 0, 1, 0]
    assert s.sprint.tolist() == [0, 0, 1, 1, 0, 0]
    assert [s.event_names[c] for c in s.event] == ["spawn"] + ["sample"] * 4 + ["killed"]
    assert s.event_mask("sample").sum() == 4 and not s.event_mask("revived").any()


def test_track_v40_layout_without_death_type() -> None:
    v40 = TRACK.replace(";killed;6;", ";6;")
    parsed = parse_proximity_file(NAME, build(tracks=(v40,)))
    (life,) = parsed.lives
    assert life.death_type is None and life.sample_count == 6
    assert any("v4.0" in note for note in parsed.notes)


def test_zero_times_death_unset_and_empty_first_move() -> None:
    line = (
        "SLOT7;;ALLIES;UNKNOWN;0;0;;unknown;2;"
        "0,1.0,2.0,3.0,100,0.0,2,0,0,spawn|500,1.0,2.0,3.0,100,0.0,2,2,0,sample"
    )
    (life,) = parse_proximity_file(NAME, build(tracks=(line,))).lives
    assert life.spawn_time_ms == 0  # a real time, not "missing"
    assert life.death_time_ms is None  # the tracker's 0 means "never set"
    assert life.first_move_time_ms is None
    assert (life.guid, life.name, life.death_type) == ("SLOT7", "", "unknown")


def test_many_tracks_keep_their_own_samples() -> None:
    tracks = [
        track(f"G{k}", 1000 * k, [f"{k}.0,0.0,{k}.5,0,spawn", f"{k}.0,1.0,0.0,0,killed"])
        for k in range(30)
    ]
    parsed = parse_proximity_file(NAME, build(tracks=tracks))
    assert len(parsed.lives) == 30
    for k, life in enumerate(parsed.lives):
        sl = slice(life.sample_start, life.sample_stop)
        assert life.guid == f"G{k}"
        assert parsed.samples.x[sl].tolist() == [float(k), float(k)]
        assert parsed.samples.time_ms[sl].tolist() == [1000 * k, 1000 * k + 500]


# --- heatmaps and objective focus -----------------------------------------------------------


def test_heatmaps_and_objective_focus_every_field() -> None:
    data = build(kills=("2;-1;1;0", "-3;4;0;2"), movement=("0;4;4;0;0", "-1;-2;10;3;1"))
    parsed = parse_proximity_file(NAME, data)
    k1, k2 = parsed.kill_heatmap
    assert (k1.grid_x, k1.grid_y, k1.axis_kills, k1.allies_kills) == (2, -1, 1, 0)
    assert (k2.grid_x, k2.grid_y, k2.axis_kills, k2.allies_kills) == (-3, 4, 0, 2)
    assert k1.line_no == line_of(data, "2;-1;1;0")
    m = parsed.movement_heatmap[1]
    assert (m.grid_x, m.grid_y, m.traversal, m.combat, m.escape) == (-1, -2, 10, 3, 1)
    (f,) = parsed.objective_focus
    assert (f.guid, f.name, f.team, f.objective) == ("AAAA1111", "Joe", "ALLIES", "crane_controls")
    assert (f.avg_distance, f.time_within_radius_ms, f.samples) == (812.4, 15000, 240)


def test_objective_focus_section_is_optional() -> None:
    parsed = parse_proximity_file(NAME, build(focus=None))
    assert parsed.objective_focus == () and parsed.broken_lines == ()


# --- broken lines ---------------------------------------------------------------------------


def test_broken_lines_are_reported_with_line_numbers_and_the_rest_loads() -> None:
    good_tracks = [
        track(f"G{k}", 1000 * k, ["1.0,2.0,0.0,0,spawn", "3.0,4.0,0.0,0,killed"]) for k in range(9)
    ]
    truncated = TRACK[: TRACK.index("62700,-90.1") + 8]  # cut mid-point
    cut_at_point = TRACK[: TRACK.index("|86250")]  # whole points, but fewer than declared
    bad_value = track("BAD", 5, ["1.0,2.0,0.0,0,spawn", "3.0,4.0,fast,0,killed"])
    bad_engagement = ENGAGEMENT.replace(";142;", ";14x;").replace("7;84500", "70;84500")
    short_attackers = ENGAGEMENT.rsplit("|", 1)[0].replace("7;84500", "71;84500")
    bad_position = ESCAPE.replace("96000,400.0", "96000,4o0.0").replace("8;90000", "72;90000")
    data = build(
        engagements=(
            ENGAGEMENT,
            "garbage",
            bad_engagement,
            ENGAGEMENT,
            short_attackers,
            bad_position,
            ESCAPE,
        ),
        tracks=(*good_tracks[:4], truncated, cut_at_point, bad_value, *good_tracks[4:]),
        kills=("1;2;x;0", "2;-1;1;0", "1;2;3"),
    )
    lines = data.decode().split("\n")
    data = "\n".join([*lines[:9], "stray data before any section", *lines[9:]]).encode()
    parsed = parse_proximity_file(NAME, data)
    expected = {
        (line_of(data, "stray data"), "file:outside_section"),
        (line_of(data, "garbage"), "engagements:field_count"),
        (line_of(data, ";14x;"), "engagements:bad_value"),
        (line_of(data, "garbage") + 2, "engagements:duplicate_engagement_id"),
        (line_of(data, "71;84500"), "engagements:attacker_count_mismatch"),
        (line_of(data, "4o0.0"), "engagements:bad_position"),
        (line_of(data, truncated), "player_tracks:path_shape"),
        (line_of(data, "AAAA1111;Joe;ALLIES;COVERTOPS") + 1, "player_tracks:sample_count_mismatch"),
        (line_of(data, "BAD;NBAD"), "player_tracks:bad_path_value"),
        (line_of(data, "1;2;x;0"), "kill_heatmap:bad_value"),
        (line_of(data, "1;2;3"), "kill_heatmap:field_count"),
    }
    assert set(parsed.broken_lines) == expected
    assert list(parsed.broken_lines) == sorted(expected)
    assert [e.engagement_id for e in parsed.engagements] == [7, 8]
    assert [life.guid for life in parsed.lives] == [f"G{k}" for k in range(9)]
    assert len(parsed.samples) == 18
    assert [c.grid_x for c in parsed.kill_heatmap] == [2]


def test_truncated_last_line_without_newline() -> None:
    data = build()
    data = data + TRACK[:40].encode()  # the file ends mid-line inside OBJECTIVE_FOCUS
    parsed = parse_proximity_file(NAME, data)
    assert parsed.broken_lines == ((data.count(b"\n") + 1, "objective_focus:field_count"),)
    assert len(parsed.objective_focus) == 1


# --- later formats, encodings ---------------------------------------------------------------


def test_later_sections_are_parsed_and_unknown_ones_ignored_with_a_note() -> None:
    """Known later sections (exact marker) are parsed by ``formats.proximity_sections``; an
    unknown marker, even one extending a known name, is ignored with a note and never feeds the
    previous section (upstream routed by prefix and kept the previous section's parser)."""
    header = ["# PROXIMITY_TRACKER_V6", *HEADER_V4[1:]]
    data = build(
        header=header,
        extra=(
            ("SHOT_FIRED", ["1000;AAAA;8;1;2;3;90.00;0.00"] * 3),
            ("SHOT_FIRED_V2", ["1000;AAAA;8;1;2;3;90.00;0.00;7"] * 2),
            ("AIM_LOCK", []),
        ),
    )
    # a new section *between* known ones must not swallow the following known section
    text = data.decode().replace(
        "\n\n# PLAYER_TRACKS",
        "\n\n# REACTION_METRICS\n# cols\n7;AAAA;Joe;ALLIES;MEDIC;killed;2;;;;1;2;1"
        "\n\n# PLAYER_TRACKS",
    )
    parsed = parse_proximity_file(NAME, text.encode())
    assert parsed.header.format_version == 6
    assert [s.name for s in parsed.ignored_sections] == ["SHOT_FIRED_V2"]
    assert parsed.ignored_sections[0] == IgnoredSection(
        "SHOT_FIRED_V2", line_of(text.encode(), "# SHOT_FIRED_V2"), 2
    )
    assert sum("ignored section" in n for n in parsed.notes) == 1
    assert len(parsed.sections["SHOT_FIRED"].rows) == 3
    assert parsed.sections["REACTION_METRICS"].rows[0][1:4] == (7, "AAAA", "Joe")
    assert parsed.sections["REACTION_METRICS"].column_comment == "# cols"
    assert parsed.sections["AIM_LOCK"].rows == ()
    assert "possibly_truncated: the last section AIM_LOCK has no rows" in parsed.notes
    assert parsed.section_markers[-3:] == ("SHOT_FIRED", "SHOT_FIRED_V2", "AIM_LOCK")
    assert parsed.broken_lines == ()
    assert (
        len(parsed.engagements) == 1 and len(parsed.lives) == 1 and len(parsed.objective_focus) == 1
    )


def test_crlf_and_non_utf8_names() -> None:
    data = build(engagements=(ENGAGEMENT,), newline="\r\n")
    data = data.replace(b"Joe;ALLIES;killed", "J\u00f6e;ALLIES;killed".encode("latin-1"))
    parsed = parse_proximity_file(NAME, data)
    assert parsed.engagements[0].target_name == "J\ufffde"
    assert len(parsed.lives) == 1 and parsed.broken_lines == ()
    assert parsed.samples.sprint.tolist() == [0, 0, 1, 1, 0, 0]


def test_filename_parsing_is_informational() -> None:
    info = parse_proximity_filename(
        "local_proximity/2026-02-11-231502-etl_adlernest-round-1_engagements.txt"
    )
    assert info is not None
    assert info.written_local == datetime(2026, 2, 11, 23, 15, 2)
    assert (info.map_name, info.round_number) == ("etl_adlernest", 1)
    assert parse_proximity_filename("2026-02-11-231502-supply-round-1.txt") is None
    assert parse_proximity_filename("2026-13-11-231502-supply-round-1_engagements.txt") is None


@pytest.mark.parametrize("bad_event", ["", "sa mple"])
def test_bad_event_names_are_rejected(bad_event: str) -> None:
    bad = track("X", 0, ["1.0,2.0,0.0,0,spawn", f"1.0,2.0,0.0,0,{bad_event}"])
    parsed = parse_proximity_file(NAME, build(tracks=(TRACK, bad)))
    assert [b.reason for b in parsed.broken_lines] == ["player_tracks:bad_path_value"]
    assert [life.guid for life in parsed.lives] == ["AAAA1111"]
    assert np.array_equal(parsed.samples.time_ms[:1], [61200])
