"""``linked_rounds`` and ``session_aggregates``: thin wrappers around the ingest layer.

``linked_rounds`` links stats rounds, Lua round ends and proximity files of its days (reading
the neighbouring days for candidates) and writes the link tables with the effective values;
``session_aggregates`` groups the rounds into gaming sessions and writes the session tables for
the sessions that *start* on its days. All the work happens in
:mod:`slomix_pipeline.ingest.linking` and :mod:`slomix_pipeline.ingest.sessions`.
"""

# No ``from __future__ import annotations`` here: Dagster inspects the ``context`` annotation of
# an asset as written, and a string annotation fails its check.
import dagster as dg

from slomix_pipeline.config import load_settings
from slomix_pipeline.defs.partitions import gaming_days, partition_days
from slomix_pipeline.defs.resources import WarehouseResource
from slomix_pipeline.defs.sessions.metadata import link_metadata, session_metadata
from slomix_pipeline.ingest.linking import link_days
from slomix_pipeline.ingest.sessions import build_sessions_days

_GROUP = "sessions"


@dg.asset(
    deps=["raw_stats_files", "lua_round_teams", "proximity_engagements"],
    partitions_def=gaming_days,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name=_GROUP,
    kinds={"python", "sql"},
    pool="warehouse",
    description=(
        "Each stats round linked to at most one Lua round end (exact start via its proximity "
        "file, else Lua end within 30 s of the file time, never on a tie) with a reason code "
        "for every unlinked round and Lua row; the effective duration, winner and defender "
        "after the Lua truth, the timing comparison, and clamped per-player time played."
    ),
)
def linked_rounds(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
) -> dg.MaterializeResult:
    report = link_days(warehouse.get_engine(), partition_days(context), load_settings())
    unlinked = {k: v for k, v in report.round_reason_counts().items() if k != "linked"}
    if unlinked:
        context.log.info(f"unlinked rounds by reason: {unlinked}")
    return dg.MaterializeResult(metadata=link_metadata(report))


@dg.asset(
    deps=[linked_rounds],
    partitions_def=gaming_days,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name=_GROUP,
    kinds={"python", "sql"},
    pool="warehouse",
    description=(
        "Gaming sessions (a gap above SLOMIX_SESSION_GAP_MINUTES splits; owned by the day of "
        "their first round) with per-player totals, map-play summaries with stopwatch scores, "
        "the per-round rows behind the graphs and the restart status of every round."
    ),
)
def session_aggregates(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
) -> dg.MaterializeResult:
    report = build_sessions_days(warehouse.get_engine(), partition_days(context), load_settings())
    if report.stale_days:
        days = ", ".join(d.isoformat() for d in report.stale_days)
        context.log.warning(
            f"sessions changed across a day boundary: re-materialize session_aggregates for {days}"
        )
    return dg.MaterializeResult(metadata=session_metadata(report))
