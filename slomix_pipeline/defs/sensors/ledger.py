"""What the warehouse already holds for landed files: the ``processed_files`` look-up.

A file landed *again* with exactly what the warehouse already holds for it (same name, same
bytes, same gaming day; for Lua files also the same arrival second, which decides precedence
between deliveries) requests nothing: a copy tool re-sending a folder, an rsync without
``--ignore-existing`` or a restored backup would otherwise re-run every day it touches. The
warehouse's ``processed_files`` ledger is the reference (every ingestion records each file
there); the sensor only reads it, never creates or migrates it, and if it cannot be read the
file simply counts as new.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import and_, create_engine, inspect, select
from sqlalchemy.engine import make_url

from slomix_pipeline.config import default_sqlite_url
from slomix_pipeline.landing.inventory import DayOf, LandingStamp
from slomix_pipeline.landing.zone import (
    GAMETIMES_FOLDER,
    PROXIMITY_FOLDER,
    STATS_FOLDER,
    WEBHOOK_FOLDER,
    sha256_of_file,
)
from slomix_pipeline.settings_model import read_env
from slomix_pipeline.warehouse import schema
from slomix_pipeline.warehouse.engine import normalise_url
from slomix_pipeline.warehouse.schema_lua import lua_events

LEDGER_SOURCES: dict[str, str] = {
    STATS_FOLDER: "stats",
    GAMETIMES_FOLDER: "gametime",
    WEBHOOK_FOLDER: "webhook",
    PROXIMITY_FOLDER: "proximity",
}
"""``processed_files.source`` of the files of each landing folder."""
_LUA_FOLDERS = frozenset({GAMETIMES_FOLDER, WEBHOOK_FOLDER})


@dataclass(frozen=True, slots=True)
class IngestedFile:
    """What the warehouse holds for one landed file name (its ``processed_files`` row).

    ``received_at`` is the arrival second stored with a Lua round end (``lua_events``); it is
    ``None`` for other sources and for Lua bodies that were not round ends.
    """

    gaming_day: date
    sha256: str
    received_at: int | None = None


def warehouse_url_for(data_dir: Path, env: Mapping[str, str] | None = None) -> str:
    """The warehouse the ingestion of ``data_dir`` writes to (as ``WarehouseResource`` resolves
    it): ``SLOMIX_DATABASE_URL``, else the SQLite file inside the data dir."""
    return read_env(env).database_url or default_sqlite_url(data_dir)


def read_ingested(url: str, folder: str, names: Iterable[str]) -> dict[str, IngestedFile]:
    """The ledger rows of ``names`` (files of landing folder ``folder``), read-only.

    A SQLite file or a ledger table that does not exist yet means "nothing ingested" (nothing
    is created); other read errors propagate as ``SQLAlchemyError`` for the caller to report.
    """
    wanted = sorted(set(names))
    parsed = normalise_url(url)
    if not wanted:
        return {}
    if parsed.get_backend_name() == "sqlite":
        database = make_url(url).database
        if not database or database == ":memory:" or not Path(database).is_file():
            return {}
    table = schema.processed_files
    source = LEDGER_SOURCES[folder]
    columns = [table.c.file_name, table.c.gaming_day, table.c.sha256]
    query_from = table
    if folder in _LUA_FOLDERS:
        columns.append(lua_events.c.received_at)
        query_from = table.outerjoin(
            lua_events,
            and_(
                lua_events.c.source == table.c.source,
                lua_events.c.source_file == table.c.file_name,
            ),
        )
    found: dict[str, IngestedFile] = {}
    # a SQLite writer may hold the file briefly; wait like the runs do rather than fail the read
    connect_args = {"timeout": 30} if parsed.get_backend_name() == "sqlite" else {}
    engine = create_engine(parsed, connect_args=connect_args)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table(table.name):  # not migrated yet: no run so far
                return {}
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                query = (
                    select(*columns)
                    .select_from(query_from)
                    .where(table.c.source == source, table.c.file_name.in_(chunk))
                )
                for row in conn.execute(query):
                    received = row[3] if len(row) > 3 else None
                    found[row[0]] = IngestedFile(
                        row[1], row[2], None if received is None else int(received)
                    )
    finally:
        engine.dispose()
    return found


def skip_already_ingested(
    day_of: DayOf,
    folder: Path,
    ingested: Mapping[str, IngestedFile],
    skipped: list[str],
) -> DayOf:
    """Wrap a day rule so that a file identical to its ledger row counts as "not there".

    Returning ``None`` (the rule's "vanished" answer) keeps the file out of the plan and out of
    the cursor's handled names, so a later different version of it is still seen. Only files
    with a ledger row are hashed.
    """
    lua = folder.name in _LUA_FOLDERS

    def day_unless_ingested(stamp: LandingStamp) -> date | None:
        day = day_of(stamp)
        known = ingested.get(stamp.name)
        if day is None or known is None or known.gaming_day != day:
            return day
        arrival = stamp.mtime_ns // 1_000_000_000
        if lua and known.received_at is not None and known.received_at != arrival:
            return day
        try:
            digest = sha256_of_file(folder / stamp.name)
        except FileNotFoundError:
            return None
        except OSError:  # unreadable: let the run record it as quarantined
            return day
        if digest != known.sha256:
            return day
        skipped.append(stamp.name)
        return None

    return day_unless_ingested
