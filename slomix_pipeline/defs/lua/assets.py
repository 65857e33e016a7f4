"""Lua round timing assets: both delivery channels into ``lua_events``, then the merged rounds.

``webhook_drops`` and ``gametime_files`` each own their source's slice of ``lua_events`` and
``processed_files``; ``lua_round_teams`` depends on both and rebuilds ``lua_round_teams`` and
``lua_spawn_stats`` from ``lua_events`` alone. All the work happens in
:mod:`slomix_pipeline.ingest.lua_events`; these functions only wire resources and report.
"""

# No ``from __future__ import annotations`` here: Dagster inspects the ``context`` annotation of
# an asset without a Config parameter as written, and a string annotation fails its check.
import dagster as dg

from slomix_pipeline.config import load_settings
from slomix_pipeline.defs.day_asset import day_asset
from slomix_pipeline.defs.day_metadata import finish
from slomix_pipeline.defs.lua.metadata import round_teams_metadata, source_metadata
from slomix_pipeline.defs.partitions import partition_days
from slomix_pipeline.defs.resources import LandingZoneResource, WarehouseResource
from slomix_pipeline.domain.lua_records import SOURCE_GAMETIME, SOURCE_WEBHOOK
from slomix_pipeline.ingest.lua_events import build_lua_round_teams_days, ingest_lua_source_days
from slomix_pipeline.ingest.lua_ingest_report import LuaIngestReport
from slomix_pipeline.warehouse import schema_lua

_GROUP = "lua"


def _ingest(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    landing: LandingZoneResource,
    source: str,
) -> dg.MaterializeResult:
    days = partition_days(context)
    engine = warehouse.get_engine()
    report: LuaIngestReport = ingest_lua_source_days(
        engine, landing.path(), days, load_settings(), source
    )
    for outcome in report.rejected:
        context.log.warning(f"quarantined {source} file {outcome.file_name}: {outcome.reason}")
    events = schema_lua.lua_events
    return finish(
        context,
        engine,
        days,
        [events],
        [source],
        report=source_metadata(report),
        row_filters={events.name: events.c.source == source},
    )


@day_asset(
    group_name=_GROUP,
    description=(
        "STATS_READY bodies landed by the webhook receiver in webhook_drops/, parsed into "
        "lua_events (source=webhook); every file is recorded in processed_files, objective pings "
        "as ignored, broken bodies as rejected with their reason."
    ),
)
def webhook_drops(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    landing: LandingZoneResource,
) -> dg.MaterializeResult:
    return _ingest(context, warehouse, landing, SOURCE_WEBHOOK)


@day_asset(
    group_name=_GROUP,
    description=(
        "Gametime fallback files of local_gametimes/ parsed into lua_events (source=gametime), "
        "the only carrier of per-player spawn stats; every file is recorded in processed_files."
    ),
)
def gametime_files(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    landing: LandingZoneResource,
) -> dg.MaterializeResult:
    return _ingest(context, warehouse, landing, SOURCE_GAMETIME)


@day_asset(
    deps=[webhook_drops, gametime_files],
    live=True,
    group_name=_GROUP,
    description=(
        "One row per real round end (map, round, round start, round end) merged from every "
        "delivery in lua_events (webhook preferred, earliest arrival first), with first-seen and "
        "last-update times; lua_spawn_stats holds the per-player respawn figures."
    ),
)
def lua_round_teams(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
) -> dg.MaterializeResult:
    days = partition_days(context)
    engine = warehouse.get_engine()
    report = build_lua_round_teams_days(engine, days)
    if report.quarantined:
        context.log.warning(
            f"{len(report.quarantined)} Lua file(s) of these days are quarantined "
            "(see the quarantined_files metadata)"
        )
    tables = [schema_lua.lua_round_teams, schema_lua.lua_spawn_stats]
    return finish(context, engine, days, tables, report=round_teams_metadata(report))
