"""WS1C predicate: no proximity natural key is stored twice (WS1C-003, duplicated rows).

A duplicate key doubles every figure built on it, so it blocks like a broken link does; the
readers find duplicates with a GROUP BY and this gate only names them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from slomix_pipeline.domain.gates.verdicts import GateFailure, GateResult, gate_result
from slomix_pipeline.domain.gates.ws1c_records import WS1C_DUPLICATE_KEY, DuplicateKey


def summarize_unique_keys(coverage: Mapping[str, Any], failures: Sequence[GateFailure]) -> str:
    rows = coverage.get("rows_checked", 0)
    if not failures:
        return f"No duplicate natural key among {rows} proximity rows"
    return f"{len(failures)} natural key(s) stored more than once among {rows} proximity rows"


def unique_keys_gate(
    duplicates: Iterable[DuplicateKey], rows_checked: Mapping[str, int]
) -> GateResult:
    """WS1C: no round, engagement or track natural key is stored twice (WS1C-003)."""
    failures = [
        GateFailure(
            f"{d.table} {d.key}",
            WS1C_DUPLICATE_KEY,
            f"{d.rows} rows from {', '.join(sorted(d.files))}",
        )
        for d in duplicates
    ]
    coverage = {"rows_checked": sum(rows_checked.values()), "rows_per_table": dict(rows_checked)}
    return gate_result(failures, coverage, summarize_unique_keys)
