"""What every gate returns: a verdict naming each offending subject, and how verdicts combine.

A gate never raises on bad data: it names every offending subject (a round key, a Lua round end,
a proximity file, a session player) with a reason code and a human detail, and reports coverage
figures either way, so a passing gate says *how much* it checked ("Lua linked 24/24 rounds") and
a failing one says exactly *what* is wrong. Keeping the verdict types apart from the gates lets
the asset checks render any gate (and the operator's acknowledgements apply to any gate) without
knowing which one produced it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class GateFailure:
    """One offending subject: what it is, why it fails, and the facts behind the verdict."""

    subject: str
    reason: str
    detail: str


@dataclass(frozen=True, slots=True)
class GateResult:
    """The verdict of one gate over one partition (or a combination of partitions).

    ``coverage`` holds the figures a passing gate reports (counts, or counts per reason);
    ``summary`` is the one-line verdict shown as the check's description.
    """

    passed: bool
    failures: tuple[GateFailure, ...]
    coverage: Mapping[str, Any]
    summary: str
    acknowledged: tuple[tuple[GateFailure, str], ...] = ()
    """Failures the operator accepted, each with the note saying why; they do not fail the gate."""

    def reason_counts(self) -> dict[str, int]:
        """Failures per reason code, sorted by code."""
        return dict(sorted(Counter(f.reason for f in self.failures).items()))

    def subjects(self, reason: str | None = None) -> set[str]:
        """The subjects named by the failures (of one reason when given)."""
        return {f.subject for f in self.failures if reason is None or f.reason == reason}


Summarizer = Callable[[Mapping[str, Any], Sequence[GateFailure]], str]


def gate_result(
    failures: Iterable[GateFailure], coverage: Mapping[str, Any], summarize: Summarizer
) -> GateResult:
    """The verdict of a gate: failures de-duplicated and sorted, so reruns give identical text."""
    ordered = tuple(sorted(set(failures), key=lambda f: (f.reason, f.subject, f.detail)))
    return GateResult(not ordered, ordered, dict(coverage), summarize(coverage, ordered))


def combine(results: Iterable[GateResult], summarize: Summarizer) -> GateResult:
    """One result over several partitions: failures joined, integer coverage summed.

    Coverage values that are integers add up; mappings of integers (counts per reason) add up
    key by key; anything else is left out (it only makes sense per partition).
    """
    failures: list[GateFailure] = []
    acknowledged: list[tuple[GateFailure, str]] = []
    totals: dict[str, Any] = {}
    for result in results:
        failures.extend(result.failures)
        acknowledged.extend(result.acknowledged)
        for key, value in result.coverage.items():
            if isinstance(value, bool):
                continue
            if isinstance(value, int):
                totals[key] = totals.get(key, 0) + value
            elif isinstance(value, Mapping) and all(isinstance(v, int) for v in value.values()):
                merged = Counter(totals.get(key, {}))
                merged.update(value)
                totals[key] = dict(sorted(merged.items()))
    combined = gate_result(failures, totals, summarize)
    if not acknowledged:
        return combined
    notes = {(f.subject, f.reason): note for f, note in acknowledged}
    with_acknowledged = gate_result([*failures, *(f for f, _ in acknowledged)], totals, summarize)
    return apply_acknowledgements(with_acknowledged, notes)


def apply_acknowledgements(result: GateResult, notes: Mapping[tuple[str, str], str]) -> GateResult:
    """Move the failures acknowledged by the operator out of the verdict, keeping them listed.

    ``notes`` maps (subject, reason) to the operator's note. An acknowledgement never hides a
    failure: it is reported as acknowledged, and an acknowledgement that matches nothing changes
    nothing. The summary keeps the gate's own words and says how many failures were accepted.
    """
    kept = [f for f in result.failures if (f.subject, f.reason) not in notes]
    accepted = tuple(
        (f, notes[(f.subject, f.reason)]) for f in result.failures if (f.subject, f.reason) in notes
    )
    if not accepted:
        return result
    total = len(result.failures) + len(result.acknowledged)
    summary = f"{result.summary} [{len(accepted)} of {total} acknowledged by the operator]"
    return GateResult(
        not kept, tuple(kept), result.coverage, summary, result.acknowledged + accepted
    )


def tally(values: Iterable[str]) -> dict[str, int]:
    """Occurrences per value, sorted by value: the "counts per reason" of a coverage figure."""
    return dict(sorted(Counter(values).items()))


def ratio(part: int, whole: int) -> str:
    """``part/whole`` as a summary shows it ("24/24 rounds")."""
    return f"{part}/{whole}"
