"""Pieces the warehouse read modules build their SELECTs and records from.

Why: the gate reads spelled each SELECT list column by column and then copied every row into a
record field by field (``round_key=row.round_key``, ...), so each read named its fields twice
and the same lists recurred across readers. Here a read names its fields once, as a tuple, and
files the records under their gaming day with one helper.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Connection, Executable, Row
from sqlalchemy.sql import ColumnElement, FromClause

T = TypeVar("T")


def columns(table: FromClause, names: Iterable[str]) -> list[ColumnElement[Any]]:
    """``table``'s columns ``names``, in order (a SELECT list written as names)."""
    return [table.c[name] for name in names]


def values(row: Row[Any], names: Iterable[str]) -> dict[str, Any]:
    """``row``'s values of ``names``: the keyword arguments of a record with those fields."""
    mapping = row._mapping
    return {name: mapping[name] for name in names}


def by_day(
    conn: Connection, query: Executable, build: Callable[[Row[Any]], T]
) -> dict[date, list[T]]:
    """``build(row)`` for every row of ``query``, filed under the row's ``gaming_day``."""
    out: dict[date, list[T]] = defaultdict(list)
    for row in conn.execute(query):
        out[row.gaming_day].append(build(row))
    return out
