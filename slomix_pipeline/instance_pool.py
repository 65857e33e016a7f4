"""Pooled connections to a PostgreSQL Dagster instance for a run executed in this process.

Why: ``dagster_postgres`` storages use ``NullPool`` outside the webserver, so every stored
event opens and closes a PostgreSQL connection (a server fork, authentication, teardown). A
whole-history range run stores tens of thousands of events (one materialization per day per
asset, one check evaluation per day per check), and measured, connecting was most of the run's
wall time. Dagster's own ``optimize_for_webserver`` swaps each storage's engine for a pooled one
(one connection kept open, a small overflow); the webserver does exactly this. With
``statement_timeout = 0`` no query of the run is cut short.

The run's connections also commit with ``synchronous_commit = off``: every event is its own
autocommit transaction, and waiting for each one's WAL flush was the other half of the time.
PostgreSQL documents the trade: a *server* crash may lose the last few hundred milliseconds of
committed events, never corrupt or half-write them (a crashed server fails the run anyway; the
warehouse's own connections are untouched).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import Any

import dagster as dg
from dagster._core.events import DagsterEventType
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.schema import SqlEventLogStorageTable
from sqlalchemy import event

POOL_RECYCLE_S = 3600
MAX_OVERFLOW = 4


def uses_postgres(instance: dg.DagsterInstance) -> bool:
    """True when the instance's event log lives in PostgreSQL (``dagster_postgres``)."""
    return type(instance.event_log_storage).__module__.startswith("dagster_postgres")


def pool_instance_connections(instance: dg.DagsterInstance) -> bool:
    """Keep the instance's PostgreSQL connections open for this process; False for SQLite."""
    if not uses_postgres(instance):
        return False
    instance.optimize_for_webserver(
        statement_timeout=0, pool_recycle=POOL_RECYCLE_S, max_overflow=MAX_OVERFLOW
    )
    for storage in (instance.event_log_storage, instance.run_storage, instance.schedule_storage):
        engine = getattr(storage, "_engine", None)  # dagster_postgres keeps its engine there
        if engine is not None:
            event.listen(engine, "connect", _asynchronous_commit)
    batch_planned_events(instance)
    return True


def _asynchronous_commit(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("SET synchronous_commit TO off")
    cursor.close()


def batch_planned_events(instance: dg.DagsterInstance) -> bool:
    """Store a range run's per-partition "materialization planned" events in multi-row INSERTs.

    Why: Dagster OSS emits one ``ASSET_MATERIALIZATION_PLANNED`` event per asset *per day* of a
    range (a third of a rebuild's events) and hands them to ``store_event_batch`` together, but
    ``dagster_postgres`` batches only materializations and stores the planned ones one by one.
    This does for consecutive planned events what it does for materializations (one INSERT of
    the rows, their tags, then the asset row of each key's last event: the same rows, in the
    same order, as one-by-one storage). Any other event goes through unchanged. Applied to this
    process's instance only, and only where the storage has the methods it relies on.
    """
    storage = instance.event_log_storage
    needed = ("prepare_insert_event_batch", "_store_asset_event_tags", "_store_asset_event")
    if not uses_postgres(instance) or not all(hasattr(storage, n) for n in needed):
        return False
    original = storage.store_event_batch

    def store_event_batch(events: Sequence[EventLogEntry]) -> None:
        for planned, group in groupby(events, key=_is_materialization_planned):
            chunk = list(group)
            if planned and len(chunk) > 1:
                _store_planned(storage, chunk)
            else:
                original(chunk)

    storage.store_event_batch = store_event_batch  # type: ignore[method-assign]
    return True


def _is_materialization_planned(event: EventLogEntry) -> bool:
    return event.dagster_event_type == DagsterEventType.ASSET_MATERIALIZATION_PLANNED


def _store_planned(storage: Any, events: list[EventLogEntry]) -> None:
    statement = storage.prepare_insert_event_batch(events)
    with storage._connect() as conn:
        ids = [
            int(row[0]) for row in conn.execute(statement.returning(SqlEventLogStorageTable.c.id))
        ]
    last: dict[dg.AssetKey, tuple[EventLogEntry, int]] = {}
    for stored, event_id in zip(events, ids, strict=True):
        last[stored.dagster_event.asset_key] = (stored, event_id)  # type: ignore[union-attr]
    with storage.index_transaction() as conn:
        storage._store_asset_event_tags(conn, events, ids)
        for stored, event_id in last.values():
            storage._store_asset_event(conn, stored, event_id)
