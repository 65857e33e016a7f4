"""``endstats_awards_linked``: every stats round with an endstats file has its awards linked,
and derivable awards agree with the round's player rows. Warns: endstats are an enrichment.
Its coverage carries the day's completeness (share of rounds with Lua, endstats, proximity)."""

# No ``from __future__ import annotations`` in modules under defs/ (Dagster reads annotations).
from collections.abc import Iterator

import dagster as dg

from slomix_pipeline.defs.checks.render import emit
from slomix_pipeline.defs.partitions import gaming_days, partition_days
from slomix_pipeline.defs.resources import GatesResource, WarehouseResource
from slomix_pipeline.defs.step_order import AFTER_THE_SESSION_PATH
from slomix_pipeline.domain.endstats_gate import endstats_gate, summarize_endstats
from slomix_pipeline.ingest.day_chunks import day_chunks
from slomix_pipeline.warehouse.endstats_reads import read_endstats_days


@dg.asset_check(
    asset="endstats",
    partitions_def=gaming_days,
    pool="warehouse",
    op_tags=AFTER_THE_SESSION_PATH,
    description=(
        "Endstats: every stats round with an endstats file has linked awards, and derivable "
        "awards (damage, deaths, revives, …) equal the winner's player rows in the award's "
        "scope. Coverage: per-day completeness (stats, Lua, endstats, proximity). Warns."
    ),
)
def endstats_awards_linked(
    context: dg.AssetCheckExecutionContext,
    warehouse: WarehouseResource,
    gates: GatesResource,
) -> Iterator[dg.AssetCheckResult | dg.AssetCheckEvaluation]:
    days = partition_days(context)
    results = {}
    with warehouse.get_engine().connect() as conn:
        for chunk in day_chunks(days):  # a whole history's player rows at once held ~150 MB
            per_day, players = read_endstats_days(conn, chunk)
            for day, d in per_day.items():
                results[day] = endstats_gate(d.rounds, d.files, d.awards, players, d.guid_statuses)
    yield from emit(
        context, results, summarize_endstats, severity=dg.AssetCheckSeverity.WARN, gates=gates
    )
