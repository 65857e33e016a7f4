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
from slomix_pipeline.defs.day_asset import day_asset
from slomix_pipeline.defs.day_metadata import day_metadata, finish
from slomix_pipeline.defs.partitions import partition_days
from slomix_pipeline.defs.resources import WarehouseResource
from slomix_pipeline.defs.sessions.metadata import link_metadata, session_metadata
from slomix_pipeline.defs.verdicts import blocked_days, blocked_table
from slomix_pipeline.ingest.linking import link_days
from slomix_pipeline.ingest.sessions import build_sessions_days
from slomix_pipeline.warehouse import schema_sessions as ss
from slomix_pipeline.warehouse.day_figures import read_day_figures

SESSION_TABLES = [
    ss.gaming_sessions,
    ss.session_rounds,
    ss.session_player_stats,
    ss.map_summaries,
    ss.session_round_graphs,
]
LINK_TABLES = [ss.round_links, ss.lua_round_links, ss.linked_player_rounds]

_GROUP = "sessions"


@day_asset(
    deps=["raw_stats_files", "lua_round_teams", "proximity_engagements"],
    live=True,
    group_name=_GROUP,
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
    days = partition_days(context)
    engine = warehouse.get_engine()
    report = link_days(engine, days, load_settings())
    unlinked = {k: v for k, v in report.round_reason_counts().items() if k != "linked"}
    if unlinked:
        context.log.info(f"unlinked rounds by reason: {unlinked}")
    return finish(context, engine, days, LINK_TABLES, report=link_metadata(report))


@day_asset(
    deps=[linked_rounds],
    live=True,
    group_name=_GROUP,
    description=(
        "Gaming sessions (a gap above SLOMIX_SESSION_GAP_MINUTES splits; owned by the day of "
        "their first round) with per-player totals, map-play summaries with stopwatch scores, "
        "the per-round rows behind the graphs and the restart status of every round. A day "
        "whose integrity gate (ws0_round_contract, ws1c_unique_keys, ws1_lua_links) failed is "
        "not rebuilt: the other days are materialized, the step then fails naming that day."
    ),
)
def session_aggregates(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
):  # -> Iterator[MaterializeResult | AssetMaterialization]; Dagster reads no annotation here
    days = partition_days(context)
    blocked = blocked_days(context.instance, days)
    build = [d for d in days if d not in blocked]
    engine = warehouse.get_engine()
    if build:
        report = build_sessions_days(engine, build, load_settings())
        if report.stale_days:
            stale = ", ".join(d.isoformat() for d in report.stale_days)
            context.log.warning(
                "sessions changed across a day boundary: re-materialize session_aggregates for "
                f"{stale}"
            )
    if not blocked:
        yield finish(context, engine, days, SESSION_TABLES, report=session_metadata(report))
        return
    with engine.connect() as conn:
        figures = read_day_figures(conn, build, SESSION_TABLES)
    for day in build:  # the days that passed are materialized, each with its own figures
        yield dg.AssetMaterialization(
            asset_key=context.asset_key,
            partition=day.isoformat(),
            metadata=day_metadata(day, figures[day]),
        )
    listed = list(blocked.values())
    raise dg.Failure(
        description=(
            f"{len(listed)} of {len(days)} day(s) blocked by a failing integrity gate, their "
            "sessions not rebuilt: " + "; ".join(f"{b.day}: {b.reason()}" for b in listed)
        ),
        metadata={
            "blocked_days": blocked_table(listed),
            "days_materialized": len(build),
        },
        allow_retries=False,
    )
