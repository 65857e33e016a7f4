"""``raw_stats_files``: the per-round stats files of a gaming-day range, as warehouse tables."""

# No `from __future__ import annotations` here: Dagster resolves the Config and resource
# parameter types from the real annotations at decoration time.

import dagster as dg

from slomix_pipeline.config import load_settings
from slomix_pipeline.defs.day_asset import day_asset
from slomix_pipeline.defs.day_metadata import finish
from slomix_pipeline.defs.partitions import partition_days
from slomix_pipeline.defs.resources import LandingZoneResource, WarehouseResource
from slomix_pipeline.defs.stats.metadata import stats_metadata
from slomix_pipeline.ingest.stats_files import ingest_stats_days
from slomix_pipeline.warehouse import schema


class StatsIngestConfig(dg.Config):
    """Run options. ``accept_changed`` re-baselines files whose content changed after landing."""

    accept_changed: bool = False


@day_asset(
    group_name="stats",
    description=(
        "Stats files of local_stats/ parsed into rounds, player_comprehensive_stats and "
        "weapon_comprehensive_stats (R2 rows hold R2-only values); every file is recorded in "
        "processed_files, rejects with their reason."
    ),
)
def raw_stats_files(
    context: dg.AssetExecutionContext,
    config: StatsIngestConfig,
    warehouse: WarehouseResource,
    landing: LandingZoneResource,
) -> dg.MaterializeResult:
    days = partition_days(context)
    engine = warehouse.get_engine()
    report = ingest_stats_days(
        engine,
        landing.path(),
        days,
        load_settings(),
        accept_changed=config.accept_changed,
    )
    for outcome in report.rejected:
        context.log.warning(f"quarantined {outcome.file_name}: {outcome.reason}")
    tables = [schema.rounds, schema.player_comprehensive_stats, schema.weapon_comprehensive_stats]
    return finish(context, engine, days, tables, ["stats"], report=stats_metadata(report))
