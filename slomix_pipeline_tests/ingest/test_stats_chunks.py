"""A range ingested in chunks of days equals the same range in one chunk (issue 13).

``ingest_stats_days`` plans and writes a range chunk by chunk inside its one transaction so a
whole-history rebuild holds one chunk in memory. The tables must not depend on where the chunk
borders fall: R2s pair with R1s of the previous chunk (a night crossing a border), renamed copies
are found across chunks, every file keeps its outcome.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from slomix_pipeline.config import load_settings
from slomix_pipeline.ingest import day_chunks as chunks_module
from slomix_pipeline.ingest import stats_files
from slomix_pipeline.ingest.day_chunks import day_chunks
from slomix_pipeline.runner import landed_stats_days
from slomix_pipeline.sample_data import generate_landing_zone
from slomix_pipeline.warehouse import schema
from slomix_pipeline.warehouse.engine import open_warehouse

TABLES = (
    schema.processed_files,
    schema.rounds,
    schema.player_comprehensive_stats,
    schema.weapon_comprehensive_stats,
)


def _snapshot(engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {
            t.name: sorted(tuple(map(repr, row)) for row in conn.execute(select(t))) for t in TABLES
        }


def test_day_chunks_split_by_calendar_span() -> None:
    days = [date(2020, 1, d) for d in (1, 2, 5, 9, 10, 30)] + [date(2020, 1, 2)]
    assert list(day_chunks(days, 5)) == [
        [date(2020, 1, 1), date(2020, 1, 2), date(2020, 1, 5)],
        [date(2020, 1, 9), date(2020, 1, 10)],
        [date(2020, 1, 30)],
    ]
    assert list(day_chunks([], 5)) == []


@pytest.fixture(scope="module")
def zone(tmp_path_factory):
    path = tmp_path_factory.mktemp("zone")
    generate_landing_zone(path, seed=11, nights=4)
    return path


def test_one_day_chunks_equal_one_chunk(zone, warehouse_url: str, monkeypatch) -> None:
    settings = load_settings({"SLOMIX_DATA_DIR": str(zone)})
    days = landed_stats_days(zone, settings)
    assert len(days) >= 4
    engine = open_warehouse(warehouse_url)
    whole = stats_files.ingest_stats_days(engine, zone, days, settings)
    expected = _snapshot(engine)
    assert expected["rounds"], "the sample zone loads rounds"
    monkeypatch.setattr(chunks_module, "CHUNK_DAYS", 1)
    monkeypatch.setattr(
        stats_files, "day_chunks", lambda d: chunks_module.day_chunks(d, chunks_module.CHUNK_DAYS)
    )
    chunked = stats_files.ingest_stats_days(engine, zone, days, settings)
    assert _snapshot(engine) == expected
    assert chunked.rounds_loaded == whole.rounds_loaded == len(expected["rounds"])
    assert chunked.rounds == [], "rounds are counted, not kept, over several chunks"
    assert sorted(o.file_name for o in chunked.outcomes) == sorted(
        o.file_name for o in whole.outcomes
    )
    assert chunked.rows_written == whole.rows_written
