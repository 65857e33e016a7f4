"""Shared fixtures: a fresh warehouse on SQLite and on PostgreSQL for every warehouse test.

PostgreSQL tests create a uniquely named database and drop it afterwards, so no test relies on
state left by another. Without a server they skip with a message saying how to enable them;
under ``CI=true`` a missing server is a failure, because CI must prove both backends.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from slomix_pipeline.warehouse.engine import dispose_warehouse

# The partitions definition is built once per process, when the code location is first
# imported; by default it starts at the first landed stats day of SLOMIX_DATA_DIR. Tests build
# many landing zones in one process, so they pin the start (the default is tested on its own).
TEST_PARTITION_START = "2026-01-01"
os.environ["SLOMIX_PARTITION_START"] = TEST_PARTITION_START

PG_ADMIN_URL = os.environ.get(
    "SLOMIX_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(autouse=True, scope="session")
def _isolated_from_the_callers_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests never read the caller's configuration or ``./data``.

    Why: after ``scripts/demo`` the checkout holds ``./data/gate_acknowledgements.yaml`` and a
    warehouse; a test that falls back to the defaults must not pick them up. Every ``SLOMIX_*``
    variable (except the test server URL) is cleared, the data dir points at an empty folder and
    the partition start is pinned (see above); tests that need settings set their own.
    """
    saved = {k: v for k, v in os.environ.items() if k.startswith("SLOMIX_")}
    for key in saved:
        if key != "SLOMIX_TEST_PG_URL":
            del os.environ[key]
    os.environ["SLOMIX_DATA_DIR"] = str(tmp_path_factory.mktemp("default_data_dir"))
    os.environ["SLOMIX_PARTITION_START"] = TEST_PARTITION_START
    try:
        yield
    finally:
        for key in [k for k in os.environ if k.startswith("SLOMIX_")]:
            del os.environ[key]
        os.environ.update(saved)


def _pg_unavailable_reason() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any connection failure means "no server here"
        return (
            f"PostgreSQL not reachable at {PG_ADMIN_URL} ({type(exc).__name__}); set "
            "SLOMIX_TEST_PG_URL to an admin URL to run the PostgreSQL half of the suite"
        )
    return None


_PG_REASON: str | bool | None = False  # False = not probed yet


def pg_unavailable_reason() -> str | None:
    global _PG_REASON
    if _PG_REASON is False:
        _PG_REASON = _pg_unavailable_reason()
    return _PG_REASON  # type: ignore[return-value]


def require_postgres() -> None:
    """Skip (or fail under CI=true) when there is no PostgreSQL server."""
    reason = pg_unavailable_reason()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A brand-new, empty PostgreSQL database, dropped after the test."""
    require_postgres()
    name = f"slomix_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        dispose_warehouse(url)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
    try:
        yield url
    finally:
        dispose_warehouse(url)


@pytest.fixture(params=["sqlite", "postgres"])
def warehouse_url(request) -> str:
    """Runs the test once per backend: the embedded default and production."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return request.getfixturevalue(fixture)


def _slowest_files() -> dict[str, int]:
    """Rank of each file listed in ``slowest_files.txt`` (0 = slowest)."""
    listing = os.path.join(os.path.dirname(__file__), "slowest_files.txt")
    if not os.path.exists(listing):
        return {}
    with open(listing, encoding="utf-8") as handle:
        paths = [line.split("#")[0].strip() for line in handle]
    return {path: rank for rank, path in enumerate(p for p in paths if p)}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Start the slowest test files first (longest processing time first).

    Why: ``scripts/test`` hands whole files to two workers in collection order; a long file
    collected last leaves the other worker idle while it runs. The listed files go first,
    slowest first; the rest keep their order, and a file's tests keep theirs.
    """
    ranks = _slowest_files()
    if not ranks:
        return
    unlisted = len(ranks)
    root = str(config.rootpath)

    def rank(item: pytest.Item) -> int:
        relative = os.path.relpath(str(item.path), root)
        return ranks.get(relative, unlisted)

    items.sort(key=rank)  # stable: a file's tests and unlisted files keep their order
