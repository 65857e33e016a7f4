"""WS7 gate on ``session_aggregates``: kill assists present, three views that agree per player.

For every session owned by the day, the session totals, the per-round graph rows and the stored
R1/R2 rows of the counted rounds must agree per player on kill assists, kills, deaths and damage
given/received, with every player who played (late joiners and unassigned players included).
Blocking with ERROR severity.
"""

# No ``from __future__ import annotations`` in modules under defs/ (Dagster reads annotations).
from collections.abc import Iterator

import dagster as dg

from slomix_pipeline.defs.checks.render import emit
from slomix_pipeline.defs.partitions import gaming_days, partition_days
from slomix_pipeline.defs.resources import GatesResource, WarehouseResource
from slomix_pipeline.domain.gates import kill_assists_gate, summarize_kill_assists
from slomix_pipeline.ingest.day_chunks import day_chunks
from slomix_pipeline.warehouse.gate_reads import SessionViews, read_session_views


@dg.asset_check(
    asset="session_aggregates",
    partitions_def=gaming_days,
    blocking=True,
    pool="warehouse",
    description=(
        "WS7 kill assists: kill_assists present for every player of every session; per player, "
        "session totals == sum of graph rows == sum of the stored R1/R2 rows (summary rows "
        "excluded) for kill_assists, kills, deaths and damage; late joiners included. "
        "Blocking, ERROR."
    ),
)
def ws7_kill_assists(
    context: dg.AssetCheckExecutionContext,
    warehouse: WarehouseResource,
    gates: GatesResource,
) -> Iterator[dg.AssetCheckResult | dg.AssetCheckEvaluation]:
    days = partition_days(context)
    results = {}
    with warehouse.get_engine().connect() as conn:
        # a chunk's player rows at a time: the whole history's three views at once held
        # every session, graph and round row of seven years (issue 13)
        for chunk in day_chunks(days):
            views = read_session_views(conn, chunk)
            for day in chunk:
                v = views.get(day, SessionViews())
                results[day] = kill_assists_gate(
                    v.sessions, v.session_rounds, v.totals, v.graphs, v.rounds
                )
    yield from emit(context, results, summarize_kill_assists, gates=gates)
