"""What one gaming day holds, per table and per landed-file outcome: per-day materialization truth.

A single-run backfill materializes every day of its range in one step; Dagster then records one
materialization per day, and whatever metadata the step reports at range level is copied onto
every day. These figures are read back per ``gaming_day`` from the warehouse, so each day's
materialization says what *that day* holds: rows per table, files per outcome, its rejects.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, Table, func, select

from slomix_pipeline.warehouse import schema


@dataclass(slots=True)
class DayFigures:
    """Rows per table, landed files per outcome, and the rejected files with their reasons."""

    rows: dict[str, int] = field(default_factory=dict)
    files: dict[str, int] = field(default_factory=dict)
    rejects: list[tuple[str, str]] = field(default_factory=list)


def read_day_figures(
    conn: Connection,
    days: Sequence[date],
    tables: Sequence[Table],
    sources: Sequence[str] = (),
    *,
    row_filters: dict[str, object] | None = None,
) -> dict[date, DayFigures]:
    """Figures for each of ``days`` (every day present, zeros included).

    ``sources`` selects the ``processed_files`` slice the asset owns; ``row_filters`` maps a
    table name to an extra WHERE clause (an asset owning part of a shared table).
    """
    out = {d: DayFigures(rows={t.name: 0 for t in tables}) for d in days}
    if not days:
        return out
    lo, hi = min(days), max(days)
    for table in tables:
        query = (
            select(table.c.gaming_day, func.count())
            .where(table.c.gaming_day.between(lo, hi))
            .group_by(table.c.gaming_day)
        )
        extra = (row_filters or {}).get(table.name)
        if extra is not None:
            query = query.where(extra)  # type: ignore[arg-type]
        for day, count in conn.execute(query):
            if day in out:
                out[day].rows[table.name] = int(count)
    if sources:
        pf = schema.processed_files
        where = (pf.c.gaming_day.between(lo, hi), pf.c.source.in_(list(sources)))
        counts: dict[date, dict[str, int]] = defaultdict(dict)
        query = select(pf.c.gaming_day, pf.c.status, func.count()).where(*where)
        for day, status, count in conn.execute(query.group_by(pf.c.gaming_day, pf.c.status)):
            counts[day][status] = int(count)
        rejects = conn.execute(
            select(pf.c.gaming_day, pf.c.file_name, pf.c.reason)
            .where(*where, pf.c.status.in_(["rejected", "changed"]))
            .order_by(pf.c.gaming_day, pf.c.file_name)
        ).all()
        for day in out:
            out[day].files = dict(sorted(counts.get(day, {}).items()))
        for day, name, reason in rejects:
            if day in out:
                out[day].rejects.append((name, reason or ""))
    return out
