"""WS0 gates on ``raw_stats_files``: the round contract (blocking) and orphan R2 files (warn).

``ws0_round_contract`` fails a gaming day when a round's sides, score confidence or stopwatch
state are invalid or contradict each other, when a summary (round 0) row was stored, or when a
player or weapon value is negative after the R2 differential; downstream assets of the same run
stop. ``ws0_orphan_r2`` names every R2 stored without its R1: a real-world gap (the R1 file
never landed), so it warns without blocking.
"""

# No ``from __future__ import annotations`` in modules under defs/ (Dagster reads annotations).
from collections.abc import Iterator

import dagster as dg

from slomix_pipeline.defs.checks.render import emit
from slomix_pipeline.defs.partitions import gaming_days, partition_days
from slomix_pipeline.defs.resources import GatesResource, WarehouseResource
from slomix_pipeline.domain.gates.ws0_orphan_r2 import orphan_r2_gate, summarize_orphan_r2
from slomix_pipeline.domain.gates.ws0_round_contract import (
    round_contract_gate,
    summarize_round_contract,
)
from slomix_pipeline.warehouse.gate_reads import read_contract_rounds, read_negative_values


@dg.asset_check(
    asset="raw_stats_files",
    partitions_def=gaming_days,
    blocking=True,
    pool="warehouse",
    description=(
        "WS0 round contract: every R1/R2 round has valid sides, a score confidence consistent "
        "with its side diagnostics and a stopwatch state (absent only when the times are "
        "unknown); no summary row; no negative player or weapon value. Blocking, ERROR."
    ),
)
def ws0_round_contract(
    context: dg.AssetCheckExecutionContext,
    warehouse: WarehouseResource,
    gates: GatesResource,
) -> Iterator[dg.AssetCheckResult | dg.AssetCheckEvaluation]:
    days = partition_days(context)
    with warehouse.get_engine().connect() as conn:
        rounds = read_contract_rounds(conn, days)
        values = read_negative_values(conn, days)
    results = {
        day: round_contract_gate(
            rounds.get(day, []),
            values.rows.get(day, []),
            value_rows_checked=values.checked.get(day, 0),
        )
        for day in days
    }
    yield from emit(context, results, summarize_round_contract, gates=gates)


@dg.asset_check(
    asset="raw_stats_files",
    partitions_def=gaming_days,
    pool="warehouse",
    description=(
        "WS0 orphan R2 report: every R2 stats file stored without its R1 (values cumulative "
        "over both halves). Warns, never blocks."
    ),
)
def ws0_orphan_r2(
    context: dg.AssetCheckExecutionContext,
    warehouse: WarehouseResource,
    gates: GatesResource,
) -> Iterator[dg.AssetCheckResult | dg.AssetCheckEvaluation]:
    days = partition_days(context)
    with warehouse.get_engine().connect() as conn:
        rounds = read_contract_rounds(conn, days)
    results = {day: orphan_r2_gate(rounds.get(day, [])) for day in days}
    yield from emit(
        context, results, summarize_orphan_r2, severity=dg.AssetCheckSeverity.WARN, gates=gates
    )
