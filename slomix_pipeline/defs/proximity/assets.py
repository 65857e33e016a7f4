"""``proximity_engagements``: the proximity tracker files of a gaming-day range, as tables.

All the work happens in :mod:`slomix_pipeline.ingest.proximity`; this function only wires the
resources and reports. It depends on ``raw_stats_files`` and ``lua_round_teams`` because it reads
their tables (``rounds``, ``lua_round_teams``) to decide each file's round from its times.
"""

# No ``from __future__ import annotations`` here: Dagster inspects the ``context`` annotation of
# an asset as written, and a string annotation fails its check.
import dagster as dg

from slomix_pipeline.config import load_settings
from slomix_pipeline.defs.day_asset import day_asset
from slomix_pipeline.defs.day_metadata import finish
from slomix_pipeline.defs.partitions import partition_days
from slomix_pipeline.defs.proximity.metadata import proximity_metadata
from slomix_pipeline.defs.resources import LandingZoneResource, WarehouseResource
from slomix_pipeline.ingest.proximity import ingest_proximity_days
from slomix_pipeline.warehouse import schema_proximity as sp


@day_asset(
    deps=["raw_stats_files", "lua_round_teams"],
    live=True,
    group_name="proximity",
    description=(
        "Proximity tracker files of local_proximity/ parsed into combat_engagement, player_track, "
        "proximity_trade_event and proximity_support_summary (bulk COPY, natural keys). Each "
        "file's round is decided from its start/end times against rounds and lua_round_teams "
        "(the R2 written as round 1 is corrected); proximity_files keeps every decision with its "
        "reason, and processed_files every file, rejects with their reason."
    ),
)
def proximity_engagements(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    landing: LandingZoneResource,
) -> dg.MaterializeResult:
    days = partition_days(context)
    engine = warehouse.get_engine()
    report = ingest_proximity_days(engine, landing.path(), days, load_settings())
    for outcome in report.rejected:
        context.log.warning(f"quarantined proximity file {outcome.file_name}: {outcome.reason}")
    if report.rounds_unresolved:
        context.log.warning(
            f"{report.rounds_unresolved} proximity file(s) kept their header round: no time match"
        )
    tables = [
        sp.proximity_files,
        sp.combat_engagement,
        sp.player_track,
        sp.proximity_trade_event,
        sp.proximity_support_summary,
    ]
    return finish(context, engine, days, tables, ["proximity"], report=proximity_metadata(report))
