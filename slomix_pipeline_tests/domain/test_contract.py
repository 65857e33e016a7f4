"""Round contract: clock texts, score confidence, stopwatch state, time to beat, outcome."""

from __future__ import annotations

import pytest

from slomix_pipeline.domain.contract import RoundContract, build_contract, parse_clock_text
from slomix_pipeline.formats.stats_file import StatsHeader, parse_stats_file
from slomix_pipeline_tests.formats.test_stats_file import (
    file_name,
    header_line,
    parse,
    player_line,
    stats_bytes,
)


def header(round_number: int = 1, **fields: str) -> StatsHeader:
    return parse(
        header_line(round_number=round_number, **fields),  # type: ignore[arg-type]
        player_line(),
        name=file_name(round_number=round_number),
    ).header


# --------------------------------------------------------------------------------------------
# parse_clock_text
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("12:00", 720),
        ("8:27", 507),
        ("0:00", 0),
        ("1:5", 65),
        (" 10:00 ", 600),
        ("1:02:03", 3723),
        ("7.4333", 446),  # 445.998 s, rounded
        ("20.00", 1200),
        ("5.25", 315),
        ("7.5", 450),
        (".5", 30),
        ("5.", 300),
        ("90", 90),
        ("0", 0),
    ],
)
def test_parse_clock_text(text: str, seconds: int) -> None:
    assert parse_clock_text(text) == seconds


@pytest.mark.parametrize(
    "text",
    [None, "", "   ", "abc", "Unknown", "1:2:3:4", "1:75", "1:60:00", "-5", "-1:00", "1e3",
     "1.2.3", ".", "nan", "inf", "12:", ":30", "١٢"],
)  # fmt: skip
def test_parse_clock_text_garbage_is_none_never_zero(text: str | None) -> None:
    assert parse_clock_text(text) is None


# --------------------------------------------------------------------------------------------
# Contract
# --------------------------------------------------------------------------------------------


def test_r1_time_set_with_verified_sides() -> None:
    contract = build_contract(header(defender="1", winner="2", limit="10:00", actual="7:36"), 1)
    assert contract == RoundContract(
        score_confidence="verified_header",
        round_stopwatch_state="TIME_SET",
        time_to_beat_seconds=456,
        next_timelimit_minutes=8,
        round_outcome="Completed",
        side_reasons=(),
    )


def test_r1_full_hold() -> None:
    held = header(defender="1", winner="1", limit="10:00", actual="10:00", duration_ms="600080")
    contract = build_contract(held, 1)
    assert contract == RoundContract("verified_header", "FULL_HOLD", None, 10, "Fullhold", ())


def test_objective_29_seconds_before_the_limit_is_time_set_not_a_hold() -> None:
    """Upstream: actual >= limit - 30 s -> FULL_HOLD. The attackers won: it is an objective."""
    late = build_contract(header(actual="9:31", duration_ms="571000"), 1)
    assert (late.round_stopwatch_state, late.time_to_beat_seconds) == ("TIME_SET", 571)
    assert late.next_timelimit_minutes == 10


def test_the_clock_decides_only_when_the_sides_are_unknown() -> None:
    near = build_contract(header(defender="x", winner="x", actual="9:30"), 1)
    far = build_contract(header(defender="x", winner="x", actual="9:29"), 1)
    assert (near.round_stopwatch_state, far.round_stopwatch_state) == ("FULL_HOLD", "TIME_SET")


def test_stats_only_surrender_and_shutdown_have_no_state() -> None:
    """A defender win 6 minutes before the limit (header ms) was a surrender, not a hold; a file
    written on the shutdown path (ms not positive) has no winner at all."""
    surrender = header(defender="1", winner="1", actual="10:00", duration_ms="241533")
    assert build_contract(surrender, 1).round_stopwatch_state is None
    shutdown = header(2, defender="1", winner="1", limit="7:26", actual="0:00", duration_ms="-5")
    contract = build_contract(shutdown, 2)
    assert (contract.round_stopwatch_state, contract.round_outcome) == (None, "Unknown")


def test_short_r1_still_sets_at_least_one_minute() -> None:
    contract = build_contract(header(actual="0:20"), 1)
    assert (contract.time_to_beat_seconds, contract.next_timelimit_minutes) == (20, 1)


def test_r2_time_to_beat_is_header_field_6() -> None:
    contract = build_contract(header(2, limit="7:36", actual="5:10"), 2)
    assert contract.round_stopwatch_state == "TIME_SET"
    assert (contract.time_to_beat_seconds, contract.next_timelimit_minutes) == (456, None)


def test_r2_zero_actual_time_estimate_does_not_make_a_hold() -> None:
    """Upstream calls an R2 whose header carries the ``0:00`` estimate a hold (or TIME_SET by
    0 < limit - 30) while its outcome says Completed; winner vs defender decides: TIME_SET."""
    contract = build_contract(header(2, defender="2", winner="1", actual="0:00"), 2)
    assert contract.round_stopwatch_state == "TIME_SET"
    assert contract.round_outcome == "Completed"


def test_unparseable_limit_never_turns_a_round_into_a_full_hold() -> None:
    """Upstream: a limit that failed to parse is 0, so every NORMAL round became FULL_HOLD."""
    contract = build_contract(header(limit="garbage", actual="4:00"), 1)
    assert (contract.round_stopwatch_state, contract.next_timelimit_minutes) == ("TIME_SET", 4)
    unknown_sides = build_contract(header(defender="x", limit="garbage", actual="4:00"), 1)
    assert unknown_sides.round_stopwatch_state is None


def test_time_heuristic_when_sides_are_not_trusted() -> None:
    near = build_contract(header(defender="x", limit="10:00", actual="9:40"), 1)
    far = build_contract(header(defender="x", limit="10:00", actual="4:00"), 1)
    unknown = build_contract(header(defender="x", limit="10:00", actual="0:00"), 1)
    assert near.score_confidence == far.score_confidence == "ambiguous"
    assert (near.round_outcome, far.round_outcome, unknown.round_outcome) == (
        "Fullhold",
        "Completed",
        "Unknown",
    )


def test_trusted_sides_decide_the_outcome_over_the_time() -> None:
    """Aug upstream rule: winner == defender -> Fullhold, whatever the clock says."""
    held = build_contract(header(defender="2", winner="2", limit="10:00", actual="4:00"), 1)
    taken = build_contract(header(defender="2", winner="1", limit="10:00", actual="10:00"), 1)
    assert (held.round_outcome, taken.round_outcome) == ("Fullhold", "Completed")


@pytest.mark.parametrize(
    ("defender", "winner", "confidence", "reasons"),
    [
        ("1", "2", "verified_header", ()),
        ("2", "0", "missing", ()),
        ("", "2", "missing", ("defender_missing",)),
        ("1", "", "missing", ("winner_missing",)),
        ("x", "2", "ambiguous", ("defender_non_numeric",)),
        ("9", "2", "ambiguous", ("defender_out_of_range",)),
        ("1", "4", "ambiguous", ("winner_out_of_range",)),
    ],
)
def test_score_confidence(
    defender: str, winner: str, confidence: str, reasons: tuple[str, ...]
) -> None:
    contract = build_contract(header(defender=defender, winner=winner), 1)
    assert (contract.score_confidence, contract.side_reasons) == (confidence, reasons)


def test_side_reasons_exclude_other_header_warnings() -> None:
    h = header(map_name="goldrush", defender="x")
    assert "map_name_mismatch" in h.warnings
    assert build_contract(h, 1).side_reasons == ("defender_non_numeric",)


def test_inherited_sides_are_time_fallback() -> None:
    contract = build_contract(header(2, defender="1", winner="1"), 2, sides_inherited=True)
    assert contract.score_confidence == "time_fallback"
    assert contract.round_outcome == "Fullhold"
    # Inheritance never upgrades invalid sides.
    bad = build_contract(header(2, defender="1", winner="0"), 2, sides_inherited=True)
    assert bad.score_confidence == "missing"


@pytest.mark.parametrize(
    ("end_reason", "state", "next_limit"),
    [
        ("NORMAL", "TIME_SET", 10),  # no Lua verdict: winner 2 beat defender 1
        ("SURRENDER", None, None),
        ("surrender", None, None),
        ("MAP_CHANGE", None, None),
        ("MAP_RESTART", None, None),
        ("SERVER_RESTART", None, None),
        ("OBJECTIVE", "TIME_SET", 10),
    ],
)
def test_end_reason(end_reason: str, state: str | None, next_limit: int | None) -> None:
    contract = build_contract(header(limit="10:00", actual="10:00"), 1, end_reason=end_reason)
    assert (contract.round_stopwatch_state, contract.next_timelimit_minutes) == (state, next_limit)


def test_invalid_arguments_raise() -> None:
    with pytest.raises(ValueError, match="end reason"):
        build_contract(header(), 1, end_reason="rage_quit")
    with pytest.raises(ValueError, match="round_number"):
        build_contract(header(), 0)


def test_edge_14_winner_and_defender_defaults() -> None:
    """``x\\supply\\x\\1\\2\\axis\\20:00\\10:00``: defender 2, winner 0 (non-numeric), ambiguous.

    The Lua writes an empty winner key as 0+1 = 1 (Axis), so a ``1`` is taken at face value; a
    missing or non-numeric defender defaults to 1 with a reason; ``9`` is kept, flagged.
    """
    data = stats_bytes("x\\supply\\x\\1\\2\\axis\\20:00\\10:00\n", player_line())
    h = parse_stats_file(file_name(), data).header
    assert (h.defender_team, h.winner_team) == (2, 0)
    contract = build_contract(h, 1)
    assert contract.score_confidence == "ambiguous"
    assert contract.side_reasons == ("winner_non_numeric",)
    assert header(winner="1").winner_team == 1
    assert header(defender="").defender_team == 1
    nine = header(defender="9")
    assert nine.defender_team == 9
    assert build_contract(nine, 1).score_confidence == "ambiguous"
