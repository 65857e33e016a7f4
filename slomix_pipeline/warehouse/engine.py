"""Opening the warehouse: one engine per URL per process, migrated to head on first use.

SQLite is the embedded default (no server for a newcomer); PostgreSQL is production. The URL comes
from ``SLOMIX_DATABASE_URL`` via :mod:`slomix_pipeline.config`. Bare ``postgresql://`` URLs are
pinned to psycopg2 because SQLAlchemy 2.1 would otherwise pick psycopg 3, which is not installed.
"""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from slomix_pipeline.warehouse.run_lock import run_lock

_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()
_MIGRATION_LOCK_KEY = 0x51_0A_11_C5  # arbitrary constant: the advisory lock of our migrations


def normalise_url(url: str) -> URL:
    """Parse a database URL, pinning PostgreSQL to the psycopg2 driver."""
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg2")
    return parsed


def migrations_dir() -> Path:
    """The Alembic script folder: ``migrations/`` at the repository root (or packaged copy)."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[2] / "migrations", here.parents[1] / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("cannot find the Alembic migrations folder (migrations/env.py)")


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic config that runs against ``engine`` (shared via ``config.attributes``)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def _enable_sqlite_pragmas(engine: Engine) -> None:
    """WAL + busy timeout: concurrent readers (UI, checks) while one run writes."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _transactional_sqlite(engine: Engine) -> Engine:
    """An engine on the same SQLite file whose transactions include DDL.

    The sqlite3 module opens a transaction only before DML: CREATE/ALTER/DROP run in autocommit,
    so a migration killed half-way used to leave tables without the ``alembic_version`` row that
    says they exist ("table ... already exists" for ever after). SQLite itself does support
    transactional DDL: with the driver's own transaction handling off, an explicit
    ``BEGIN IMMEDIATE`` makes the whole upgrade one atomic transaction.
    """
    migrator = create_engine(engine.url, poolclass=NullPool)

    @event.listens_for(migrator, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(migrator, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return migrator


def upgrade_to_head(engine: Engine) -> None:
    """Apply every pending Alembic revision on every branch (a no-op when up to date).

    Atomic on both backends: PostgreSQL DDL is transactional, and on SQLite the upgrade runs on
    :func:`_transactional_sqlite`, so a kill at any point leaves the previous revision intact.
    """
    with run_lock(engine, _MIGRATION_LOCK_KEY, ".migrate.lock", wait=True):
        if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            migrator = _transactional_sqlite(engine)
            try:
                command.upgrade(alembic_config(migrator), "heads")
            finally:
                migrator.dispose()
            return
        command.upgrade(alembic_config(engine), "heads")


def open_warehouse(url: str, *, migrate: bool = True) -> Engine:
    """The process-wide engine for ``url``, migrated to head the first time it is opened."""
    key = str(normalise_url(url))
    with _LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            parsed = normalise_url(url)
            if parsed.get_backend_name() == "sqlite" and parsed.database:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(parsed, pool_pre_ping=True)
            if engine.dialect.name == "sqlite":
                _enable_sqlite_pragmas(engine)
            if migrate:
                upgrade_to_head(engine)
            _ENGINES[key] = engine
        return engine


def dispose_warehouse(url: str) -> None:
    """Forget and close the cached engine for ``url`` (tests drop their databases after this)."""
    key = str(normalise_url(url))
    with _LOCK:
        engine = _ENGINES.pop(key, None)
    if engine is not None:
        engine.dispose()
