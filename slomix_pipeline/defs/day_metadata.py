"""Per-day materialization metadata: each partition's event describes that day only.

Dagster copies a step's ``MaterializeResult`` metadata onto every partition of a range run, so
an asset run over a range returns no range-wide metadata; instead :func:`finish` attaches to each
day its own figures (``warehouse/day_figures.py``) with ``add_asset_metadata(partition_key=…)``
and writes the range-wide report to the run log. A single-day run keeps the asset's detailed
report (it describes that one day) plus the same per-day figures.
"""

# No ``from __future__ import annotations`` in modules under defs/ (Dagster reads annotations).
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import dagster as dg
from sqlalchemy import Table
from sqlalchemy.engine import Engine

from slomix_pipeline.defs.tables import text_table
from slomix_pipeline.warehouse.day_figures import DayFigures, read_day_figures

_MAX_REJECTS = 50


def day_metadata(day: date, figures: DayFigures) -> dict[str, Any]:
    """The metadata of one day's materialization."""
    meta: dict[str, Any] = {"day": dg.MetadataValue.text(day.isoformat())}
    for table, count in figures.rows.items():
        meta[f"day_rows/{table}"] = count
    if figures.files or figures.rejects:
        meta["day_files"] = dg.MetadataValue.json(figures.files)
        meta["day_files_rejected"] = len(figures.rejects)
    if figures.rejects:  # an empty table costs ~700 bytes per day per asset in the event log
        meta["day_rejected_files"] = text_table(
            ["file", "reason"], [(n, r) for n, r in figures.rejects[:_MAX_REJECTS]]
        )
    return meta


def finish(
    context: dg.AssetExecutionContext,
    engine: Engine,
    days: Sequence[date],
    tables: Sequence[Table],
    sources: Sequence[str] = (),
    *,
    report: Mapping[str, Any],
    row_filters: dict[str, object] | None = None,
) -> dg.MaterializeResult:
    """Attach each day's figures to its partition; the asset's own report only for one day."""
    with engine.connect() as conn:
        figures = read_day_figures(conn, days, tables, sources, row_filters=row_filters)
    for day in days:
        context.add_asset_metadata(day_metadata(day, figures[day]), partition_key=day.isoformat())
    if len(days) == 1:
        return dg.MaterializeResult(metadata=dict(report))
    context.log.info(f"range {days[0]}..{days[-1]} ({len(days)} days): {_brief(report)}")
    return dg.MaterializeResult()


def _brief(report: Mapping[str, Any]) -> str:
    """The plain numbers of a range report, for the run log."""
    parts = [f"{k}={v}" for k, v in report.items() if isinstance(v, int | float)]
    return ", ".join(parts) or "see per-day metadata"
