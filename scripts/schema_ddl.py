"""Print every warehouse table as DDL and column facts, or compare that with another commit.

Why: the schema modules build columns through shared helpers (``warehouse/columns.py``); a
refactor of those helpers must not change a single table. The dump covers, per table and for
the SQLite and PostgreSQL dialects, the ``CREATE TABLE`` and ``CREATE INDEX`` statements, and
per column what DDL does not show (Python-side defaults, ``key``, ``autoincrement``, comments).

    .venv/bin/python scripts/schema_ddl.py                 # the dump of the working tree
    .venv/bin/python scripts/schema_ddl.py --against REV   # exit 1 and a diff if REV differs
"""

from __future__ import annotations

import argparse
import difflib
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def dump() -> str:
    """The canonical text of ``all_tables.metadata`` (imported from ``sys.path``)."""
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    from slomix_pipeline.warehouse.all_tables import metadata

    lines: list[str] = []
    for table in sorted(metadata.tables.values(), key=lambda t: t.name):
        lines.append(f"== {table.name} comment={table.comment!r}")
        for dialect in (sqlite.dialect(), postgresql.dialect()):
            lines.append(f"-- {dialect.name}")
            lines.append(str(CreateTable(table).compile(dialect=dialect)).strip())
            for index in sorted(table.indexes, key=lambda i: i.name or ""):
                lines.append(str(CreateIndex(index).compile(dialect=dialect)).strip())
        for column in table.columns:
            default = None if column.default is None else repr(column.default.arg)
            server = None if column.server_default is None else str(column.server_default.arg)
            lines.append(
                f"   {column.key}={column.name} {column.type!r} nullable={column.nullable} "
                f"pk={column.primary_key} autoincrement={column.autoincrement!r} "
                f"default={default} server_default={server} comment={column.comment!r} "
                f"index={column.index} unique={column.unique}"
            )
        for constraint in sorted(table.constraints, key=lambda c: (type(c).__name__, c.name)):
            columns = ",".join(column.name for column in getattr(constraint, "columns", []))
            lines.append(f"   {type(constraint).__name__} {constraint.name} ({columns})")
    return "\n".join(lines) + "\n"


def dump_of(rev: str) -> str:
    """The dump of ``slomix_pipeline/`` as committed at ``rev`` (extracted to a temp dir)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", rev, "slomix_pipeline"],
        check=True,
        capture_output=True,
    ).stdout
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        done = subprocess.run(
            [sys.executable, __file__, "--dump-only"],
            check=True,
            capture_output=True,
            text=True,
            cwd=tmp,
            env={"PYTHONPATH": tmp, "PATH": "/usr/bin:/bin"},
        )
    return done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", metavar="REV", help="compare with the schema at REV")
    parser.add_argument("--dump-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dump_only or not args.against:
        if args.dump_only:
            sys.path.insert(0, str(Path.cwd()))
        else:
            sys.path.insert(0, str(ROOT))
        sys.stdout.write(dump())
        return 0
    before, after = dump_of(args.against), dump()
    if before == after:
        tables = before.count("\n== ") + before.startswith("== ")
        print(f"identical: {tables} tables, {len(before.splitlines())} lines of DDL and facts")
        return 0
    sys.stdout.writelines(
        difflib.unified_diff(
            before.splitlines(True), after.splitlines(True), args.against, "working tree"
        )
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
