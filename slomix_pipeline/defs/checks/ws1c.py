"""WS1C gates on ``proximity_engagements``: linked files, a live sprint signal, unique keys.

``ws1c_proximity_links`` warns (never blocks) when a proximity file is not linked to a stored
round or when a day's sprint distribution is flat: proximity is an enrichment, a file whose stats
round has not landed yet must not hold back the session tables. ``ws1c_unique_keys`` blocks with
ERROR severity: a round, engagement or track stored twice would be counted twice downstream.
"""

# No ``from __future__ import annotations`` in modules under defs/ (Dagster reads annotations).
from collections.abc import Iterator

import dagster as dg

from slomix_pipeline.defs.checks.render import emit
from slomix_pipeline.defs.partitions import gaming_days, partition_days
from slomix_pipeline.defs.resources import GatesResource, WarehouseResource
from slomix_pipeline.domain.gates.ws1c_proximity_links import (
    proximity_link_gate,
    summarize_proximity_links,
)
from slomix_pipeline.domain.gates.ws1c_unique_keys import summarize_unique_keys, unique_keys_gate
from slomix_pipeline.warehouse.gate_reads import (
    read_duplicate_keys,
    read_proximity_files,
    read_sprint_distributions,
)


@dg.asset_check(
    asset="proximity_engagements",
    partitions_def=gaming_days,
    pool="warehouse",
    description=(
        "WS1C proximity links: every proximity file is linked to a stored stats round, and a "
        "day with tracks has a sprint distribution that is not flat (WS1C-004). Warns."
    ),
)
def ws1c_proximity_links(
    context: dg.AssetCheckExecutionContext,
    warehouse: WarehouseResource,
    gates: GatesResource,
) -> Iterator[dg.AssetCheckResult | dg.AssetCheckEvaluation]:
    days = partition_days(context)
    with warehouse.get_engine().connect() as conn:
        files = read_proximity_files(conn, days)
        sprint = read_sprint_distributions(conn, days)
    results = {day: proximity_link_gate(files.get(day, []), sprint.get(day)) for day in days}
    yield from emit(
        context,
        results,
        summarize_proximity_links,
        severity=dg.AssetCheckSeverity.WARN,
        gates=gates,
    )


@dg.asset_check(
    asset="proximity_engagements",
    partitions_def=gaming_days,
    blocking=True,
    pool="warehouse",
    description=(
        "WS1C unique keys: no proximity round (map, round, start, end), engagement or track "
        "natural key stored twice (WS1C-003). Blocking, ERROR."
    ),
)
def ws1c_unique_keys(
    context: dg.AssetCheckExecutionContext,
    warehouse: WarehouseResource,
    gates: GatesResource,
) -> Iterator[dg.AssetCheckResult | dg.AssetCheckEvaluation]:
    days = partition_days(context)
    with warehouse.get_engine().connect() as conn:
        keys = read_duplicate_keys(conn, days)
    results = {
        day: unique_keys_gate(keys.duplicates.get(day, []), keys.checked.get(day, {}))
        for day in days
    }
    yield from emit(context, results, summarize_unique_keys, gates=gates)
