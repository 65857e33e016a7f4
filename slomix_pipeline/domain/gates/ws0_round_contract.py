"""WS0 predicate: every stored round keeps the round contract, and no value is negative.

Upstream only checked that the contract columns were filled; this gate checks that they agree
with each other (a ``verified_header`` confidence with an unknown side is a contradiction), that
a summary row (round 0) was never stored, and that no player or weapon value went negative in
the R2 differential (see ``docs/gates.md``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import slomix_pipeline.domain.gates.ws0_records as codes
from slomix_pipeline.domain.gates.verdicts import GateFailure, GateResult, gate_result, tally
from slomix_pipeline.domain.gates.ws0_records import (
    NO_STATE_END_REASONS,
    SCORE_CONFIDENCES,
    SIDES,
    STOPWATCH_STATES,
    ContractRound,
    ValueRow,
)

_TRUSTED_SIDES = (1, 2)
"""Side codes a verified or time-fallback confidence requires (0 is unknown)."""


def _confidence_problem(r: ContractRound) -> str | None:
    """Why the stored score confidence contradicts the sides and side diagnostics, if it does."""
    sides = (r.defender_team, r.winner_team)
    both_trusted = all(s in _TRUSTED_SIDES for s in sides)
    reasons = r.side_reasons
    conf = r.score_confidence
    if conf in ("verified_header", "time_fallback") and not both_trusted:
        return f"{conf} but defender={sides[0]}, winner={sides[1]}"
    if conf == "verified_header" and reasons:
        return f"verified_header despite side diagnostics {', '.join(reasons)}"
    if conf == "missing" and not (0 in sides or any(x.endswith("_missing") for x in reasons)):
        return "missing but both sides are set and no side is reported missing"
    if conf == "ambiguous" and not reasons:
        return "ambiguous without any side diagnostic"
    return None


def _contract_failures(r: ContractRound) -> list[GateFailure]:
    out: list[GateFailure] = []
    subject = r.round_key

    def fail(reason: str, detail: str) -> None:
        out.append(GateFailure(subject, reason, detail))

    if r.round_number not in (1, 2):
        fail(
            codes.WS0_SUMMARY_ROUND, f"round_number {r.round_number}: only R1/R2 rows may be stored"
        )
    bad_sides = [
        f"{name}={value}"
        for name, value in (("defender_team", r.defender_team), ("winner_team", r.winner_team))
        if value not in SIDES
    ]
    if bad_sides:
        fail(codes.WS0_SIDE_INVALID, f"{', '.join(bad_sides)} (expected 0, 1 or 2)")
    if r.score_confidence not in SCORE_CONFIDENCES:
        fail(codes.WS0_CONFIDENCE_INVALID, f"score_confidence={r.score_confidence!r}")
    elif not bad_sides and (problem := _confidence_problem(r)) is not None:
        fail(codes.WS0_CONFIDENCE_INCONSISTENT, problem)
    state = r.round_stopwatch_state
    if state is not None and state not in STOPWATCH_STATES:
        fail(codes.WS0_STATE_INVALID, f"round_stopwatch_state={state!r}")
    times_known = bool(r.time_limit_seconds and r.time_limit_seconds > 0) and bool(
        r.actual_time_seconds and r.actual_time_seconds > 0
    )
    if state is None and times_known and r.end_reason not in NO_STATE_END_REASONS:
        fail(
            codes.WS0_STATE_MISSING,
            f"no stopwatch state although limit {r.time_limit_seconds} s and actual "
            f"{r.actual_time_seconds} s are known",
        )
    return out


def _negative_failures(rows: Iterable[ValueRow]) -> tuple[list[GateFailure], int]:
    out: list[GateFailure] = []
    seen = 0
    for row in rows:
        seen += 1
        negative = sorted((k, v) for k, v in row.values.items() if v is not None and v < 0)
        if negative:
            values = ", ".join(f"{k}={v}" for k, v in negative)
            out.append(
                GateFailure(f"{row.round_key} {row.label}", codes.WS0_NEGATIVE_VALUE, values)
            )
    return out, seen


def summarize_round_contract(coverage: Mapping[str, Any], failures: Sequence[GateFailure]) -> str:
    rounds = coverage.get("rounds", 0)
    bad = len({f.subject.split(" ")[0] for f in failures})
    if not failures:
        return f"Round contract filled and consistent for {rounds}/{rounds} rounds"
    return f"Round contract broken: {len(failures)} failure(s) in {bad} round(s) of {rounds}"


def round_contract_gate(
    rounds: Iterable[ContractRound],
    value_rows: Iterable[ValueRow] = (),
    *,
    value_rows_checked: int | None = None,
) -> GateResult:
    """WS0: every round has valid sides, a consistent score confidence and a stopwatch state.

    A stopwatch state may only be absent when the round's limit or actual time is unknown (the
    contract cannot tell a hold from a time set then); a summary row (round 0) must never be
    stored; no player or weapon value may be negative after the R2 differential. Side
    diagnostics are counted per reason; they explain a ``missing``/``ambiguous`` confidence and
    are not failures by themselves.
    """
    round_list = list(rounds)
    failures: list[GateFailure] = []
    for r in round_list:
        failures.extend(_contract_failures(r))
    negatives, seen = _negative_failures(value_rows)
    failures.extend(negatives)
    coverage = {
        "rounds": len(round_list),
        "value_rows_checked": seen if value_rows_checked is None else value_rows_checked,
        "score_confidence": tally(str(r.score_confidence) for r in round_list),
        "stopwatch_state": tally(
            r.round_stopwatch_state or "none (times unknown)" for r in round_list
        ),
        "side_reasons": tally(reason for r in round_list for reason in r.side_reasons),
        "orphan_r2": sum(r.is_orphan_r2 for r in round_list),
    }
    return gate_result(failures, coverage, summarize_round_contract)
