"""``stats_file_complete``: a stats file cut at a line boundary is named, per day, by evidence.

The predicate and its reasoning live in :mod:`slomix_pipeline.domain.stats_completeness`: a
player the round's endstats side-car names (kills or deaths against an enemy) must have a line in
the stats file. The check sits on ``endstats`` because that asset writes the evidence (the
side-car's subjects resolved within the linked round) and always runs after ``raw_stats_files``.
It warns: the round is kept (every line present is correct), the other rounds and the day's
sessions are built; the operator re-fetches the file or acknowledges the loss.
"""

# No ``from __future__ import annotations`` in modules under defs/ (Dagster reads annotations).
from collections.abc import Iterator

import dagster as dg

from slomix_pipeline.defs.checks.render import emit
from slomix_pipeline.defs.partitions import gaming_days, partition_days
from slomix_pipeline.defs.resources import GatesResource, WarehouseResource
from slomix_pipeline.domain.stats_completeness import (
    stats_completeness_gate,
    summarize_stats_completeness,
)
from slomix_pipeline.warehouse.completeness_reads import read_completeness_rounds


@dg.asset_check(
    asset="endstats",
    partitions_def=gaming_days,
    pool="warehouse",
    description=(
        "Stats files whole: every player the round's endstats side-car names (kills or deaths "
        "against an enemy) has a line in the round's stats file; otherwise the file was cut at "
        "a line boundary. The round is kept and named with the missing players. Warns."
    ),
)
def stats_file_complete(
    context: dg.AssetCheckExecutionContext,
    warehouse: WarehouseResource,
    gates: GatesResource,
) -> Iterator[dg.AssetCheckResult | dg.AssetCheckEvaluation]:
    days = partition_days(context)
    with warehouse.get_engine().connect() as conn:
        rounds = read_completeness_rounds(conn, days)
    results = {day: stats_completeness_gate(rounds[day]) for day in days}
    yield from emit(
        context,
        results,
        summarize_stats_completeness,
        severity=dg.AssetCheckSeverity.WARN,
        gates=gates,
    )
