"""Season exports: each season's player table as Parquet and CSV for analysts (pandas, DuckDB).

Layout under the export directory (``SLOMIX_EXPORT_DIR``)::

    players_<season>.parquet   players_<season>.csv

The columns are exactly those of ``player_season_stats`` in table order, with fixed Arrow types
(:data:`EXPORT_SCHEMA`), rows ordered by canonical GUID; docs/datasets.md documents them. A file
is written to a temporary name and renamed, so a reader never sees half a file, and a season
that disappears from the configuration loses its files.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import BigInteger, Boolean, Date, Engine, Float, Integer, select

from slomix_pipeline.warehouse import schema_datasets as ds

_ARROW = {
    BigInteger: pa.int64(),
    Integer: pa.int32(),
    Float: pa.float64(),
    Boolean: pa.bool_(),
    Date: pa.date32(),
}


def _arrow_type(column: Any) -> pa.DataType:
    for sql_type, arrow in _ARROW.items():
        if isinstance(column.type, sql_type):
            return arrow
    return pa.string()


EXPORT_SCHEMA = pa.schema(
    [pa.field(c.name, _arrow_type(c), nullable=c.nullable) for c in ds.player_season_stats.columns]
)
"""The stable schema of every season file (a change here is a change for analysts)."""


def export_stem(season: str) -> str:
    """``players_<season>`` with anything but letters, digits, ``-`` and ``_`` replaced."""
    return "players_" + re.sub(r"[^A-Za-z0-9_-]", "_", season)


@dataclass(frozen=True, slots=True)
class ExportedSeason:
    season: str
    rows: int
    parquet: Path
    csv: Path


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def export_seasons(engine: Engine, seasons: Sequence[str], out_dir: Path) -> list[ExportedSeason]:
    """Write one Parquet and one CSV file per season; remove files of seasons no longer listed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    t = ds.player_season_stats
    exported = []
    with engine.connect() as conn:
        for season in seasons:
            rows = [
                dict(r._mapping)
                for r in conn.execute(
                    select(t).where(t.c.season == season).order_by(t.c.canonical_guid)
                )
            ]
            table = pa.Table.from_pylist(rows, schema=EXPORT_SCHEMA)
            sink = pa.BufferOutputStream()
            pq.write_table(table, sink)
            stem = export_stem(season)
            parquet, csv_path = out_dir / f"{stem}.parquet", out_dir / f"{stem}.csv"
            _atomic_write(parquet, sink.getvalue().to_pybytes())
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(EXPORT_SCHEMA.names)
            for r in rows:
                writer.writerow(
                    [
                        repr(v) if isinstance(v, float) else ("" if v is None else v)
                        for v in (r[n] for n in EXPORT_SCHEMA.names)
                    ]
                )
            _atomic_write(csv_path, text.getvalue().encode("utf-8"))
            exported.append(ExportedSeason(season, len(rows), parquet, csv_path))
    keep = {export_stem(s) for s in seasons}
    for stale in sorted(out_dir.glob("players_*")):
        if stale.suffix in (".parquet", ".csv") and stale.stem not in keep:
            stale.unlink()
    return exported
