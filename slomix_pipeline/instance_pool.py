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

import dagster as dg
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
    return True


def _asynchronous_commit(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("SET synchronous_commit TO off")
    cursor.close()
