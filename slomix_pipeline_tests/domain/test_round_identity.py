"""Round-number decision for proximity files: time matching, tolerance, ties, reasons."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from slomix_pipeline.domain.round_identity import (
    REASON_AMBIGUOUS,
    REASON_CONFIRMED_EXACT,
    REASON_CONFIRMED_TOLERANCE,
    REASON_CORRECTED_EXACT,
    REASON_CORRECTED_TOLERANCE,
    REASON_HEADER_TRUSTED,
    REASON_MISSING_TIMES,
    REASON_NO_CANDIDATE,
    REASON_OUTSIDE_TOLERANCE,
    RoundCandidate,
    resolve_proximity_round,
)
from slomix_pipeline.formats.proximity import parse_proximity_file
from slomix_pipeline.sample_data.proximity_render import demo_spec, render_proximity_round

R1_START, R1_END = 1770850500, 1770851100
R2_START, R2_END = 1770851160, 1770851702


@dataclass(frozen=True)
class Header:
    map_name: str | None = "etl_adlernest"
    round_number: int | None = 1
    round_start_unix: int | None = R2_START
    round_end_unix: int | None = R2_END
    format_version: int = 4


CANDIDATES = (
    RoundCandidate("etl_adlernest", 1, R1_START, R1_END, "stats"),
    RoundCandidate("etl_adlernest", 2, R2_START, R2_END, "lua"),
)


def test_r2_labelled_round_1_is_corrected_by_exact_times() -> None:
    d = resolve_proximity_round(Header(), CANDIDATES)
    assert (d.round_number, d.resolved, d.reason) == (2, True, REASON_CORRECTED_EXACT)
    assert (d.header_round_number, d.delta_s, d.matched_sources) == (1, 0, ("lua",))
    assert d.candidates_considered == 2


def test_true_r1_is_confirmed() -> None:
    d = resolve_proximity_round(
        Header(round_start_unix=R1_START, round_end_unix=R1_END), CANDIDATES
    )
    assert (d.round_number, d.reason, d.delta_s) == (1, REASON_CONFIRMED_EXACT, 0)


def test_one_second_off_is_corrected_within_tolerance() -> None:
    # the gametime/Lua clock stamped the intermission one second later (upstream never linked)
    lua = [RoundCandidate("etl_adlernest", 2, R2_START, R2_END + 1, "gametime")]
    d = resolve_proximity_round(Header(), lua)
    assert (d.round_number, d.reason, d.delta_s) == (2, REASON_CORRECTED_TOLERANCE, 1)
    confirm = resolve_proximity_round(Header(round_number=2, format_version=6), lua)
    assert confirm.reason == REASON_CONFIRMED_TOLERANCE


def test_tolerance_is_a_parameter() -> None:
    late = [RoundCandidate("etl_adlernest", 2, R2_START + 45, R2_END + 45, "lua")]
    d = resolve_proximity_round(Header(), late)
    assert (d.round_number, d.resolved, d.reason, d.delta_s) == (
        1,
        False,
        REASON_OUTSIDE_TOLERANCE,
        45,
    )
    d = resolve_proximity_round(Header(), late, tolerance_s=60)
    assert (d.round_number, d.reason) == (2, REASON_CORRECTED_TOLERANCE)


def test_exact_match_beats_a_closer_looking_other_round() -> None:
    near = (
        RoundCandidate("etl_adlernest", 1, R2_START + 2, R2_END + 2, "stats"),
        RoundCandidate("etl_adlernest", 2, R2_START, R2_END, "lua"),
    )
    d = resolve_proximity_round(Header(), near)
    assert (d.round_number, d.reason) == (2, REASON_CORRECTED_EXACT)


def test_tie_between_round_numbers_is_ambiguous_not_guessed() -> None:
    tie = (
        RoundCandidate("etl_adlernest", 1, R2_START, R2_END + 5, "stats"),
        RoundCandidate("etl_adlernest", 2, R2_START - 5, R2_END, "lua"),
    )
    d = resolve_proximity_round(Header(), tie)
    assert (d.round_number, d.resolved, d.reason, d.delta_s) == (1, False, REASON_AMBIGUOUS, 5)
    assert d.matched_sources == ()
    # even a header format that is trusted does not break a time tie
    assert resolve_proximity_round(Header(format_version=6), tie).reason == REASON_AMBIGUOUS


def test_two_sources_for_the_same_round_are_not_a_tie() -> None:
    both = (*CANDIDATES, RoundCandidate("ETL_Adlernest ", 2, R2_START, R2_END, "stats"))
    d = resolve_proximity_round(Header(), both)
    assert (d.round_number, d.reason, d.matched_sources) == (
        2,
        REASON_CORRECTED_EXACT,
        ("lua", "stats"),
    )


def test_other_maps_and_missing_candidates() -> None:
    other = [RoundCandidate("supply", 2, R2_START, R2_END, "lua")]
    d = resolve_proximity_round(Header(), other)
    assert (d.round_number, d.resolved, d.reason) == (1, False, REASON_NO_CANDIDATE)
    assert d.candidates_considered == 0
    assert resolve_proximity_round(Header(), []).reason == REASON_NO_CANDIDATE
    # candidates without any usable time are not evidence
    timeless = [RoundCandidate("etl_adlernest", 2, 0, None, "stats")]
    assert resolve_proximity_round(Header(), timeless).reason == REASON_NO_CANDIDATE


def test_map_key_is_case_and_whitespace_insensitive() -> None:
    cands = [RoundCandidate("  ETL_ADLERNEST", 2, R2_START, R2_END, "lua")]
    d = resolve_proximity_round(Header(map_name="etl_adlernest "), cands)
    assert d.round_number == 2


def test_header_without_times_cannot_be_matched() -> None:
    d = resolve_proximity_round(Header(round_start_unix=0, round_end_unix=None), CANDIDATES)
    assert (d.round_number, d.resolved, d.reason) == (1, False, REASON_MISSING_TIMES)


def test_start_time_zero_falls_back_to_end_only() -> None:
    # round_start_unix=0 happens when the tracker never saw the live transition
    d = resolve_proximity_round(Header(round_start_unix=0), CANDIDATES)
    assert (d.round_number, d.reason, d.delta_s) == (2, REASON_CORRECTED_EXACT, 0)
    # a stats round knows only its file time (end + a few seconds)
    stats_only = [RoundCandidate("etl_adlernest", 2, None, R2_END + 3, "stats")]
    d = resolve_proximity_round(Header(), stats_only)
    assert (d.round_number, d.reason, d.delta_s) == (2, REASON_CORRECTED_TOLERANCE, 3)


def test_v6_header_is_trusted_without_candidates_but_v4_is_not() -> None:
    d6 = resolve_proximity_round(Header(round_number=2, format_version=6), [])
    assert (d6.round_number, d6.resolved, d6.reason) == (2, True, REASON_HEADER_TRUSTED)
    d4 = resolve_proximity_round(Header(round_number=2, format_version=4), [])
    assert (d4.resolved, d4.reason) == (False, REASON_NO_CANDIDATE)


def test_same_map_twice_in_a_night_picks_the_play_by_time() -> None:
    later = 3 * 3600
    cands = [
        *CANDIDATES,
        RoundCandidate("etl_adlernest", 1, R1_START + later, R1_END + later, "lua"),
        RoundCandidate("etl_adlernest", 2, R2_START + later, R2_END + later, "lua"),
    ]
    first = resolve_proximity_round(Header(), cands)
    second = resolve_proximity_round(
        Header(round_start_unix=R2_START + later, round_end_unix=R2_END + later), cands
    )
    assert (first.round_number, first.delta_s) == (2, 0)
    assert (second.round_number, second.delta_s) == (2, 0)


def test_plain_tuples_are_accepted() -> None:
    d = resolve_proximity_round(Header(), [("etl_adlernest", 2, R2_START, R2_END, "lua")])
    assert d.round_number == 2


@pytest.mark.parametrize("true_round", [1, 2])
def test_parsed_feb_file_resolves_to_its_true_round(true_round: int) -> None:
    """End to end: a rendered V4 file always says round 1; times decide, not the name."""
    start = R1_START if true_round == 1 else R2_START
    spec = demo_spec(
        seed=3, per_team=2, minutes=2.0, round_number=true_round, round_start_unix=start
    )
    rendered = render_proximity_round(spec)
    parsed = parse_proximity_file(rendered.name, rendered.data)
    assert parsed.header.round_number == 1 and "-round-1_" in rendered.name
    stats_rounds = [
        RoundCandidate("supply", 1, R1_START, R1_START + 120, "stats"),
        RoundCandidate("supply", 2, R2_START, R2_START + 120, "stats"),
    ]
    d = resolve_proximity_round(parsed.header, stats_rounds)
    assert d.round_number == true_round and d.resolved
    assert d.reason == (REASON_CONFIRMED_EXACT if true_round == 1 else REASON_CORRECTED_EXACT)
