"""WS1C section coverage (pure): per gaming day, how many proximity files captured each section
(enabled / disabled / unknown), how many rows were stored, flagged or dropped, and which files
need a look.

Failures (the check warns): ``declared_off_with_rows`` (a 6.11 declaration says a feature was
off but its section has rows: the file contradicts itself). Lines a section lost to parse errors
are coverage (``dropped_rows_by_section``): each is already listed per file in
``proximity_files.broken_line_details``. Unknown sections are coverage too: a newer tracker is
expected to add some, and they are kept as "present, not understood".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from slomix_pipeline.domain.gates import GateFailure, GateResult

__all__ = ["SectionCapabilityFact", "section_coverage_gate", "summarize_section_coverage"]


@dataclass(frozen=True, slots=True)
class SectionCapabilityFact:
    """One ``proximity_section_capability`` row."""

    source_file: str
    kind: str
    name: str
    state: str
    rows_in_file: int | None
    broken_rows: int
    out_of_range_rows: int
    conflict: bool


def summarize_section_coverage(coverage: Mapping[str, Any], failures: Sequence[GateFailure]) -> str:
    files = coverage.get("files", 0)
    enabled = coverage.get("sections_enabled", 0)
    if not failures:
        return f"{files} proximity file(s), {enabled} captured file sections, nothing contradicts"
    return f"{len(failures)} section problem(s) in {files} proximity file(s)"


def section_coverage_gate(facts: Iterable[SectionCapabilityFact]) -> GateResult:
    """The gate over one day's capability rows."""
    facts = list(facts)
    failures: list[GateFailure] = []
    state_counts: dict[str, Counter[str]] = {}
    rows: Counter[str] = Counter()
    flagged: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    unknown_sections: Counter[str] = Counter()
    for f in facts:
        if f.kind == "unknown_section":
            unknown_sections[f.name] += 1
            continue
        if f.kind != "section":
            continue
        state_counts.setdefault(f.name, Counter())[f.state] += 1
        if f.state == "enabled":
            rows[f.name] += f.rows_in_file or 0
        if f.out_of_range_rows:
            flagged[f.name] += f.out_of_range_rows
        subject = f"{f.source_file} {f.name}"
        if f.conflict:
            failures.append(
                GateFailure(
                    subject, "declared_off_with_rows", f"{f.rows_in_file} rows under a :0 flag"
                )
            )
        if f.broken_rows:
            dropped[f.name] += f.broken_rows
    coverage: dict[str, Any] = {
        "files": len({f.source_file for f in facts}),
        "sections_enabled": sum(c["enabled"] for c in state_counts.values()),
        "sections_disabled": sum(c["disabled"] for c in state_counts.values()),
        "sections_unknown": sum(c["unknown"] for c in state_counts.values()),
        "files_enabled_by_section": {k: v["enabled"] for k, v in sorted(state_counts.items())},
        "files_disabled_by_section": {
            k: v["disabled"] for k, v in sorted(state_counts.items()) if v["disabled"]
        },
        "files_unknown_by_section": {
            k: v["unknown"] for k, v in sorted(state_counts.items()) if v["unknown"]
        },
        "rows_by_section": dict(sorted(rows.items())),
        "out_of_range_rows_by_section": dict(sorted(flagged.items())),
        "dropped_rows_by_section": dict(sorted(dropped.items())),
        "unknown_sections": dict(sorted(unknown_sections.items())),
    }
    ordered = tuple(sorted(set(failures), key=lambda f: (f.reason, f.subject, f.detail)))
    return GateResult(not ordered, ordered, coverage, summarize_section_coverage(coverage, ordered))
