"""Column schemas and row counts of the dataset tables, for the asset pages in the UI."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dagster as dg
from sqlalchemy import Boolean, Date, Float, Integer, Table

from slomix_pipeline.config import Settings
from slomix_pipeline.formats.player_merges import (
    DatasetConfigError,
    PlayerMerge,
    Season,
    parse_merges,
    parse_seasons,
)


def _type(column: Any) -> str:
    for sql_type, name in ((Boolean, "bool"), (Integer, "int"), (Float, "float"), (Date, "date")):
        if isinstance(column.type, sql_type):
            return name
    return "string"


def column_schema(tables: Sequence[Table]) -> dg.TableSchema:
    """The columns of ``tables`` (prefixed ``table.`` when there are several), with comments."""
    prefix = len(tables) > 1
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                f"{t.name}.{c.name}" if prefix else c.name,
                _type(c),
                description=c.comment,
                constraints=dg.TableColumnConstraints(nullable=bool(c.nullable)),
            )
            for t in tables
            for c in t.columns
        ]
    )


def table_metadata(tables: Sequence[Table], written: Mapping[str, int]) -> dict[str, Any]:
    """``dagster/row_count`` (of the first table) and rows per table.

    The column schema is the asset's definition metadata (``_common`` in ``assets.py``, the
    catalog), not repeated here: a range run copies this metadata onto every day, and the
    careers schema alone was 21 KB per day (53 MB of event log for a seven-year rebuild).
    """
    return {
        "dagster/row_count": int(written.get(tables[0].name, 0)),
        **{f"rows/{name}": int(count) for name, count in written.items()},
    }


def load_merges(settings: Settings) -> tuple[PlayerMerge, ...]:
    """The operator's merges; a missing file means none, a malformed one fails the run."""
    path = settings.player_merges_path
    return parse_merges(path.read_bytes(), str(path)) if path.is_file() else ()


def load_seasons(settings: Settings) -> tuple[Season, ...]:
    """The operator's seasons; a missing file means none (all-time only)."""
    path = settings.seasons_path
    return parse_seasons(path.read_bytes(), str(path)) if path.is_file() else ()


__all__ = ["DatasetConfigError", "column_schema", "load_merges", "load_seasons", "table_metadata"]
