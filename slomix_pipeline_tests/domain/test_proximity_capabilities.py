"""Three-state section capabilities (``proximity-v5-v6.md`` §6) and the per-player figures that
honour them (a section not captured gives NULL, never 0)."""

from __future__ import annotations

from slomix_pipeline.domain.proximity_capabilities import (
    capability_rows,
    player_figures,
    section_states,
)
from slomix_pipeline.formats.proximity import parse_proximity_file
from slomix_pipeline.formats.proximity_sections import CAPABILITY_FLAGS

NAME = "2026-04-11-215512-supply-round-1_engagements.txt"
REVIVE = "88250;C3D4E5F6;Doc;A1B2C3D4;Joe;-310.5;2195.0;24.1;642.7;B2C3D4E5;0"
SHOT = "84020;A1B2C3D4;8;-118;2049;24;37.25;-3.10"
TRACK = "A1B2C3D4;Joe;ALLIES;MEDIC;0;1000;;killed;1;0,1.0,2.0,3.0,100,0.0,8,0,0,spawn"


def build(
    magic: int,
    sections: dict[str, list[str]],
    caps: dict[str, int] | None = None,
    start: int = 1775930000,  # 2026-04-11
    test_mode: int = 0,
) -> bytes:
    head = [
        f"# PROXIMITY_TRACKER_V{magic}",
        "# map=supply",
        "# round=1",
        f"# round_start_unix={start}",
        f"# round_end_unix={start + 600}",
    ]
    if caps is not None:
        head += [
            "# tracker_version_full=6.11",
            f"# test_mode={test_mode}",
            "# capabilities=" + ",".join(f"{k}:{v}" for k, v in caps.items()),
        ]
    body = ["", "# ENGAGEMENTS", "", "# PLAYER_TRACKS", TRACK]
    for marker, rows in sections.items():
        body += ["", f"# {marker}", "# cols", *rows]
    return ("\n".join(head + body) + "\n").encode()


def states(data: bytes) -> dict[str, str]:
    return section_states(parse_proximity_file(NAME, data))


def all_flags(value: int, **overrides: int) -> dict[str, int]:
    return {flag: overrides.get(flag, value) for flag in CAPABILITY_FLAGS}


def test_declared_flags_decide_and_absence_under_a_declared_on_flag_is_a_true_zero() -> None:
    got = states(build(6, {"SHOT_FIRED": [SHOT]}, all_flags(1, shot_fired=1, aim_lock=0)))
    assert got["SHOT_FIRED"] == "enabled"
    assert got["AIM_LOCK"] == "disabled"
    assert got["TEAM_COHESION"] == "enabled"  # declared on, no rows: measured zero
    assert got["REVIVES"] == "enabled"  # ungated and the tracker is V6: a true zero
    assert got["PLAYER_TRACKS"] == "enabled" and got["OBJECTIVE_FOCUS"] == "unknown"


def test_without_declaration_rows_prove_enabled_and_absence_is_unknown_never_disabled() -> None:
    got = states(build(6, {"SHOT_FIRED": [SHOT]}))
    assert got["SHOT_FIRED"] == "enabled"
    assert got["AIM_LOCK"] == "unknown"
    assert "disabled" not in got.values()


def test_ungated_sections_by_tracker_version_and_date() -> None:
    assert states(build(4, {}))["REVIVES"] == "unknown"  # V4 could not write it
    assert states(build(5, {}, start=1772000000))["REVIVES"] == "unknown"  # V5 before 5.1
    assert states(build(5, {}))["REVIVES"] == "enabled"  # V5 in April: 5.1 was live
    assert states(build(4, {"REVIVES": [REVIVE]}))["REVIVES"] == "enabled"


def test_declared_off_with_rows_is_a_flagged_conflict() -> None:
    data = build(6, {"SHOT_FIRED": [SHOT]}, all_flags(1, shot_fired=0))
    row = next(
        r for r in capability_rows(parse_proximity_file(NAME, data)) if r.name == "SHOT_FIRED"
    )
    assert (row.state, row.conflict, row.rows_in_file, row.declared) == ("disabled", True, 1, False)


def test_test_mode_declares_everything_off() -> None:
    got = states(build(6, {"REVIVES": [REVIVE]}, all_flags(0), test_mode=1))
    assert got["ENGAGEMENTS"] == got["SHOT_FIRED"] == "disabled"
    assert got["REVIVES"] == "enabled"  # ungated, still written in test mode


def test_missing_flag_in_a_declaration_is_unknown_and_unknown_flags_are_kept() -> None:
    caps = {k: v for k, v in all_flags(1).items() if k != "aim_lock"}
    caps["grenade_arcs"] = 1
    rows = capability_rows(parse_proximity_file(NAME, build(6, {}, caps)))
    by_name = {(r.kind, r.name): r for r in rows}
    assert by_name[("section", "AIM_LOCK")].state == "unknown"
    assert by_name[("flag", "grenade_arcs")].state == "enabled"


def test_unknown_sections_are_recorded_not_understood() -> None:
    data = build(6, {"GRENADE_ARCS": ["1;2;3"], "SHOT_FIRED": [SHOT]})
    rows = capability_rows(parse_proximity_file(NAME, data))
    unknown = [r for r in rows if r.kind == "unknown_section"]
    assert [(r.name, r.state, r.rows_in_file) for r in unknown] == [
        ("GRENADE_ARCS", "not_understood", 1)
    ]


def test_player_figures_are_null_when_not_captured_and_zero_when_measured() -> None:
    caps = all_flags(1, shot_fired=0)
    parsed = parse_proximity_file(NAME, build(6, {"REVIVES": [REVIVE, REVIVE]}, caps))
    figures = {p.player_guid: p.figures for p in player_figures(parsed, section_states(parsed))}
    assert figures["C3D4E5F6"]["revives_given"] == 2
    assert figures["A1B2C3D4"]["times_revived"] == 2
    assert figures["A1B2C3D4"]["revives_given"] == 0  # REVIVES captured: a real zero
    assert figures["A1B2C3D4"]["shots_fired"] is None  # shot_fired:0 -> not captured
    assert figures["A1B2C3D4"]["aim_lock_ms"] == 0  # declared on, no rows: zero
    undeclared = parse_proximity_file(NAME, build(6, {"REVIVES": [REVIVE]}))
    figures = {
        p.player_guid: p.figures for p in player_figures(undeclared, section_states(undeclared))
    }
    assert figures["A1B2C3D4"]["aim_lock_ms"] is None  # unknown is treated like disabled
