"""Helpers shared by the gate readers: the day filter and the reasons list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Table
from sqlalchemy.sql.elements import ColumnElement

from slomix_pipeline.warehouse.writes import TableSlice


def in_days(table: Table, days: Sequence[date]) -> ColumnElement[bool]:
    """Rows of ``days`` only: every gate read is bounded by the partition's days."""
    return TableSlice(table, days).condition()


def split_reasons(text: str | None) -> tuple[str, ...]:
    """The ``;``-joined reasons column as a tuple (empty parts dropped)."""
    return tuple(part.strip() for part in (text or "").split(";") if part.strip())
