"""The warehouse's one ``MetaData`` and the builder every schema module declares its tables with.

Why: every table used to open with ``Table(name, metadata, ...)`` and name its primary key
``PrimaryKeyConstraint(..., name="pk_<table>")``; the builder supplies both, so a declaration is
its name, its columns (``warehouse/columns.py``), its key and its indexes, and the ``pk_<table>``
naming rule lives in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import MetaData, PrimaryKeyConstraint, Table
from sqlalchemy.schema import SchemaItem

metadata = MetaData()


@dataclass(frozen=True, slots=True)
class PrimaryKey:
    """A table's composite primary key, named ``pk_<table>`` by :func:`table`."""

    columns: tuple[str, ...]


def primary_key(*columns: str) -> PrimaryKey:
    """The primary key over ``columns`` (in this order) of the table it is declared in."""
    return PrimaryKey(columns)


def table(name: str, *items: SchemaItem | PrimaryKey) -> Table:
    """A table on the shared metadata; a :func:`primary_key` item becomes ``pk_<name>``."""
    return Table(
        name,
        metadata,
        *(
            PrimaryKeyConstraint(*item.columns, name=f"pk_{name}")
            if isinstance(item, PrimaryKey)
            else item
            for item in items
        ),
    )
