"""Proximity ingestion end to end: landing zone -> round identity -> the four tables + files.

Constructed cases land files rendered by ``sample_data.proximity_render`` (exactly as the tracker
writes them) next to Lua gametime files that give the warehouse its candidate rounds; the sample
nights check every file against the generator's truth. Every warehouse test runs on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import os
import typing
from dataclasses import fields
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select

import slomix_pipeline.ingest.proximity as ingest_proximity
from slomix_pipeline.config import Settings, load_settings
from slomix_pipeline.domain.proximity import (
    NATURAL_KEYS,
    TABLE_ROW_TYPES,
    row_values,
    table_columns,
)
from slomix_pipeline.domain.round_identity import (
    REASON_CONFIRMED_EXACT,
    REASON_CONFIRMED_TOLERANCE,
    REASON_CORRECTED_EXACT,
    REASON_CORRECTED_TOLERANCE,
    REASON_HEADER_TRUSTED,
    REASON_NO_CANDIDATE,
    REASON_OUTSIDE_TOLERANCE,
)
from slomix_pipeline.formats.proximity import parse_proximity_file
from slomix_pipeline.ingest.lua_events import build_lua_round_teams_days, ingest_lua_source_days
from slomix_pipeline.ingest.proximity import (
    SOURCE,
    RoundCandidates,
    StatsRoundRef,
    file_gaming_day,
    ingest_proximity_days,
    link_stats_round,
    plan_proximity_days,
    process_proximity_file,
)
from slomix_pipeline.ingest.stats_files import ingest_stats_days
from slomix_pipeline.landing.zone import GAMETIMES_FOLDER, PROXIMITY_FOLDER, write_atomically
from slomix_pipeline.runner import landed_stats_days
from slomix_pipeline.sample_data import generate_landing_zone
from slomix_pipeline.sample_data.lua_render import LuaRoundSpec, render_gametime
from slomix_pipeline.sample_data.proximity_files import (
    SCENARIO_BROKEN_LINES,
    SCENARIO_V6,
    ProximityFileTruth,
    proximity_truth,
    write_proximity_files,
)
from slomix_pipeline.sample_data.proximity_render import (
    BROKEN_LINE_KINDS,
    RenderedProximity,
    demo_spec,
    render_proximity_round,
)
from slomix_pipeline.warehouse import schema, schema_proximity
from slomix_pipeline.warehouse.engine import open_warehouse
from slomix_pipeline_tests.tabledump import dump_tables

PARIS = ZoneInfo("Europe/Paris")
DAY = date(2026, 2, 16)
PROX_TABLES = [schema.processed_files, *schema_proximity.PROXIMITY_TABLES]


def at(hour: int, minute: int, second: int = 0, day: date = DAY) -> int:
    """Epoch of a server wall-clock time (Europe/Paris)."""
    return int(
        datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=PARIS).timestamp()
    )


def settings(zone: Path) -> Settings:
    return load_settings({"SLOMIX_DATA_DIR": str(zone)})


def render(
    start: int, *, round_number: int = 1, minutes: float = 4.0, **kw: Any
) -> RenderedProximity:
    """A small 4v4 round starting at ``start`` (V4 unless ``format_version`` says otherwise)."""
    kw.setdefault("seed", start % 997)
    return render_proximity_round(
        demo_spec(
            per_team=4, minutes=minutes, round_number=round_number, round_start_unix=start, **kw
        )
    )


def land(zone: Path, name: str, data: bytes, mtime: int | None = None) -> Path:
    path = write_atomically(zone / PROXIMITY_FOLDER, name, data)
    if mtime is not None:
        os.utime(path, ns=(mtime * 10**9, mtime * 10**9))
    return path


def land_lua(zone: Path, map_name: str, round_number: int, start: int, end: int) -> None:
    """A gametime file: the Lua's round end with the same start/end instants as the tracker."""
    spec = LuaRoundSpec(
        map_name=map_name,
        round_number=round_number,
        round_start_unix=start,
        round_end_unix=end,
        actual_duration_seconds=end - start,
        end_reason="objective",
        winner=1,
        defender=1,
        timelimit_minutes=12,
    )
    name, data = render_gametime(spec)
    path = write_atomically(zone / GAMETIMES_FOLDER, name, data)
    os.utime(path, ns=((end + 40) * 10**9, (end + 40) * 10**9))


def load_lua(engine: Engine, zone: Path, days: list[date]) -> None:
    ingest_lua_source_days(engine, zone, days, settings(zone), "gametime")
    build_lua_round_teams_days(engine, days)


def rows(engine: Engine, table: Any, **where: Any) -> list[dict[str, Any]]:
    query = select(table)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def file_row(engine: Engine, name: str) -> dict[str, Any]:
    found = rows(engine, schema_proximity.proximity_files, source_file=name)
    assert len(found) == 1, name
    return found[0]


def processed(engine: Engine) -> dict[str, dict[str, Any]]:
    return {r["file_name"]: r for r in rows(engine, schema.processed_files, source=SOURCE)}


def count(engine: Engine, table: Any, **where: Any) -> int:
    query = select(func.count()).select_from(table)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


# ------------------------------------------------------------------------------------ schema


def test_tables_carry_every_derived_field_with_its_nullability() -> None:
    """The four tables are the row types plus the warehouse columns, keyed by the natural keys."""
    for name, row_type in TABLE_ROW_TYPES.items():
        table = schema_proximity.PROXIMITY_ROW_TABLES[name]
        own = [c.name for c in table.columns if c.name not in schema_proximity.WAREHOUSE_COLUMNS]
        assert own == list(table_columns(row_type)), name
        hints = typing.get_type_hints(row_type)
        for f in fields(row_type):
            optional = type(None) in typing.get_args(hints[f.name])
            assert table.c[f.name].nullable == optional, (name, f.name)
        assert tuple(c.name for c in table.primary_key.columns) == NATURAL_KEYS[name]
        assert {"gaming_day", "source_sha256", "round_id"} <= set(table.c.keys())


def test_table_rows_are_the_derived_rows_plus_the_warehouse_columns() -> None:
    r = render(at(21, 0))
    result = process_proximity_file(r.name, r.data, DAY, RoundCandidates())
    assert result.derived is not None and result.summary is not None
    produced = result.table_rows()
    derived = {
        "combat_engagement": result.derived.combat_engagements,
        "player_track": result.derived.player_tracks,
        "proximity_trade_event": result.derived.trade_events,
        "proximity_support_summary": result.derived.support_summaries,
    }
    for name, derived_rows in derived.items():
        assert len(produced[name]) == len(derived_rows) > 0, name
        for stored, row in zip(produced[name], derived_rows, strict=True):
            assert tuple(stored[c] for c in table_columns(type(row))) == row_values(row)
            assert (stored["source_sha256"], stored["gaming_day"]) == (
                result.summary.source_sha256,
                DAY,
            )
            assert stored["round_id"] is None
            table = schema_proximity.PROXIMITY_ROW_TABLES[name]
            assert set(stored) == set(table.c.keys())


# ------------------------------------------------------------------------- round identity (pure)


def test_stats_file_time_is_compared_as_an_end_time_within_tolerance() -> None:
    r2 = render(at(21, 11, 30), round_number=2)
    end = r2.truth.round_end_unix
    stats = [
        StatsRoundRef(11, "r1-key", "supply", 1, at(21, 10, 3), DAY),
        StatsRoundRef(22, "r2-key", "supply", 2, end + 3, DAY),  # written 3 s after the end
        StatsRoundRef(33, "far-key", "supply", 2, end + 3, date(2026, 2, 19)),  # not this night
    ]
    candidates = RoundCandidates.build([], stats)
    result = process_proximity_file(r2.name, r2.data, DAY, candidates)
    assert result.summary is not None and result.derived is not None
    s = result.summary
    assert s.header_round_number == 1  # the V4 bug
    assert (s.resolved_round_number, s.identity_reason) == (2, REASON_CORRECTED_TOLERANCE)
    assert (s.identity_delta_s, s.identity_sources) == (3, "rounds")
    assert s.identity_candidates == 2  # the round three days later is never compared
    assert (s.round_id, s.round_key, s.round_link_delta_s) == (22, "r2-key", 3)
    assert {row.round_number for row in result.derived.player_tracks} == {2}
    assert {row.round_key for row in result.derived.combat_engagements} == {"r2-key"}
    assert result.outcome.round_id == 22
    assert "round_corrected:1->2:corrected_within_tolerance" in result.outcome.warnings


def test_stats_round_link_needs_a_unique_closest_round_within_tolerance() -> None:
    a = StatsRoundRef(1, "a", "supply", 2, 1000, DAY)
    b = StatsRoundRef(2, "b", "supply", 2, 1006, DAY)
    assert link_stats_round(1003, "supply", 2, [a, b]) is None  # tie: never guessed
    assert link_stats_round(1001, "supply", 2, [a, b]) == (a, 1)
    assert link_stats_round(1001, "supply", 1, [a, b]) is None  # other round number
    assert link_stats_round(1050, "supply", 2, [a, b]) is None  # outside the tolerance
    assert link_stats_round(None, "supply", 2, [a, b]) is None


def test_gaming_day_comes_from_the_round_end_then_the_name_then_the_mtime() -> None:
    s = load_settings({})
    late = render(at(5, 50), minutes=12)  # ends 06:02: the next gaming day
    header = parse_proximity_file(late.name, late.data).header
    day, source, note = file_gaming_day(header, late.name, 0, s)
    assert (day, source, note) == (DAY, "round_end_unix", None)
    no_times = parse_proximity_file("x", b"# PROXIMITY_TRACKER_V4\n# map=supply\n").header
    named = "2026-02-16-053000-supply-round-1_engagements.txt"
    assert file_gaming_day(no_times, named, 0, s)[:2] == (date(2026, 2, 15), "filename")
    mtime = at(22, 0) * 10**9
    assert file_gaming_day(no_times, "renamed.txt", mtime, s)[:2] == (DAY, "mtime")
    bogus = parse_proximity_file("x", b"# PROXIMITY_TRACKER_V4\n# round_end_unix=5\n").header
    day, source, note = file_gaming_day(bogus, named, 0, s)
    assert (day, source) == (date(2026, 2, 15), "filename") and note and "days from" in note


def test_only_files_named_near_the_days_are_opened(tmp_path: Path) -> None:
    r1 = render(at(21, 0))
    far = render(at(21, 0, day=date(2026, 3, 20)))
    land(tmp_path, r1.name, r1.data)
    land(tmp_path, far.name, far.data)
    planned, skipped = plan_proximity_days(tmp_path, [DAY], settings(tmp_path))
    assert [p.landed.name for p in planned] == [r1.name]
    assert skipped == 1


# --------------------------------------------------------------------- end to end, constructed


def _supply_evening(zone: Path, *, lua_offset: int = 0) -> tuple[RenderedProximity, ...]:
    """Supply R1 and R2 (both files say round 1) with their Lua round ends."""
    r1 = render(at(21, 0), round_number=1)
    r2 = render(at(21, 5, 30), round_number=2)
    for r in (r1, r2):
        land(zone, r.name, r.data, r.truth.round_end_unix + 60)
        t = r.truth
        land_lua(
            zone,
            t.map_name,
            t.true_round_number,
            t.round_start_unix + lua_offset,
            t.round_end_unix + lua_offset,
        )
    return r1, r2


def test_r2_labelled_as_r1_is_corrected_from_its_times(tmp_path: Path, warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    r1, r2 = _supply_evening(tmp_path)
    assert r2.name.endswith("-supply-round-1_engagements.txt")  # the name repeats the bug
    assert parse_proximity_file(r2.name, r2.data).header.round_number == 1
    load_lua(engine, tmp_path, [DAY])
    report = ingest_proximity_days(engine, tmp_path, [DAY], settings(tmp_path))
    assert report.rounds_corrected == 1 and report.status_counts() == {"loaded": 2}

    f1, f2 = file_row(engine, r1.name), file_row(engine, r2.name)
    assert (f1["header_round_number"], f1["resolved_round_number"]) == (1, 1)
    assert f1["identity_reason"] == REASON_CONFIRMED_EXACT and not f1["round_corrected"]
    assert (f2["header_round_number"], f2["resolved_round_number"]) == (1, 2)
    assert f2["identity_reason"] == REASON_CORRECTED_EXACT and f2["round_corrected"]
    assert (f2["identity_delta_s"], f2["identity_sources"]) == (0, "lua_round_teams")
    assert f2["round_id"] is None  # no stats round in the warehouse
    for table in schema_proximity.PROXIMITY_ROW_TABLES.values():
        stored = rows(engine, table, source_file=r2.name)
        if not stored and table.name not in TABLE_ROW_TYPES:
            continue  # a section table of a section this V4 file does not carry
        assert stored and {r["round_number"] for r in stored} == {2}, table.name
        assert {r["gaming_day"] for r in stored} == {DAY}
    warnings = processed(engine)[r2.name]["warnings"]
    assert "round_corrected:1->2:corrected_exact_time" in warnings


def test_a_small_clock_difference_matches_within_tolerance_and_a_large_one_does_not(
    tmp_path: Path, warehouse_url: str
) -> None:
    engine = open_warehouse(warehouse_url)
    r1, r2 = _supply_evening(tmp_path, lua_offset=2)
    load_lua(engine, tmp_path, [DAY])
    ingest_proximity_days(engine, tmp_path, [DAY], settings(tmp_path))
    f1, f2 = file_row(engine, r1.name), file_row(engine, r2.name)
    assert (f1["identity_reason"], f1["identity_delta_s"]) == (REASON_CONFIRMED_TOLERANCE, 2)
    assert (f2["identity_reason"], f2["resolved_round_number"]) == (REASON_CORRECTED_TOLERANCE, 2)

    far = render(at(22, 30), round_number=2)  # the Lua saw this round 40 s later: no match
    land(tmp_path, far.name, far.data)
    land_lua(tmp_path, "supply", 2, far.truth.round_start_unix + 40, far.truth.round_end_unix + 40)
    load_lua(engine, tmp_path, [DAY])
    ingest_proximity_days(engine, tmp_path, [DAY], settings(tmp_path))
    f3 = file_row(engine, far.name)
    assert f3["identity_reason"] == REASON_OUTSIDE_TOLERANCE and not f3["round_resolved"]
    assert f3["resolved_round_number"] == 1  # the header's value, flagged as unresolved
    assert "round_unresolved:outside_tolerance" in processed(engine)[far.name]["warnings"]


def test_broken_lines_never_fail_the_file(tmp_path: Path, warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    broken = render(at(21, 0), broken_lines=tuple(BROKEN_LINE_KINDS))
    assert len(broken.truth.broken_lines) == len(BROKEN_LINE_KINDS)
    land(tmp_path, broken.name, broken.data)
    report = ingest_proximity_days(engine, tmp_path, [DAY], settings(tmp_path))
    assert report.status_counts() == {"loaded": 1}
    assert report.broken_lines == len(BROKEN_LINE_KINDS)
    f = file_row(engine, broken.name)
    assert f["broken_lines"] == len(BROKEN_LINE_KINDS)
    for line_no, reason in broken.truth.broken_lines:
        assert f"{line_no}:{reason}" in f["broken_line_details"]
    t = broken.truth
    assert count(engine, schema_proximity.combat_engagement) == t.combat_engagements
    assert count(engine, schema_proximity.player_track) == len(t.lives)
    assert count(engine, schema_proximity.proximity_trade_event) == t.trade_events
    assert "broken_lines:6" in processed(engine)[broken.name]["warnings"]
    # No match in an empty warehouse: the V4 header is kept and flagged as unresolved.
    assert (f["identity_reason"], f["round_resolved"]) == (REASON_NO_CANDIDATE, False)


def _as_future_format(rendered: RenderedProximity) -> bytes:
    """A V6 file turned into a (hypothetical) V7: new magic, header key and section."""
    text = rendered.data.decode("utf-8").replace("# PROXIMITY_TRACKER_V6", "# PROXIMITY_TRACKER_V7")
    text = text.replace("# test_mode=0\n", "# test_mode=0\n# grenade_arc_version=2\n")
    return (text + "\n# GRENADE_ARCS\n# time;guid;x;y;z\n1000;AB;1.0;2.0;3.0\n").encode("utf-8")


def test_a_later_format_version_loads_and_trusts_its_round(
    tmp_path: Path, warehouse_url: str
) -> None:
    engine = open_warehouse(warehouse_url)
    v6 = render(at(21, 0), round_number=2, format_version=6)
    name = v6.name
    land(tmp_path, name, _as_future_format(v6))
    report = ingest_proximity_days(engine, tmp_path, [DAY], settings(tmp_path))
    assert report.status_counts() == {"loaded": 1}
    f = file_row(engine, name)
    assert f["format_version"] == 7 and f["tracker_version_full"] == "6.11"
    assert (f["header_round_number"], f["resolved_round_number"]) == (2, 2)
    assert f["identity_reason"] == REASON_HEADER_TRUSTED and f["round_resolved"]
    assert "GRENADE_ARCS(1)" in f["ignored_sections"]
    assert count(engine, schema_proximity.combat_engagement) == v6.truth.combat_engagements
    assert count(engine, schema_proximity.proximity_trade_event) == v6.truth.trade_events


def test_reimport_replaces_rows_and_follows_a_file_to_its_new_day(
    tmp_path: Path, warehouse_url: str
) -> None:
    engine = open_warehouse(warehouse_url)
    _, r2 = _supply_evening(tmp_path)
    load_lua(engine, tmp_path, [DAY])
    s = settings(tmp_path)
    ingest_proximity_days(engine, tmp_path, [DAY], s)
    first = dump_tables(engine, PROX_TABLES)
    assert first["combat_engagement"]
    ingest_proximity_days(engine, tmp_path, [DAY], s)
    assert dump_tables(engine, PROX_TABLES) == first

    # The same file name, re-fetched with other content: its rows are replaced, never added.
    other = render(at(21, 5, 30), round_number=2, seed=4242)
    assert other.name == r2.name and other.data != r2.data
    land(tmp_path, r2.name, other.data)
    ingest_proximity_days(engine, tmp_path, [DAY], s)
    stored = rows(engine, schema_proximity.combat_engagement, source_file=r2.name)
    assert len(stored) == other.truth.combat_engagements
    assert {r["source_sha256"] for r in stored} == {file_row(engine, r2.name)["source_sha256"]}

    # A header fix moves the round end to the next gaming day: the file follows it.
    next_day = date(2026, 2, 17)
    text = other.data.decode("utf-8")
    end = other.truth.round_end_unix
    moved = text.replace(f"round_end_unix={end}", f"round_end_unix={end + 12 * 3600}")
    land(tmp_path, r2.name, moved.encode("utf-8"))
    ingest_proximity_days(engine, tmp_path, [next_day], s)
    assert file_row(engine, r2.name)["gaming_day"] == next_day
    for table in PROX_TABLES[1:]:
        days_stored = {r["gaming_day"] for r in rows(engine, table, source_file=r2.name)}
        if not days_stored and table.name not in TABLE_ROW_TYPES:
            continue  # a section this V4 file does not carry
        assert days_stored == {next_day}, table.name
    assert processed(engine)[r2.name]["gaming_day"] == next_day
    assert count(engine, schema.processed_files, source=SOURCE, gaming_day=DAY) == 1


def test_a_failed_write_rolls_the_whole_run_back(
    tmp_path: Path, warehouse_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = open_warehouse(warehouse_url)
    _supply_evening(tmp_path)
    ingest_proximity_days(engine, tmp_path, [DAY], settings(tmp_path))
    before = dump_tables(engine, PROX_TABLES)
    assert before["player_track"]
    extra = render(at(22, 0))
    land(tmp_path, extra.name, extra.data)
    real_write = ingest_proximity._write_table
    calls: list[str] = []

    def failing_write(conn: Any, name: str, rows: Any) -> None:
        calls.append(name)
        if name == "player_track" and calls.count("player_track") == 2:
            raise RuntimeError("disk full")
        real_write(conn, name, rows)

    monkeypatch.setattr(ingest_proximity, "_write_table", failing_write)
    monkeypatch.setattr(ingest_proximity, "BATCH_BYTES", 1)  # one batch per file
    with pytest.raises(RuntimeError, match="disk full"):
        ingest_proximity_days(engine, tmp_path, [DAY], settings(tmp_path))
    assert dump_tables(engine, PROX_TABLES) == before


def test_unusable_files_are_rejected_with_a_reason_and_the_rest_loads(
    tmp_path: Path, warehouse_url: str
) -> None:
    engine = open_warehouse(warehouse_url)
    good = render(at(21, 0))
    land(tmp_path, good.name, good.data)
    header_end = good.data.index(b"# ENGAGEMENTS")
    stamp = "2026-02-16-213000"
    cases = {
        f"{stamp}-supply-round-1_engagements.txt": good.data[:header_end],
        f"{stamp}-radar-round-1_engagements.txt": b"",
        f"{stamp}-goldrush-round-1_engagements.txt": b"\x89PNG\r\n\x1a\n binary junk",
        f"{stamp}-copy-round-1_engagements.txt": good.data,  # a renamed copy
        f"{stamp}-nomap-round-1_engagements.txt": good.data.replace(b"# map=supply\n", b""),
        f"{stamp}-supply-round-1_lifecycle.txt": b"test-mode lifecycle log\n",
        f"{stamp}-huge-round-1_engagements.txt": good.data.replace(
            b"# round=1\n", b"# round=99999999999999999999\n"
        ),
    }
    for name, data in cases.items():
        land(tmp_path, name, data, at(21, 31))
    report = ingest_proximity_days(engine, tmp_path, [DAY], settings(tmp_path))
    got = {
        name: (r["status"], (r["reason"] or "").split(":")[0])
        for name, r in processed(engine).items()
    }
    assert got == {
        good.name: ("loaded", ""),
        f"{stamp}-supply-round-1_engagements.txt": ("rejected", "no_records"),
        f"{stamp}-radar-round-1_engagements.txt": ("rejected", "empty_file"),
        f"{stamp}-goldrush-round-1_engagements.txt": ("rejected", "not_a_proximity_file"),
        f"{stamp}-copy-round-1_engagements.txt": ("rejected", "duplicate_payload_of"),
        f"{stamp}-nomap-round-1_engagements.txt": ("rejected", "missing_map"),
        f"{stamp}-supply-round-1_lifecycle.txt": ("ignored", "not_an_engagements_file"),
        f"{stamp}-huge-round-1_engagements.txt": ("rejected", "value_out_of_range"),
    }
    assert report.reason_counts()["no_records"] == 1
    assert [f["source_file"] for f in rows(engine, schema_proximity.proximity_files)] == [good.name]
    assert {r["source_file"] for r in rows(engine, schema_proximity.player_track)} == {good.name}


def test_worker_processes_write_what_the_inline_loop_writes(
    tmp_path: Path, warehouse_url: str
) -> None:
    """Files prepared by forked workers (in order, duplicates decided by the writer) give the
    same tables as files prepared one by one in the writing process; re-runs change nothing."""
    good = [render(at(20, 0), format_version=6), render(at(20, 30)), render(at(21, 0), seed=5)]
    for rendered in good:
        land(tmp_path, rendered.name, rendered.data)
    stamp = "2026-02-16-213000"
    land(tmp_path, f"{stamp}-copy-round-1_engagements.txt", good[0].data, at(21, 31))
    land(tmp_path, f"{stamp}-radar-round-1_engagements.txt", b"", at(21, 31))
    land(tmp_path, f"{stamp}-supply-round-1_lifecycle.txt", b"lifecycle\n", at(21, 31))
    engine = open_warehouse(warehouse_url)
    snapshots, reports = [], []
    for workers in (0, 2, 2, 0):
        reports.append(
            ingest_proximity_days(engine, tmp_path, [DAY], settings(tmp_path), workers=workers)
        )
        snapshots.append(dump_tables(engine, PROX_TABLES))
    assert snapshots[0]["proximity_shot_fired"] and snapshots[0]["player_track"]
    assert all(snapshot == snapshots[0] for snapshot in snapshots[1:])
    assert reports[0].status_counts() == {"loaded": 3, "rejected": 2, "ignored": 1}
    assert all(r.rows_written == reports[0].rows_written for r in reports)
    assert all(r.bytes_read == reports[0].bytes_read for r in reports)


def test_stored_tracks_and_engagements_are_the_derived_values(
    tmp_path: Path, warehouse_url: str
) -> None:
    """Every column as derived, whatever the COPY form (binary for the tracks, CSV for the
    engagements on PostgreSQL): NULLs, booleans, floats to the last bit, the long paths."""
    r = render(at(21, 0), format_version=6)
    land(tmp_path, r.name, r.data)
    engine = open_warehouse(warehouse_url)
    ingest_proximity_days(engine, tmp_path, [DAY], settings(tmp_path))
    expected = process_proximity_file(r.name, r.data, DAY, RoundCandidates()).table_rows()
    for table in (schema_proximity.player_track, schema_proximity.combat_engagement):
        stored = sorted(rows(engine, table), key=lambda row: row["source_line"])
        wanted = sorted(expected[table.name], key=lambda row: row["source_line"])
        assert stored and stored == wanted, table.name
    assert any(v is None for row in expected["player_track"] for v in row.values())
    assert any(row["killer_guid"] is None for row in expected["combat_engagement"])


def test_nul_bytes_in_a_name_load_on_both_backends(tmp_path: Path, warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    r = render(at(21, 0))
    data = r.data.replace(b"Player1", b"Play\x00er1")
    assert b"\x00" in data
    land(tmp_path, r.name, data)
    ingest_proximity_days(engine, tmp_path, [DAY], settings(tmp_path))
    assert processed(engine)[r.name]["status"] == "loaded"
    assert "nul_bytes_replaced" in processed(engine)[r.name]["warnings"]
    names = {row["player_name"] for row in rows(engine, schema_proximity.player_track)}
    assert any("Play\ufffder1" in n for n in names)


# ------------------------------------------------------------------------- the sample nights


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, dict[str, ProximityFileTruth]]:
    zone = tmp_path_factory.mktemp("prox_zone")
    report = generate_landing_zone(zone, seed=7, nights=3)
    return zone, proximity_truth(report.corpus)


def _load_all(engine: Engine, zone: Path, days: list[date]) -> None:
    s = settings(zone)
    ingest_stats_days(engine, zone, days, s)
    for source in ("webhook", "gametime"):
        ingest_lua_source_days(engine, zone, days, s, source)
    build_lua_round_teams_days(engine, days)
    ingest_proximity_days(engine, zone, days, s)


def test_sample_nights_match_the_truth(
    sample: tuple[Path, dict[str, ProximityFileTruth]], warehouse_url: str
) -> None:
    zone, truth = sample
    engine = open_warehouse(warehouse_url)
    days = landed_stats_days(zone, settings(zone))
    _load_all(engine, zone, days)
    files = {r["source_file"]: r for r in rows(engine, schema_proximity.proximity_files)}
    assert set(files) == set(truth)
    assert {r["status"] for r in processed(engine).values()} == {"loaded"}
    stats_keys = {r["source_file"]: r["round_key"] for r in rows(engine, schema.rounds)}
    tracks = rows(engine, schema_proximity.player_track)
    engagements = rows(engine, schema_proximity.combat_engagement)
    trades = rows(engine, schema_proximity.proximity_trade_event)
    corrected = 0
    for name, t in truth.items():
        f = files[name]
        assert f["gaming_day"] == t.gaming_day, name
        assert f["header_round_number"] == t.header_round_number, name
        assert f["resolved_round_number"] == t.expected_round_number, name
        assert f["identity_reason"] == t.expected_reason, name
        assert f["round_key"] == (stats_keys[t.stats_file_name] if t.stats_file_name else None)
        assert f["broken_lines"] == len(t.broken_lines), name
        corrected += f["round_corrected"]
        mine = [e for e in engagements if e["source_file"] == name]
        assert len(mine) == t.combat_engagements, name
        assert {e["round_number"] for e in mine} == {t.expected_round_number}
        my_trades = [e for e in trades if e["source_file"] == name]
        assert len(my_trades) == t.trade_events, name
        assert sum(bool(e["is_traded"]) for e in my_trades) == t.traded, name
        sprint = {
            (r["player_guid"], r["spawn_time_ms"]): r["sprint_percentage"]
            for r in tracks
            if r["source_file"] == name
        }
        assert sprint.keys() == t.sprint_percentages.keys(), name
        for key, expected in t.sprint_percentages.items():
            assert sprint[key] == pytest.approx(expected), (name, key)
    assert corrected == sum(
        t.expected_round_number != t.header_round_number for t in truth.values()
    )
    scenarios = {t.scenario: files[n] for n, t in truth.items() if t.scenario}
    assert scenarios[SCENARIO_V6]["format_version"] == 6
    assert scenarios[SCENARIO_BROKEN_LINES]["broken_lines"] == len(BROKEN_LINE_KINDS)


def test_stats_alone_identify_every_round_within_tolerance(
    tmp_path: Path, warehouse_url: str
) -> None:
    """Without any Lua delivery the stats files' write times still decide, never exactly."""
    report = generate_landing_zone(
        tmp_path, seed=3, nights=1, extra_renderers=(write_proximity_files,)
    )
    truth = proximity_truth(report.corpus)
    engine = open_warehouse(warehouse_url)
    days = landed_stats_days(tmp_path, settings(tmp_path))
    ingest_stats_days(engine, tmp_path, days, settings(tmp_path))
    ingest_proximity_days(engine, tmp_path, days, settings(tmp_path))
    files = {r["source_file"]: r for r in rows(engine, schema_proximity.proximity_files)}
    assert set(files) == set(truth)
    for name, t in truth.items():
        f = files[name]
        if t.stats_file_name is None:  # the orphan's R1: no stats file, nothing to match
            assert not f["round_resolved"]
            continue
        assert f["resolved_round_number"] == t.expected_round_number, name
        assert f["identity_reason"] in {REASON_CONFIRMED_TOLERANCE, REASON_CORRECTED_TOLERANCE}
        assert f["identity_sources"] == "rounds" and f["round_id"] is not None
