"""Gaming-day partitions: one partition per gaming day in the game server's time zone.

The day starts at ``SLOMIX_DAY_START_HOUR`` (default 06:00) local time, so a night that crosses
midnight is one partition. ``end_offset=1`` exposes the gaming day in progress, which live
ingestion fills while people play.
"""

from __future__ import annotations

from datetime import date

import dagster as dg

from slomix_pipeline.config import load_settings

_settings = load_settings()

gaming_days = dg.DailyPartitionsDefinition(
    start_date=_settings.partition_start.isoformat(),
    timezone=_settings.server_tz_name,
    hour_offset=_settings.day_start_hour,
    end_offset=1,
)


def partition_days(context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext) -> list[date]:
    """The gaming days of this run: one partition or a single-run range (never partition_key)."""
    return sorted(date.fromisoformat(key) for key in context.partition_keys)
