"""The days of a range on which anything landed: the days a per-day gate has something to judge.

Every landed file of every source (stats, endstats sidecars, Lua webhook drops and gametimes,
proximity), loaded or quarantined, has a ``processed_files`` row under its gaming day, written by
the asset that reads it. A day without one had no input at all: every partitioned table is empty
on it, so every gate passes on it trivially. A seven-year history has ~1,500 such days of 2,500
(issue 13); range runs record no per-day check evaluation on them (``defs/checks/render.py``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, select

from slomix_pipeline.warehouse import schema


def days_with_landings(conn: Connection, first: date, last: date) -> set[date]:
    """The gaming days in ``first..last`` with at least one landed file of any source."""
    pf = schema.processed_files
    query = select(pf.c.gaming_day).where(pf.c.gaming_day.between(first, last)).distinct()
    return {row[0] for row in conn.execute(query)}
