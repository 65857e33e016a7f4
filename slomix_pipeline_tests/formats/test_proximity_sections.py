"""Later proximity sections: every section's example line from ``proximity-v5-v6.md`` parses
into its fields; every drop reason; appended fields; flagged (never clamped) values; exact
marker matching."""

from __future__ import annotations

import pytest

from slomix_pipeline.formats.proximity import parse_proximity_file
from slomix_pipeline.formats.proximity_sections import (
    LATER_SECTIONS,
    SECTION_SPECS,
    SectionLines,
    parse_section,
)

# The reference's constructed example line of every later section (§2–§5).
EXAMPLES: dict[str, str] = {
    "REACTION_METRICS": "42;A1B2C3D4;Joe;ALLIES;MEDIC;killed;2;650;;1200;81250;84100;2850",
    "SPAWN_TIMING": "A1B2C3D4;Joe;ALLIES;B2C3D4E5;Rambo;AXIS;84100;30000;27400;0.913;11.2;27.4",
    "TEAM_COHESION": "61500;ALLIES;5;-412.3;2210.8;356.2;901.4;1;A1B2C3D4+C3D4E5F6;88.0",
    "CROSSFIRE_OPPORTUNITIES": "73000;B2C3D4E5;Rambo;AXIS;A1B2C3D4;C3D4E5F6;71.4;1;96",
    "FOCUS_FIRE": "57;B2C3D4E5;Rambo;2;A1B2C3D4,C3D4E5F6;187;1450;0.628",
    "TEAM_PUSHES": "95000;97000;AXIS;214.6;0.707;-0.707;0.812;0.581;4;crane_controls",
    "TRADE_KILLS": "80100;81350;1250;C3D4E5F6;Ace;B2C3D4E5;Rambo;A1B2C3D4;Joe",
    "REVIVES": "88250;C3D4E5F6;Doc;A1B2C3D4;Joe;-310.5;2195.0;24.1;642.7;B2C3D4E5;0",
    "WEAPON_ACCURACY": "A1B2C3D4;Joe;ALLIES;8;412;97;6;11",
    "KILL_OUTCOME": "84100;B2C3D4E5;Rambo;A1B2C3D4;Joe;9;revived;86900;2800;2800;;;D4E5F6A7;Medi",
    "HIT_REGIONS": "91200;A1B2C3D4;Joe;B2C3D4E5;Rambo;8;0;50",
    "COMBAT_POSITIONS": "84100;kill;A1B2C3D4;Joe;ALLIES;MEDIC;B2C3D4E5;Rambo;AXIS;SOLDIER;"
    "-120;2050;24;310;1880;24;8;9;67;4;5",
    "CARRIER_EVENTS": "A1B2C3D4;Joe;ALLIES;redflag;120500;151700;31200;secured;2874.3;2198.9;"
    "0.765;148;-2300;650;8;-420;1790;40;;",
    "CARRIER_KILLS": "140200;C3D4E5F6;Ace;ALLIES;B2C3D4E5;Rambo;AXIS;9;1433.0;redflag",
    "CARRIER_RETURNS": "152500;B2C3D4E5;Rambo;AXIS;redflag;C3D4E5F6;140200;12300;-1310;1120;16",
    "VEHICLE_PROGRESS": "truck;script_mover;-2368;688;0;1456;4280;-56;5210.4;2500;1830;1",
    "ESCORT_CREDIT": "A1B2C3D4;Joe;ALLIES;truck;0;41500;1620.0;944.3;83",
    "CONSTRUCTION_EVENTS": "143250;dynamite_plant;C3D4E5F6;Sparky;ALLIES;the Depot Fence;150;"
    "-1790;52",
    "OBJECTIVE_RUNS": "C3D4E5F6;Sparky;ALLIES;dynamite_plant;the Depot Fence;143250;18400;"
    "2150.7;1488.2;0.692;1;2;A1B2C3D4|D4E5F6A7;1;2;team_effort;150;-1790;52;;",
    "SHOT_FIRED": "84020;A1B2C3D4;8;-118;2049;24;37.25;-3.10",
    "AIM_LOCK": "84000;85200;1200;A1B2C3D4;Joe;ALLIES;B2C3D4E5;Rambo;3.4;912;4",
    "SPAWN_SELECT": "61200;A1B2C3D4;Joe;ALLIES;4;903450",
    "SKILL_SNAPSHOT": "A1B2C3D4;Joe;ALLIES;2;0;4;1;3;0;0",
    "COMM_EVENTS": "77300;A1B2C3D4;Joe;ALLIES;vsay_team;NeedAmmo",
}


def parse(marker: str, *rows: str):
    lines = SectionLines(marker, 1, "# cols", [(n + 3, r) for n, r in enumerate(rows)])
    return parse_section(SECTION_SPECS[marker], lines)


def fields_of(marker: str, row: tuple) -> dict:
    return dict(zip(SECTION_SPECS[marker].names, row[1:-1], strict=True))


def test_every_later_section_has_an_example() -> None:
    assert set(EXAMPLES) == {s.marker for s in LATER_SECTIONS}
    assert len(LATER_SECTIONS) == 24


@pytest.mark.parametrize("marker", sorted(EXAMPLES))
def test_every_section_example_parses(marker: str) -> None:
    parsed = parse(marker, EXAMPLES[marker])
    assert parsed.broken == ()
    (row,) = parsed.rows
    assert row[0] == 3  # the source line
    assert len(row) == len(SECTION_SPECS[marker].fields) + 2
    assert row[-1] is None  # nothing out of range in the reference's examples


def test_typed_values_and_empty_optionals() -> None:
    reaction = fields_of(
        "REACTION_METRICS", parse("REACTION_METRICS", EXAMPLES["REACTION_METRICS"]).rows[0]
    )
    assert reaction["engagement_id"] == 42 and reaction["return_fire_ms"] == 650
    assert reaction["dodge_reaction_ms"] is None  # empty = nothing within 5000 ms
    revive = fields_of("REVIVES", parse("REVIVES", EXAMPLES["REVIVES"]).rows[0])
    assert revive["under_fire"] is False and revive["revive_x"] == pytest.approx(-310.5)
    run = fields_of("OBJECTIVE_RUNS", parse("OBJECTIVE_RUNS", EXAMPLES["OBJECTIVE_RUNS"]).rows[0])
    assert run["escort_guids"] == "A1B2C3D4|D4E5F6A7" and run["killer_guid"] is None
    carrier = fields_of(
        "CARRIER_EVENTS", parse("CARRIER_EVENTS", EXAMPLES["CARRIER_EVENTS"]).rows[0]
    )
    assert carrier["efficiency"] == pytest.approx(0.765) and carrier["killer_name"] is None


def test_objective_coordinates_written_as_decimals_are_read() -> None:
    row = EXAMPLES["OBJECTIVE_RUNS"].replace(";150;-1790;52;", ";150.0;-1790.6;52;")
    (parsed,) = parse("OBJECTIVE_RUNS", row).rows
    assert fields_of("OBJECTIVE_RUNS", parsed)["obj_y"] == -1790


def test_appended_fields_older_layout_reads_null_not_zero() -> None:
    """SPAWN_TIMING 10 -> 12 and COMBAT_POSITIONS 18 -> 21 fields (2026-03-29)."""
    old = ";".join(EXAMPLES["SPAWN_TIMING"].split(";")[:10])
    parsed = parse("SPAWN_TIMING", old)
    assert parsed.older_layout_rows == 1 and parsed.broken == ()
    timing = fields_of("SPAWN_TIMING", parsed.rows[0])
    assert timing["killer_reinf"] is None and timing["victim_reinf"] is None  # upstream: 0.0
    old_pos = ";".join(EXAMPLES["COMBAT_POSITIONS"].split(";")[:18])
    assert (
        fields_of("COMBAT_POSITIONS", parse("COMBAT_POSITIONS", old_pos).rows[0])["killer_health"]
        is None
    )


def test_extra_trailing_fields_are_ignored_and_counted() -> None:
    parsed = parse("SHOT_FIRED", EXAMPLES["SHOT_FIRED"] + ";99;new")
    assert parsed.extra_field_rows == 1 and len(parsed.rows) == 1


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("84020;A1B2C3D4;8;-118", "shot_fired:field_count"),
        ("84020;A1B2C3D4;eight;-118;2049;24;37.25;-3.10", "shot_fired:bad_value"),
        ("84020;A1B2C3D4;8;-118;2049;24;nan;-3.10", "shot_fired:bad_value"),
        ("99999999999999999999;A1B2C3D4;8;-118;2049;24;1;1", "shot_fired:value_out_of_range"),
    ],
)
def test_every_drop_reason(row: str, reason: str) -> None:
    parsed = parse("SHOT_FIRED", EXAMPLES["SHOT_FIRED"], row)
    assert parsed.broken == ((4, reason),)
    assert len(parsed.rows) == 1  # the good row stays


def test_bad_boolean_is_a_bad_value() -> None:
    row = EXAMPLES["REVIVES"][:-1] + "yes"
    assert parse("REVIVES", row).broken == ((3, "revives:bad_value"),)


@pytest.mark.parametrize(
    ("marker", "row", "flag"),
    [
        ("TEAM_PUSHES", EXAMPLES["TEAM_PUSHES"].replace(";0.581;", ";1.420;"), "push_quality"),
        ("WEAPON_ACCURACY", "A1B2C3D4;Joe;ALLIES;8;10;14;6;1", "hits>shots_fired"),
        ("WEAPON_ACCURACY", "A1B2C3D4;Joe;ALLIES;8;-3;0;0;0", "shots_fired"),
        ("HIT_REGIONS", EXAMPLES["HIT_REGIONS"].replace(";8;0;50", ";8;7;50"), "hit_region"),
        (
            "AIM_LOCK",
            "84000;115000;31000;A1B2C3D4;Joe;ALLIES;B2C3D4E5;Rambo;3.4;912;2",
            "duration_ms>samples*400+400",
        ),
        ("FOCUS_FIRE", EXAMPLES["FOCUS_FIRE"].replace(";0.628", ";1.3"), "focus_score"),
    ],
)
def test_out_of_range_values_are_flagged_and_kept_raw(marker: str, row: str, flag: str) -> None:
    parsed = parse(marker, row)
    assert parsed.out_of_range_rows == 1 and parsed.broken == ()
    assert flag in parsed.rows[0][-1].split(",")
    if marker == "TEAM_PUSHES":
        assert fields_of(marker, parsed.rows[0])["push_quality"] == pytest.approx(1.42)
    if marker == "WEAPON_ACCURACY" and flag == "hits>shots_fired":
        assert fields_of(marker, parsed.rows[0])["hits"] == 14  # upstream clamped to 10


HEADER = (
    "# PROXIMITY_TRACKER_V6\n# map=supply\n# round=1\n# position_sample_interval=200\n"
    "# round_start_unix=1770843112\n# round_end_unix=1770843712\n"
)
NAME = "2026-02-11-215512-supply-round-1_engagements.txt"


def file_with(*sections: tuple[str, list[str]]) -> bytes:
    body = "\n# ENGAGEMENTS\n\n# PLAYER_TRACKS\n"
    for marker, rows in sections:
        body += f"\n# {marker}\n# columns\n" + "".join(r + "\n" for r in rows)
    return (HEADER + body).encode()


def test_file_level_exact_markers_and_line_numbers() -> None:
    data = file_with(
        ("SHOT_FIRED", [EXAMPLES["SHOT_FIRED"]]),
        ("shot_fired", ["not a section"]),  # lower-case: a comment, never a marker
        ("SHOT_FIRED_V2", [EXAMPLES["SHOT_FIRED"]]),
        ("REVIVES", [EXAMPLES["REVIVES"], "garbage"]),
    )
    parsed = parse_proximity_file(NAME, data)
    assert len(parsed.sections["SHOT_FIRED"].rows) == 1  # V2 rows never reach SHOT_FIRED
    assert [s.name for s in parsed.ignored_sections] == ["SHOT_FIRED_V2"]
    lines = data.decode().split("\n")
    revive_line = lines.index(EXAMPLES["REVIVES"]) + 1
    assert parsed.sections["REVIVES"].rows[0][0] == revive_line
    assert [(b.line_no, b.reason) for b in parsed.broken_lines] == [
        (lines.index("not a section") + 1, "shot_fired:field_count"),  # still SHOT_FIRED's row
        (revive_line + 1, "revives:field_count"),
    ]


def test_a_cut_off_last_line_is_noted() -> None:
    data = file_with(("SHOT_FIRED", [EXAMPLES["SHOT_FIRED"]]))[:-5]
    parsed = parse_proximity_file(NAME, data)
    assert "possibly_truncated: the last line has no newline" in parsed.notes


# ---------------------------------------------------------------- bulk reader (large sections)


def _big(marker: str, n: int = 1200) -> list[str]:
    head, *rest = EXAMPLES[marker].split(";", 1)
    if marker == "WEAPON_ACCURACY":
        return [f"G{k:07d};Joe;ALLIES;8;412;{97 + k % 500};6;11" for k in range(n)]
    if head.isdigit():
        return [f"{int(head) + k};{rest[0]}" for k in range(n)]
    return [EXAMPLES[marker]] * n


@pytest.mark.parametrize("marker", sorted(EXAMPLES))
def test_bulk_reader_equals_the_row_reader_values_and_types(
    marker: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import slomix_pipeline.formats.proximity_sections.parse as parse_module

    rows = _big(marker)
    bulk = parse(marker, *rows)
    monkeypatch.setattr(parse_module, "BULK_MIN_ROWS", 10**9)
    slow = parse(marker, *rows)
    assert bulk.rows == slow.rows
    assert [tuple(map(type, r)) for r in bulk.rows] == [tuple(map(type, r)) for r in slow.rows]
    assert bulk.out_of_range_rows == slow.out_of_range_rows


def test_bulk_reader_falls_back_to_rows_on_any_bad_line() -> None:
    rows = _big("SHOT_FIRED")
    rows[150] = "84020;A1B2C3D4;8;-118;2049;24;nan;-3.10"
    rows[151] = "84020;A1B2C3D4;8"
    parsed = parse("SHOT_FIRED", *rows)
    assert parsed.broken == ((153, "shot_fired:bad_value"), (154, "shot_fired:field_count"))
    assert len(parsed.rows) == 1198
    flagged = _big("WEAPON_ACCURACY")
    assert parse("WEAPON_ACCURACY", *flagged).out_of_range_rows == sum(
        97 + k % 500 > 412 for k in range(1200)
    )


# ------------------------------------------------- clean sections: flags column-wise, rows lazy


def _out_of_range(marker: str, n: int = 300) -> list[str]:
    """``n`` rows of the example, every third with each range field just outside its range
    (every fifth with the optional ones empty), so flags of every kind and order occur."""
    spec = SECTION_SPECS[marker]
    rows = []
    for k, line in enumerate(_big(marker, n)):
        fields = line.split(";")
        for name, lo, hi in spec.ranges:
            i = spec.names.index(name)
            kind = spec.fields[i].kind
            if k % 5 == 0 and kind in ("oi", "of"):
                fields[i] = ""
            elif k % 3 == 0:
                bound = hi + 1 if hi != float("inf") else lo - 1
                fields[i] = str(int(bound)) if kind in ("i", "oi") else f"{bound + 0.25}"
        rows.append(";".join(fields))
    return rows


@pytest.mark.parametrize("marker", sorted(EXAMPLES))
def test_clean_sections_flag_and_type_exactly_like_the_row_reader(
    marker: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import slomix_pipeline.formats.proximity_sections.parse as parse_module

    rows = _out_of_range(marker)
    lazy = parse(marker, *rows)
    keys = lazy.keys()
    columns = {name: lazy.column(name) for name in SECTION_SPECS[marker].names}
    monkeypatch.setattr(parse_module, "LAZY_MIN_ROWS", 10**9)
    monkeypatch.setattr(parse_module, "BULK_MIN_ROWS", 10**9)
    slow = parse(marker, *rows)
    assert keys == slow.keys()
    assert columns == {name: slow.column(name) for name in SECTION_SPECS[marker].names}
    assert lazy.out_of_range_rows == slow.out_of_range_rows
    assert lazy.rows == slow.rows and slow.rows == lazy.rows
    assert [tuple(map(type, r)) for r in lazy.rows] == [tuple(map(type, r)) for r in slow.rows]
    assert lazy == slow
    if SECTION_SPECS[marker].ranges:
        assert slow.out_of_range_rows >= 60, "the rows must exercise the flags"
    if marker in ("SHOT_FIRED", "TEAM_COHESION", "HIT_REGIONS", "WEAPON_ACCURACY"):
        assert type(lazy.rows).__name__ == "LazyRows", "this clean section takes the lazy path"


def test_a_clean_section_arrow_refuses_is_read_row_by_row() -> None:
    # A sign on a flagged field: clean for the grammar, refused by Arrow's integer reader.
    rows = [line.replace(";8;0;", ";8;+4;") for line in _big("HIT_REGIONS", 200)]
    parsed = parse("HIT_REGIONS", *rows)
    assert parsed.raw is not None and isinstance(parsed.rows, tuple)
    assert parsed.out_of_range_rows == 200 and parsed.rows[0][-1] == "hit_region"
