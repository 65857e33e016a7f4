"""Column builders shared by every warehouse schema module.

Why: the warehouse has 68 tables and ~1,300 columns, and nearly every column is one of a dozen
kinds (a NOT NULL text, a nullable big integer, ...). Spelling each one as
``Column(name, Type, nullable=..., comment=...)`` buried a table's list of names under repeated
keywords and made whole groups (the round scope, the provenance pair) recur in five modules. With
one builder per kind, a table reads as its list of names; with one function per recurring group,
each group is written once.

The schema modules star-import this module (its ``__all__``: builders only), so that a column
list reads ``text("map_key")``, ``bigint_null("round_id", "rounds.id when linked")``, ...

The builders produce exactly the columns the long form did (``scripts/schema_ddl.py --against``
proves the DDL unchanged), so a table's shape is still fixed by its Alembic migration.
"""

from __future__ import annotations

from functools import partial

from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, Float, Integer, Text
from sqlalchemy.types import TypeEngine

__all__ = [
    "bigint",
    "bigint_null",
    "boolean",
    "boolean_null",
    "column",
    "date",
    "floating",
    "floating_null",
    "gaming_day",
    "id_key",
    "integer",
    "integer_null",
    "linked_file_columns",
    "many",
    "provenance_columns",
    "round_scope_columns",
    "round_time_columns",
    "text",
    "text_null",
    "timestamp",
]


def column(
    name: str, comment: str | None = None, *, type_: type[TypeEngine], nullable: bool
) -> Column:
    """One column; the kind-named builders below are this with the type and nullability fixed.

    Name and comment are positional so that a table's column list reads as names and notes.
    """
    return Column(name, type_, nullable=nullable, comment=comment)


def _builders(type_: type[TypeEngine]) -> tuple[partial[Column], partial[Column]]:
    """The NOT NULL and the nullable builder of one column type."""
    return (
        partial(column, type_=type_, nullable=False),
        partial(column, type_=type_, nullable=True),
    )


text, text_null = _builders(Text)
bigint, bigint_null = _builders(BigInteger)
integer, integer_null = _builders(Integer)
floating, floating_null = _builders(Float)
boolean, boolean_null = _builders(Boolean)
date = _builders(Date)[0]  # the warehouse has no nullable dates or times
timestamp = _builders(DateTime)[0]


def many(builder: partial[Column], *names: str) -> list[Column]:
    """One column per name, all of the builder's kind (runs of same-typed metrics)."""
    return [builder(name) for name in names]


def id_key(name: str, comment: str | None = None) -> Column:
    """A deterministic ``BigInteger`` primary key (never a serial: ids come from natural keys)."""
    return Column(name, BigInteger, primary_key=True, autoincrement=False, comment=comment)


def gaming_day(comment: str | None = None) -> Column:
    """``gaming_day``, the partition key of every partitioned row."""
    return date("gaming_day", comment)


def provenance_columns(file_comment: str | None = None) -> list[Column]:
    """``source_file`` + ``source_sha256``: the landed file every warehouse row came from."""
    return [text("source_file", file_comment), text("source_sha256")]


def linked_file_columns(
    *, file: str | None = None, day: str | None = None, round_: str | None = None
) -> list[Column]:
    """Provenance, partition day and linked stats round: the head of every per-file row."""
    return [
        *provenance_columns(file),
        gaming_day(day),
        bigint_null("round_id", round_),
    ]


def round_scope_columns(
    key: str | None = None, map_: str | None = None, number: str | None = None
) -> list[Column]:
    """The round a proximity row belongs to (the round number is the *resolved* one)."""
    return [
        text_null("round_key", key),
        text_null("map_name", map_),
        bigint_null("round_number", number),
        *round_time_columns(nullable=True),
    ]


def round_time_columns(nullable: bool) -> list[Column]:
    """``round_start_unix`` + ``round_end_unix``: a round's bounds on the server clock."""
    kind = bigint_null if nullable else bigint
    return [kind("round_start_unix"), kind("round_end_unix")]
