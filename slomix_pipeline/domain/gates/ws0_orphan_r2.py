"""WS0 predicate: every R2 has its R1 (an orphan R2 holds cumulative values of both halves).

Apart from the round contract because an orphan is not a broken row: it is a missing file, and
the operator may acknowledge it once the R1 is known to be lost for good.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from slomix_pipeline.domain.gates.verdicts import GateFailure, GateResult, gate_result
from slomix_pipeline.domain.gates.ws0_records import WS0_ORPHAN_R2, ContractRound


def summarize_orphan_r2(coverage: Mapping[str, Any], failures: Sequence[GateFailure]) -> str:
    r2 = coverage.get("r2_rounds", 0)
    if not failures:
        return f"Every R2 has its R1: {r2}/{r2} R2 rounds paired"
    return f"{len(failures)} orphan R2 file(s) of {r2} R2 rounds (R1 never landed)"


def orphan_r2_gate(rounds: Iterable[ContractRound]) -> GateResult:
    """WS0: report every R2 stored without its R1 (its values are cumulative over both halves)."""
    r2 = [r for r in rounds if r.round_number == 2]
    failures = [
        GateFailure(
            r.round_key, WS0_ORPHAN_R2, f"{r.source_file}: no R1 of the map within the window"
        )
        for r in r2
        if r.is_orphan_r2
    ]
    coverage = {"r2_rounds": len(r2), "r2_paired": len(r2) - len(failures)}
    return gate_result(failures, coverage, summarize_orphan_r2)
