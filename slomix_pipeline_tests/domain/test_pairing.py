"""R2 -> R1 pairing by server sequence, header confirmation and the session-gap sanity bound."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from slomix_pipeline.domain.gaming_day import resolve_local_epochs
from slomix_pipeline.domain.pairing import (
    BEYOND_SESSION_GAP,
    HEADER_TIME_MISMATCH,
    NO_PREVIOUS_ROUND,
    PAIRED,
    PREVIOUS_ROUND_OTHER_MAP,
    R1_REJECTED,
    SequencedRound,
    pair_round2s,
)

T = 1_770_750_000
GAP = 3600


def r1(name: str, t: int, map_key: str = "supply", actual: int | None = 456) -> SequencedRound:
    return SequencedRound(name, t, map_key, 1, 720, actual, actual)


def r2(
    name: str, t: int, map_key: str = "supply", limit: int | None = 456, ms: int | None = 400
) -> SequencedRound:
    return SequencedRound(name, t, map_key, 2, limit, 456, ms)


def test_a_55_minute_half_time_still_pairs() -> None:
    """Upstream's 45-min window made this R2 an orphan with cumulative values."""
    result = pair_round2s([r1("a", T), r2("b", T + 55 * 60 + 400)], GAP)
    assert (result["b"].r1, result["b"].reason, result["b"].confirmed) == ("a", PAIRED, True)
    assert result["b"].gap_seconds == 55 * 60


def test_the_session_gap_is_only_a_sanity_bound() -> None:
    result = pair_round2s([r1("a", T), r2("b", T + 61 * 60 + 400)], GAP)
    assert (result["b"].r1, result["b"].reason) == (None, BEYOND_SESSION_GAP)


def test_another_round_in_between_makes_an_orphan_with_the_reason() -> None:
    rounds = [r1("a", T), r1("x", T + 900, "radar"), r2("b", T + 1500)]
    assert pair_round2s(rounds, GAP)["b"].reason == PREVIOUS_ROUND_OTHER_MAP
    assert pair_round2s([r2("b", T)], GAP)["b"].reason == NO_PREVIOUS_ROUND


def test_the_header_confirms_the_r1_time() -> None:
    """R2 field 6 is the time R1 set: it must equal R1's field 7 (within 1 s of printing)."""
    assert pair_round2s([r1("a", T), r2("b", T + 900, limit=457)], GAP)["b"].reason == PAIRED
    mismatch = pair_round2s([r1("a", T), r2("b", T + 900, limit=600)], GAP)["b"]
    assert (mismatch.r1, mismatch.reason) == (None, HEADER_TIME_MISMATCH)
    unknown = pair_round2s([r1("a", T, actual=None), r2("b", T + 900)], GAP)["b"]
    assert (unknown.r1, unknown.confirmed) == ("a", False)


def test_rejected_files_are_skipped_but_a_rejected_r1_is_named() -> None:
    junk = SequencedRound("junk", T + 100, "decay_sw", 2, rejected=True)
    assert pair_round2s([r1("a", T), junk, r2("b", T + 900)], GAP)["b"].r1 == "a"
    broken = SequencedRound("a2", T + 200, "supply", 1, rejected=True)
    result = pair_round2s([r1("a", T), broken, r2("b", T + 900)], GAP)["b"]
    assert (result.r1, result.reason) == (None, R1_REJECTED)


def test_a_restarted_r2_pairs_with_the_same_r1_and_a_replayed_r1_wins() -> None:
    rounds = [r1("a", T), r1("a2", T + 300), r2("b", T + 900), r2("b2", T + 1300)]
    result = pair_round2s(rounds, GAP)
    assert (result["b"].r1, result["b2"].r1) == ("a2", "a2")


def test_order_of_input_does_not_matter() -> None:
    rounds = [r1("a", T), r2("b", T + 900), r1("c", T + 1800, "radar"), r2("d", T + 2400, "radar")]
    assert pair_round2s(rounds, GAP) == pair_round2s(list(reversed(rounds)), GAP)


# ------------------------------------------------------------------ DST: the repeated hour

PARIS = ZoneInfo("Europe/Paris")
CHANGE = 1_792_890_000  # 2026-10-25 01:00 UTC: 03:00 CEST becomes 02:00 CET


def _local(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, PARIS).replace(tzinfo=None)


@pytest.mark.parametrize("landing_lag", [3, 120])
def test_repeated_hour_resolved_by_landing_time(landing_lag: int) -> None:
    """Files of the second pass landed promptly: the landing time says which reading it is."""
    real = [CHANGE - 3000, CHANGE - 1200, CHANGE + 600, CHANGE + 1500, CHANGE + 4000]
    stamps = [(f"f{i}", _local(e), (e + landing_lag) * 10**9) for i, e in enumerate(real)]
    got = resolve_local_epochs(stamps, PARIS)
    assert [got[f"f{i}"] for i in range(len(real))] == real


def test_repeated_hour_resolved_by_order_when_landed_late() -> None:
    """A backfill landed everything hours later, in write order: a stamp that goes backwards
    is the second pass; before the step back, the first reading stands."""
    real = [CHANGE - 3000, CHANGE - 1200, CHANGE + 600, CHANGE + 1500]
    late = CHANGE + 10 * 3600
    stamps = [(f"f{i}", _local(e), (late + i) * 10**9) for i, e in enumerate(real)]
    got = resolve_local_epochs(stamps, PARIS)
    assert [got[f"f{i}"] for i in range(len(real))] == real
    # Without any usable order (one landing time, names sort by wall clock): first readings.
    same = [(f"{_local(e):%H%M%S}-{i}", _local(e), late * 10**9) for i, e in enumerate(real)]
    got = resolve_local_epochs(same, PARIS)
    assert got[f"{_local(real[2]):%H%M%S}-2"] == real[2] - 3600
