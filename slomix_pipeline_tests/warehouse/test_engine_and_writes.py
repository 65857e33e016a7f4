"""The warehouse layer on both backends: migrations, schema parity, partition replacement."""

from __future__ import annotations

from datetime import date, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    Table,
    Text,
    select,
)

from slomix_pipeline.warehouse.all_tables import metadata
from slomix_pipeline.warehouse.engine import normalise_url, open_warehouse
from slomix_pipeline.warehouse.writes import TableSlice, insert_rows, replace_partition


def test_bare_postgres_url_is_pinned_to_psycopg2() -> None:
    assert normalise_url("postgresql://u@h/db").drivername == "postgresql+psycopg2"
    assert normalise_url("sqlite:///x.db").drivername == "sqlite"


def test_migrations_produce_exactly_the_declared_schema(warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == [], f"schema.py and migrations/ disagree: {diff}"


def test_open_warehouse_is_idempotent(warehouse_url: str) -> None:
    first = open_warehouse(warehouse_url)
    assert open_warehouse(warehouse_url) is first


_probe_md = MetaData()
_probe = Table(
    "write_probe",
    _probe_md,
    Column("gaming_day", Date, nullable=False),
    Column("n", Integer, nullable=False),
    Column("label", Text, nullable=True),
    Column("ratio", Float, nullable=True),
    Column("flag", Boolean, nullable=True),
    Column("at", DateTime, nullable=True),
)


def _rows(day: date, count: int) -> list[dict]:
    return [
        {
            "gaming_day": day,
            "n": i,
            "label": None if i % 3 == 0 else ("" if i % 3 == 1 else f'q"uo,te\n{i}'),
            "ratio": i / 7,
            "flag": i % 2 == 0,
            "at": datetime(2026, 2, 10, 21, 30, i % 60),
        }
        for i in range(count)
    ]


def test_replace_partition_is_idempotent_and_scoped(warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    _probe_md.create_all(engine)
    day1, day2 = date(2026, 2, 10), date(2026, 2, 11)
    with engine.begin() as conn:
        replace_partition(conn, [(TableSlice(_probe, [day1]), _rows(day1, 50))])
        replace_partition(conn, [(TableSlice(_probe, [day2]), _rows(day2, 7))])
    with engine.connect() as conn:
        before = conn.execute(select(_probe).order_by(_probe.c.gaming_day, _probe.c.n)).all()
    with engine.begin() as conn:
        written = replace_partition(conn, [(TableSlice(_probe, [day1]), _rows(day1, 50))])
    with engine.connect() as conn:
        after = conn.execute(select(_probe).order_by(_probe.c.gaming_day, _probe.c.n)).all()
    assert written == {"write_probe": 50}
    assert before == after
    assert len(after) == 57
    # NULL and empty string survive the bulk path as different values (COPY on PostgreSQL).
    labels = {row.n: row.label for row in after if row.gaming_day == day1}
    assert labels[0] is None and labels[1] == "" and labels[2] == 'q"uo,te\n2'
    assert {row.flag for row in after} == {True, False}


def test_insert_rows_of_nothing_is_a_no_op(warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    _probe_md.create_all(engine)
    with engine.begin() as conn:
        insert_rows(conn, _probe, [])
        assert conn.execute(select(_probe)).all() == []
