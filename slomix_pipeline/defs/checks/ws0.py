"""WS0 gates on ``raw_stats_files``: the round contract (blocking) and orphan R2 files (warn).

``ws0_round_contract`` fails a gaming day when a round's sides, score confidence or stopwatch
state are invalid or contradict each other, when a summary (round 0) row was stored, or when a
player or weapon value is negative after the R2 differential; downstream assets of the same run
stop. ``ws0_orphan_r2`` names every R2 stored without its R1: a real-world gap (the R1 file
never landed), so it warns without blocking.
"""

from sqlalchemy.engine import Connection

from slomix_pipeline.defs.checks.day_gate import Days, Verdicts, day_gate_check
from slomix_pipeline.defs.resources import GatesResource
from slomix_pipeline.domain.gates.ws0_orphan_r2 import orphan_r2_gate, summarize_orphan_r2
from slomix_pipeline.domain.gates.ws0_round_contract import (
    round_contract_gate,
    summarize_round_contract,
)
from slomix_pipeline.warehouse.gate_reads import read_contract_rounds, read_negative_values


def _judge_round_contract(conn: Connection, days: Days, _gates: GatesResource) -> Verdicts:
    rounds = read_contract_rounds(conn, days)
    values = read_negative_values(conn, days)
    return {
        day: round_contract_gate(
            rounds.get(day, []),
            values.rows.get(day, []),
            value_rows_checked=values.checked.get(day, 0),
        )
        for day in days
    }


def _judge_orphan_r2(conn: Connection, days: Days, _gates: GatesResource) -> Verdicts:
    rounds = read_contract_rounds(conn, days)
    return {day: orphan_r2_gate(rounds.get(day, [])) for day in days}


ws0_round_contract = day_gate_check(
    name="ws0_round_contract",
    asset="raw_stats_files",
    blocking=True,
    description=(
        "WS0 round contract: every R1/R2 round has valid sides, a score confidence consistent "
        "with its side diagnostics and a stopwatch state (absent only when the times are "
        "unknown); no summary row; no negative player or weapon value. Blocking, ERROR."
    ),
    judge=_judge_round_contract,
    summarize=summarize_round_contract,
)

ws0_orphan_r2 = day_gate_check(
    name="ws0_orphan_r2",
    asset="raw_stats_files",
    description=(
        "WS0 orphan R2 report: every R2 stats file stored without its R1 (values cumulative "
        "over both halves). Warns, never blocks."
    ),
    judge=_judge_orphan_r2,
    summarize=summarize_orphan_r2,
)
