"""Gaming-day partitions: one partition per gaming day in the game server's time zone.

The day starts at ``SLOMIX_DAY_START_HOUR`` (default 06:00) local time, so a night that crosses
midnight is one partition. ``end_offset=1`` exposes the gaming day in progress, which live
ingestion fills while people play.

The first partition is ``SLOMIX_PARTITION_START`` when set; by default it is where the data
starts: the earliest gaming day named by a stats file in the landing zone (today's gaming day
when the zone is empty), so a fresh install's "x % filled" counts days since the first night,
not since an arbitrary date. The default is resolved when the code location loads; after
importing an older archive, reload the code location (or set the variable).
"""

from __future__ import annotations

from datetime import date

import dagster as dg

from slomix_pipeline.config import Settings, load_settings
from slomix_pipeline.domain.gaming_day import (
    gaming_day_of_epoch,
    gaming_day_of_local,
    utc_now_epoch,
)
from slomix_pipeline.formats.stats_file import classify_stats_filename
from slomix_pipeline.landing.zone import STATS_FOLDER, iter_landed


def first_partition_day(settings: Settings) -> date:
    """``SLOMIX_PARTITION_START``, else the first landed stats day, else today's gaming day."""
    if settings.partition_start is not None:
        return settings.partition_start
    days = [
        gaming_day_of_local(name.local_time, settings.day_start_hour)
        for landed in iter_landed(settings.data_dir, STATS_FOLDER)
        if (name := classify_stats_filename(landed.name)) is not None
    ]
    if days:
        return min(days)
    now = utc_now_epoch()
    return gaming_day_of_epoch(now, settings.server_tz, settings.day_start_hour)


_settings = load_settings()

gaming_days = dg.DailyPartitionsDefinition(
    start_date=first_partition_day(_settings).isoformat(),
    timezone=_settings.server_tz_name,
    hour_offset=_settings.day_start_hour,
    end_offset=1,
)


def partition_days(context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext) -> list[date]:
    """The gaming days of this run: one partition or a single-run range (never partition_key)."""
    return sorted(date.fromisoformat(key) for key in context.partition_keys)
