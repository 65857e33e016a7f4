"""Record every statement sent to a warehouse engine, with the project code that sent it.

``before_cursor_execute`` sees each statement exactly as the driver gets it; its execution
context still holds the SQLAlchemy statement object (``context.compiled.statement``), which is
what :mod:`slomix_pipeline_tests.warehouse.day_bounds` analyses. ``after_cursor_execute`` adds
the rows the statement returned where the driver reports them (psycopg2 does for SELECT;
sqlite3 does not).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

import slomix_pipeline

PACKAGE_DIR = Path(slomix_pipeline.__file__).resolve().parent
_PREFIX = str(PACKAGE_DIR) + "/"
_SKIP = {str(PACKAGE_DIR / "warehouse" / "engine.py")}


@dataclass(slots=True)
class Statement:
    sql: str
    stmt: Any  # the SQLAlchemy statement object (None for driver-level SQL)
    site: str  # "slomix_pipeline/ingest/datasets.py:123 in build_identity"
    site_key: str  # "slomix_pipeline.ingest.datasets.build_identity" (stable: no line number)
    parameters: int
    owner: str = ""  # the innermost caller outside warehouse/ (which job the statement serves)
    rows: int | None = None

    @property
    def verb(self) -> str:
        return self.sql.lstrip().split(None, 1)[0].upper() if self.sql.strip() else ""


def _frames() -> Iterator[tuple[str, str, int, str]]:
    """(path relative to the repository, module, line, function) of the package's frames."""
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(_PREFIX) and filename not in _SKIP:
            relative = Path(filename).resolve().relative_to(PACKAGE_DIR.parent)
            module = ".".join(relative.with_suffix("").parts)
            yield str(relative), module, frame.f_lineno, frame.f_code.co_name
        frame = frame.f_back


def call_site() -> tuple[str, str, str]:
    """The innermost frame of the project's package (tests and libraries skipped), as text and
    as a stable key, and the innermost caller outside ``warehouse/`` (the statement's owner)."""
    site, key, owner = "<outside slomix_pipeline>", "<outside>", "<outside>"
    for index, (relative, module, line, name) in enumerate(_frames()):
        if index == 0:
            site, key = f"{relative}:{line} in {name}", f"{module}.{name}"
        if not module.startswith("slomix_pipeline.warehouse."):
            owner = f"{module}.{name}"
            break
    return site, key, owner


def _count(parameters: Any, executemany: bool) -> int:
    if parameters is None:
        return 0
    if executemany:
        return sum(len(p) for p in parameters)
    return len(parameters)


@dataclass(slots=True)
class Capture:
    statements: list[Statement] = field(default_factory=list)

    def reads(self) -> list[Statement]:
        return [s for s in self.statements if s.verb in {"SELECT", "UPDATE", "DELETE", "WITH"}]


@contextlib.contextmanager
def capture_statements(engine: Engine) -> Iterator[Capture]:
    """Every statement ``engine`` executes inside the block, in order."""
    captured = Capture()

    def before(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        compiled = getattr(context, "compiled", None)
        site, key, owner = call_site()
        captured.statements.append(
            Statement(
                sql=statement,
                stmt=compiled.statement if compiled is not None else None,
                site=site,
                site_key=key,
                parameters=_count(parameters, executemany),
                owner=owner,
            )
        )

    def after(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if captured.statements and conn.dialect.name == "postgresql":
            rowcount = getattr(cursor, "rowcount", -1)
            captured.statements[-1].rows = rowcount if rowcount >= 0 else None

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield captured
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
