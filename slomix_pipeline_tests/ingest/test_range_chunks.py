"""A range ingested in chunks of days (or batches of files) equals it in one piece (issue 13).

Stats, endstats and Lua ingestion plan and write a range chunk by chunk inside their one
transaction so a whole-history rebuild holds one chunk in memory. The tables must not depend on
where the borders fall: R2s pair with R1s of the previous chunk (a night crossing a border),
renamed copies are found across chunks, every file keeps its outcome.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from slomix_pipeline.config import load_settings
from slomix_pipeline.ingest import day_chunks as chunks_module
from slomix_pipeline.ingest import endstats, lua_events, stats_files
from slomix_pipeline.ingest.day_chunks import day_chunks
from slomix_pipeline.runner import landed_stats_days
from slomix_pipeline.sample_data import generate_landing_zone
from slomix_pipeline.sample_data.lua_files import write_lua_files
from slomix_pipeline.warehouse import schema, schema_endstats, schema_lua
from slomix_pipeline.warehouse.engine import open_warehouse

TABLES = (
    schema.processed_files,
    schema.rounds,
    schema.player_comprehensive_stats,
    schema.weapon_comprehensive_stats,
)


def _snapshot(engine, tables=TABLES) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {
            t.name: sorted(tuple(map(repr, row)) for row in conn.execute(select(t))) for t in tables
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
    generate_landing_zone(path, seed=11, nights=4, extra_renderers=(write_lua_files,))
    return path


def test_one_day_chunks_equal_one_chunk(zone, warehouse_url: str, monkeypatch) -> None:
    settings = load_settings({"SLOMIX_DATA_DIR": str(zone)})
    days = landed_stats_days(zone, settings)
    assert len(days) >= 4
    engine = open_warehouse(warehouse_url)
    whole = stats_files.ingest_stats_days(engine, zone, days, settings)
    expected = _snapshot(engine)
    assert expected["rounds"], "the sample zone loads rounds"
    _one_day_chunks(monkeypatch, stats_files)
    chunked = stats_files.ingest_stats_days(engine, zone, days, settings)
    assert _snapshot(engine) == expected
    assert chunked.rounds_loaded == whole.rounds_loaded == len(expected["rounds"])
    assert chunked.rounds == [], "rounds are counted, not kept, over several chunks"
    assert sorted(o.file_name for o in chunked.outcomes) == sorted(
        o.file_name for o in whole.outcomes
    )
    assert chunked.rows_written == whole.rows_written


def _one_day_chunks(monkeypatch, module) -> None:
    monkeypatch.setattr(module, "day_chunks", lambda d: chunks_module.day_chunks(d, 1))


def test_endstats_in_one_day_chunks_equal_one_chunk(zone, warehouse_url: str, monkeypatch) -> None:
    settings = load_settings({"SLOMIX_DATA_DIR": str(zone)})
    days = landed_stats_days(zone, settings)
    engine = open_warehouse(warehouse_url)
    stats_files.ingest_stats_days(engine, zone, days, settings)
    whole = endstats.ingest_endstats_days(engine, zone, days, settings)
    tables = schema_endstats.ENDSTATS_TABLES
    expected = _snapshot(engine, tables)
    assert expected[schema_endstats.endstats_files.name], "the sample zone has endstats side-cars"
    _one_day_chunks(monkeypatch, endstats)
    chunked = endstats.ingest_endstats_days(engine, zone, days, settings)
    assert _snapshot(engine, tables) == expected
    assert chunked.rows_written == whole.rows_written
    assert chunked.files == whole.files and chunked.reasons == whole.reasons


@pytest.mark.parametrize("source", sorted(lua_events.SOURCE_FOLDERS))
def test_lua_in_batches_of_one_file_equal_one_batch(
    zone, warehouse_url: str, monkeypatch, source: str
) -> None:
    settings = load_settings({"SLOMIX_DATA_DIR": str(zone)})
    days = landed_stats_days(zone, settings)
    engine = open_warehouse(warehouse_url)
    tables = (schema.processed_files, schema_lua.lua_events)
    whole = lua_events.ingest_lua_source_days(engine, zone, days, settings, source)
    expected = _snapshot(engine, tables)
    assert whole.events_loaded > 1 and len(whole.events) == whole.events_loaded
    original = lua_events.iter_lua_source_plans
    monkeypatch.setattr(
        lua_events,
        "iter_lua_source_plans",
        lambda *a, **k: original(*a, **k, batch_files=1),
    )
    batched = lua_events.ingest_lua_source_days(engine, zone, days, settings, source)
    assert _snapshot(engine, tables) == expected
    assert batched.events_loaded == whole.events_loaded
    assert batched.events == [], "events are counted, not kept, over several batches"
    assert batched.rows_written == whole.rows_written
    assert batched.status_counts() == whole.status_counts()


def test_lua_round_teams_in_one_day_chunks_equal_one_chunk(
    zone, warehouse_url: str, monkeypatch
) -> None:
    settings = load_settings({"SLOMIX_DATA_DIR": str(zone)})
    days = landed_stats_days(zone, settings)
    engine = open_warehouse(warehouse_url)
    for source in sorted(lua_events.SOURCE_FOLDERS):
        lua_events.ingest_lua_source_days(engine, zone, days, settings, source)
    tables = (schema_lua.lua_round_teams, schema_lua.lua_spawn_stats)
    whole = lua_events.build_lua_round_teams_days(engine, days)
    expected = _snapshot(engine, tables)
    assert whole.teams_count == len(whole.teams) == len(expected["lua_round_teams"]) > 0
    _one_day_chunks(monkeypatch, lua_events)
    chunked = lua_events.build_lua_round_teams_days(engine, days)
    assert _snapshot(engine, tables) == expected
    assert chunked.merge is None and chunked.teams_count == whole.teams_count
    assert chunked.rounds_by_sources() == whole.rounds_by_sources()
    assert chunked.duplicates_merged == whole.duplicates_merged
    assert chunked.rows_written == whole.rows_written


def _with_stats_and_lua(zone, warehouse_url: str):  # type: ignore[no-untyped-def]
    """A warehouse with the zone's stats, Lua sources and round teams: engine, days, settings."""
    settings = load_settings({"SLOMIX_DATA_DIR": str(zone)})
    days = landed_stats_days(zone, settings)
    engine = open_warehouse(warehouse_url)
    stats_files.ingest_stats_days(engine, zone, days, settings)
    for source in sorted(lua_events.SOURCE_FOLDERS):
        lua_events.ingest_lua_source_days(engine, zone, days, settings, source)
    lua_events.build_lua_round_teams_days(engine, days)
    return engine, days, settings


def test_sessions_in_one_day_chunks_equal_one_chunk(zone, warehouse_url: str, monkeypatch) -> None:
    from slomix_pipeline.ingest import sessions
    from slomix_pipeline.ingest.linking import link_days
    from slomix_pipeline.warehouse import schema_sessions

    engine, days, settings = _with_stats_and_lua(zone, warehouse_url)
    link_days(engine, days, settings)
    tables = schema_sessions.SESSION_TABLES
    whole = sessions.build_sessions_days(engine, days, settings)
    expected = _snapshot(engine, tables)
    assert whole.session_ids and len(whole.sessions) == len(whole.session_ids)
    _one_day_chunks(monkeypatch, sessions)
    chunked = sessions.build_sessions_days(engine, days, settings)
    assert _snapshot(engine, tables) == expected
    assert chunked.sessions == [] and sorted(chunked.session_ids) == sorted(whole.session_ids)
    assert chunked.sessions_removed == [] and chunked.stale_days == whole.stale_days
    assert chunked.rows_written == whole.rows_written


def test_links_with_player_rows_in_one_day_chunks_equal_one_chunk(
    zone, warehouse_url: str, monkeypatch
) -> None:
    from slomix_pipeline.ingest import linking
    from slomix_pipeline.warehouse import schema_sessions

    engine, days, settings = _with_stats_and_lua(zone, warehouse_url)
    tables = (
        schema_sessions.round_links,
        schema_sessions.lua_round_links,
        schema_sessions.linked_player_rounds,
    )
    whole = linking.link_days(engine, days, settings, now_unix=2_000_000_000)
    expected = _snapshot(engine, tables)
    assert expected["linked_player_rounds"]
    _one_day_chunks(monkeypatch, linking)
    chunked = linking.link_days(engine, days, settings, now_unix=2_000_000_000)
    assert _snapshot(engine, tables) == expected
    assert chunked.rows_written == whole.rows_written
    assert chunked.players_clamped == whole.players_clamped


def _built_sessions(zone, warehouse_url: str):  # type: ignore[no-untyped-def]
    """A warehouse with the zone's sessions (stats, Lua, links, sessions): engine, days."""
    from slomix_pipeline.ingest import sessions
    from slomix_pipeline.ingest.linking import link_days

    engine, days, settings = _with_stats_and_lua(zone, warehouse_url)
    link_days(engine, days, settings)
    sessions.build_sessions_days(engine, days, settings)
    return engine, days


def test_ws7_views_read_by_day_equal_one_read(zone, warehouse_url: str) -> None:
    """The WS7 check reads its range by chunk: each day's views must not depend on the others."""
    from slomix_pipeline.warehouse.gate_reads import read_session_views

    engine, days = _built_sessions(zone, warehouse_url)
    with engine.connect() as conn:
        whole = read_session_views(conn, days)
        assert any(v.rounds for v in whole.values()), "the sample zone has sessions"
        for day in days:
            assert _views(read_session_views(conn, [day]).get(day)) == _views(whole.get(day)), day


def _views(views) -> dict[str, list[str]] | None:  # type: ignore[no-untyped-def]
    """A day's WS7 views, row order aside (SQL gives no order without ORDER BY)."""
    if views is None:
        return None
    return {
        "sessions": sorted(map(repr, views.sessions.items())),
        **{
            name: sorted(map(repr, getattr(views, name)))
            for name in ("session_rounds", "totals", "graphs", "rounds")
        },
    }


def test_careers_in_groups_of_one_player_equal_one_group(
    zone, warehouse_url: str, monkeypatch
) -> None:
    from slomix_pipeline.ingest import careers
    from slomix_pipeline.ingest.datasets import build_identity
    from slomix_pipeline.warehouse import schema_datasets as ds

    engine, days = _built_sessions(zone, warehouse_url)
    build_identity(engine, (), days)
    whole = careers.build_careers(engine, (), None)  # everyone, in one group
    expected = _snapshot(engine, ds.CAREER_TABLES)
    players = len({r[1] for r in expected[ds.player_season_stats.name]})
    assert players > careers.PLAYERS_PER_CHUNK // 8 and whole.touched_players is None
    monkeypatch.setattr(careers, "PLAYERS_PER_CHUNK", 1)
    for run_days in (None, days):  # everyone again, then the players the days touch
        grouped = careers.build_careers(engine, (), run_days)
        assert _snapshot(engine, ds.CAREER_TABLES) == expected
        assert grouped.written == whole.written
        assert sum(grouped.rewritten.values()) == sum(whole.rewritten.values())
