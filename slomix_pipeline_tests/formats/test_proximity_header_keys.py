"""Header keys after a section (``proximity-v5-v6.md`` §7.4: "Any ``# key=value`` line with a
lower-case key is header metadata wherever it appears"): they count, they never become a
section's column list or rows, a known key keeps its first value and a conflict is reported."""

from __future__ import annotations

from slomix_pipeline.domain.proximity_capabilities import section_states
from slomix_pipeline.formats.proximity import parse_proximity_file
from slomix_pipeline_tests.formats.test_proximity import HEADER_V4, NAME, build, line_of

SHOT = "84020;A1B2C3D4;8;-118;2049;24;37.25;-3.10"
V6_HEAD = [
    "# PROXIMITY_TRACKER_V6",
    *HEADER_V4[1:],
    "# axis_spawn_interval=30000",
    "# allies_spawn_interval=25000",
]


def test_known_keys_after_a_section_fill_the_header_with_a_note() -> None:
    late = ["# tracker_version_full=6.11", "# test_mode=0", "# capabilities=shot_fired:0"]
    data = build(header=V6_HEAD, extra=[("SHOT_FIRED", [SHOT, *late])])
    parsed = parse_proximity_file(NAME, data)
    h = parsed.header
    assert h.tracker_version_full == "6.11"
    assert h.test_mode is False
    assert h.capabilities == (("shot_fired", False),)
    # The declaration counts: the section's rows are kept and flagged as a conflict.
    assert section_states(parsed)["SHOT_FIRED"] == "disabled"
    assert len(parsed.sections["SHOT_FIRED"].rows) == 1
    where = line_of(data, "# capabilities=")
    assert f"header key capabilities after section SHOT_FIRED at line {where}" in parsed.notes
    assert parsed.broken_lines == ()


def test_a_key_right_after_a_marker_is_not_the_column_list() -> None:
    data = build(header=V6_HEAD, extra=[("SHOT_FIRED", [])])
    text = data.decode().replace(
        "# SHOT_FIRED\n# columns of shot_fired\n",
        "# SHOT_FIRED\n# position_sample_interval=200\n# columns of shot_fired\n" + SHOT + "\n",
    )
    header = [line for line in V6_HEAD if "position_sample_interval" not in line]
    text = text.replace("# position_sample_interval=500\n", "", 1)
    assert "\n".join(header) in text
    parsed = parse_proximity_file(NAME, text.encode())
    assert parsed.header.position_sample_interval_ms == 200
    assert parsed.sections["SHOT_FIRED"].column_comment == "# columns of shot_fired"
    assert len(parsed.sections["SHOT_FIRED"].rows) == 1


def test_unknown_keys_after_a_section_are_kept_verbatim() -> None:
    data = build(extra=[("SHOT_FIRED", [SHOT, "# server_fps=40=forty"])])
    parsed = parse_proximity_file(NAME, data)
    assert ("server_fps", "40=forty") in parsed.header.extra  # split on the first '=' only
    assert any(n.startswith("header key server_fps after section SHOT_FIRED") for n in parsed.notes)


def test_a_conflicting_repeat_keeps_the_first_value_and_is_a_broken_line() -> None:
    data = build(extra=[("SHOT_FIRED", [SHOT, "# round_end_unix=1770849999", "# map=supply"])])
    parsed = parse_proximity_file(NAME, data)
    assert parsed.header.round_end_unix == 1770843722  # the header block identifies the round
    assert parsed.header.map_name == "supply"
    conflict = line_of(data, "# round_end_unix=1770849999")
    assert [tuple(b) for b in parsed.broken_lines] == [
        (conflict, "header:conflicting_value:round_end_unix")
    ]  # the equal repeat of map= is only noted


def test_a_repeat_inside_the_header_block_is_a_conflict_too() -> None:
    header = [*HEADER_V4, "# round=2"]
    parsed = parse_proximity_file(NAME, build(header=header))
    assert parsed.header.round_number == 1
    assert [b.reason for b in parsed.broken_lines] == ["header:conflicting_value:round"]


def test_a_bad_value_after_a_section_is_a_broken_line_not_a_failure() -> None:
    data = build(extra=[("SHOT_FIRED", [SHOT, "# escape_time=soon"])])
    parsed = parse_proximity_file(NAME, data)
    assert parsed.header.escape_time_ms == 5000
    assert [b.reason for b in parsed.broken_lines] == ["header:bad_value:escape_time"]
    assert len(parsed.sections["SHOT_FIRED"].rows) == 1


def test_upper_case_and_non_key_comments_after_a_section_stay_comments() -> None:
    legend = ["# STATE=ignored", "# hit_region: 0=head 1=arms", "# note = spaced"]
    data = build(extra=[("SHOT_FIRED", [SHOT, *legend])])
    parsed = parse_proximity_file(NAME, data)
    assert parsed.header.extra == (("note", "spaced"),)  # a lower-case key, spaced '='
    assert parsed.broken_lines == ()
    assert len(parsed.sections["SHOT_FIRED"].rows) == 1


def test_keys_only_after_the_sections_still_identify_the_round() -> None:
    header = [line for line in HEADER_V4 if "round_end_unix" not in line]
    data = build(header=header, extra=[("SHOT_FIRED", [SHOT, "# round_end_unix=1770843722"])])
    parsed = parse_proximity_file(NAME, data)
    assert parsed.header.round_end_unix == 1770843722
    assert parsed.broken_lines == ()
