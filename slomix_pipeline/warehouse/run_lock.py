"""One database-wide lock for work that must not run twice at once (migrations, publishing).

Why: the migration upgrade and the Discord publisher each held "a lock every process on this
warehouse sees" and each spelled out both backends; this is that lock once. PostgreSQL: a
session advisory lock on a connection of its own; a SQLite file: an exclusive ``flock`` on a
file next to the database; an in-memory SQLite database is private to its process, so there is
nothing to lock.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, text


@contextlib.contextmanager
def run_lock(engine: Engine, key: int, suffix: str, *, wait: bool) -> Iterator[bool]:
    """Hold the lock ``key`` (PostgreSQL) or ``<database><suffix>`` (SQLite) for the block.

    Yields whether the lock is held: always with ``wait`` (it blocks until it is free); without
    it, False at once when another process holds it (the block then runs without the lock and
    should raise).
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            lock = "pg_advisory_lock" if wait else "pg_try_advisory_lock"
            got = conn.execute(text(f"SELECT {lock}(:k)"), {"k": key}).scalar() is not False
            try:
                yield got
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    conn.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield True
        return
    lock_path = Path(database).with_suffix(suffix)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            got = True
        except BlockingIOError:
            got = False
        try:
            yield got
        finally:
            if got:
                fcntl.flock(handle, fcntl.LOCK_UN)
