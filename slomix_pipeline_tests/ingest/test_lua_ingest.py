"""Lua ingestion: landing zone -> processed_files + lua_events -> lua_round_teams + lua_spawn_stats.

Landing zones are built in ``tmp_path`` from small ``LuaRoundSpec`` builders rendered exactly as the
Lua writes them; mtimes (the arrival times) are set explicitly.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

from slomix_pipeline.config import Settings, load_settings
from slomix_pipeline.domain.lua_records import LuaRoundEnd
from slomix_pipeline.formats.gametime import parse_gametime_file
from slomix_pipeline.formats.webhook import parse_webhook_body
from slomix_pipeline.ingest.lua_event_json import event_from_json, event_to_json
from slomix_pipeline.ingest.lua_events import (
    build_lua_round_teams_days,
    ingest_lua_source_days,
    plan_lua_source_days,
)
from slomix_pipeline.ingest.lua_identity import lua_round_id
from slomix_pipeline.ingest.lua_plan import ARRIVAL_MARGIN_SECONDS
from slomix_pipeline.landing.zone import (
    GAMETIMES_FOLDER,
    WEBHOOK_FOLDER,
    content_addressed_name,
    write_atomically,
)
from slomix_pipeline.sample_data.lua_render import (
    LuaRoundSpec,
    PauseSpec,
    SpawnSpec,
    render_gametime,
    render_stats_ready,
)
from slomix_pipeline.warehouse import schema, schema_lua
from slomix_pipeline.warehouse.engine import open_warehouse
from slomix_pipeline_tests.tabledump import dump_tables

PARIS = ZoneInfo("Europe/Paris")
DAY = date(2026, 2, 16)
VID = "AB12CD34AB12CD34AB12CD34AB12CD34"
CARNIEE = "EF56EF56EF56EF56EF56EF56EF56EF56"
LUA_TABLES = [schema_lua.lua_round_teams, schema_lua.lua_spawn_stats]


def at(hour: int, minute: int, second: int = 0, day: date = DAY) -> int:
    """Epoch of a server wall-clock time (Europe/Paris)."""
    return int(
        datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=PARIS).timestamp()
    )


def spec(end: int, **overrides: object) -> LuaRoundSpec:
    base: dict[str, object] = {
        "map_name": "supply",
        "round_number": 1,
        "round_start_unix": end - 600,
        "round_end_unix": end,
        "actual_duration_seconds": 565,
        "end_reason": "objective",
        "winner": 2,
        "defender": 1,
        "timelimit_minutes": 12,
        "axis": ((VID, "vid"), ("", "[BOT]Fritz")),
        "allies": ((CARNIEE, "carniee"),),
        "pauses": (PauseSpec(end - 300, end - 265),),
        "warmup_seconds": 31,
        "warmup_start_unix": end - 631,
        "allies_score": 1,
        "spawn_stats": (
            SpawnSpec(VID, "vid", 9, 8, 96, 21),
            SpawnSpec(CARNIEE, "carniee", 5, 4, 41, 14),
        ),
    }
    base.update(overrides)
    return LuaRoundSpec(**base)  # type: ignore[arg-type]


def settings(zone: Path) -> Settings:
    return load_settings({"SLOMIX_DATA_DIR": str(zone)})


def land(zone: Path, folder: str, name: str, data: bytes, received_at: int) -> Path:
    """Land like the receiver / SFTP sync: an identical re-landing keeps the first mtime."""
    path = zone / folder / name
    fresh = not (path.exists() and path.read_bytes() == data)
    write_atomically(zone / folder, name, data)
    if fresh:
        os.utime(path, ns=(received_at * 10**9, received_at * 10**9))
    return path


def land_webhook(zone: Path, data: bytes, received_at: int) -> str:
    name = content_addressed_name(data, "stats_ready_", ".json")
    land(zone, WEBHOOK_FOLDER, name, data, received_at)
    return name


def land_gametime(zone: Path, s: LuaRoundSpec, received_at: int, **flags: bool) -> str:
    name, data = render_gametime(s, **flags)
    land(zone, GAMETIMES_FOLDER, name, data, received_at)
    return name


def run_all(engine: Engine, zone: Path, days: list[date]) -> None:
    for source in ("webhook", "gametime"):
        ingest_lua_source_days(engine, zone, days, settings(zone), source)
    build_lua_round_teams_days(engine, days)


def teams(engine: Engine) -> list[dict[str, object]]:
    with engine.connect() as conn:
        query = select(schema_lua.lua_round_teams).order_by(schema_lua.lua_round_teams.c.id)
        return [dict(r._mapping) for r in conn.execute(query)]


SUPPLY_R1 = spec(at(21, 10))
SUPPLY_R2 = spec(
    at(21, 22),
    round_number=2,
    actual_duration_seconds=500,
    timelimit_minutes=9.4166,
    winner=1,
    pauses=(),
    allies_score=0,
    axis_score=1,
)
RADAR_R1 = spec(at(21, 40), map_name="radar", end_reason="surrender", surrender_team=2)


def test_duplicates_and_out_of_order_deliveries_equal_a_clean_delivery(
    tmp_path: Path, warehouse_url: str
) -> None:
    engine = open_warehouse(warehouse_url)
    clean = tmp_path / "clean"
    for s in (SUPPLY_R1, SUPPLY_R2, RADAR_R1):
        land_webhook(clean, render_stats_ready(s), s.round_end_unix + 2)
        land_gametime(clean, s, s.round_end_unix + 40)
    run_all(engine, clean, [DAY])
    expected = dump_tables(engine, LUA_TABLES)
    assert len(expected["lua_round_teams"]) == 3
    assert len(expected["lua_spawn_stats"]) == 6

    dirty = tmp_path / "dirty"
    # Out of order: the later rounds land first, and supply R2's fallback file lands before its
    # webhook (the arrival times swap channels, so first/last arrival stay the same).
    for s in (RADAR_R1, SUPPLY_R2):
        land_gametime(dirty, s, s.round_end_unix + (2 if s is SUPPLY_R2 else 40))
        land_webhook(dirty, render_stats_ready(s), s.round_end_unix + (40 if s is SUPPLY_R2 else 2))
    land_gametime(dirty, SUPPLY_R1, SUPPLY_R1.round_end_unix + 40)
    body = render_stats_ready(SUPPLY_R1)
    land_webhook(dirty, body, SUPPLY_R1.round_end_unix + 2)
    # Duplicates: the retry sweep re-posts the identical body (one file, first mtime kept), and
    # a stray copy of a gametime file appears under another name, landed much later.
    land_webhook(dirty, body, SUPPLY_R1.round_end_unix + 3600)
    assert len(list((dirty / WEBHOOK_FOLDER).iterdir())) == 3
    name, data = render_gametime(RADAR_R1)
    land(dirty, GAMETIMES_FOLDER, f"copy-of-{name}", data, RADAR_R1.round_end_unix + 7200)

    report = ingest_lua_source_days(engine, dirty, [DAY], settings(dirty), "gametime")
    assert len(report.events) == 4  # the copy is a separate file, hence a separate event
    ingest_lua_source_days(engine, dirty, [DAY], settings(dirty), "webhook")
    build = build_lua_round_teams_days(engine, [DAY])
    assert build.events_read == 7
    assert build.duplicates_merged == 4  # 7 events -> 3 rounds
    assert dump_tables(engine, LUA_TABLES) == expected


def test_a_round_seen_by_one_or_both_sources_is_one_row(tmp_path: Path, warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    zone = tmp_path / "zone"
    webhook_only = land_webhook(zone, render_stats_ready(SUPPLY_R1), SUPPLY_R1.round_end_unix + 1)
    gametime_only = land_gametime(zone, SUPPLY_R2, SUPPLY_R2.round_end_unix + 30)
    both_webhook = land_webhook(zone, render_stats_ready(RADAR_R1), RADAR_R1.round_end_unix + 2)
    both_gametime = land_gametime(zone, RADAR_R1, RADAR_R1.round_end_unix + 50)
    run_all(engine, zone, [DAY])
    report = build_lua_round_teams_days(engine, [DAY])
    assert report.rounds_by_sources() == {"webhook": 1, "gametime": 1, "webhook+gametime": 1}

    rows = {(r["map_name"], r["round_number"]): r for r in teams(engine)}
    assert len(rows) == 3
    r1, r2, radar = rows[("supply", 1)], rows[("supply", 2)], rows[("radar", 1)]
    assert (r1["sources"], r1["event_count"], r1["source_file"]) == ("webhook", 1, webhook_only)
    assert (r2["sources"], r2["event_count"], r2["source_file"]) == ("gametime", 1, gametime_only)
    # Both: the webhook is the primary delivery, the gametime file supplies the spawn stats.
    assert (radar["sources"], radar["event_count"]) == ("webhook+gametime", 2)
    assert (radar["source_file"], radar["spawn_source_file"]) == (both_webhook, both_gametime)
    assert (radar["first_seen_at"], radar["last_update_at"]) == (
        RADAR_R1.round_end_unix + 2,
        RADAR_R1.round_end_unix + 50,
    )
    assert (radar["end_reason"], radar["surrender_team"]) == ("SURRENDER", 2)
    assert r1["spawn_source_file"] is None  # the v1.7.2 webhook carries no per-player spawns
    assert r1["id"] == lua_round_id(parse_event(render_stats_ready(SUPPLY_R1)).key)
    assert json.loads(r1["axis_players"]) == [
        {"guid": VID, "name": "vid"},
        {"guid": "", "name": "[BOT]Fritz"},
    ]
    assert json.loads(r1["lua_pause_events"]) == [
        {"n": 1, "start": SUPPLY_R1.round_end_unix - 300, "end": SUPPLY_R1.round_end_unix - 265,
         "sec": 35}
    ]  # fmt: skip
    assert (r1["pause_count"], r1["total_pause_seconds"]) == (1, 35)
    assert r1["match_id"] == "2026-02-16-211000"

    with engine.connect() as conn:
        spawn = conn.execute(select(schema_lua.lua_spawn_stats)).all()
    assert {(s.map_name, s.round_number) for s in spawn} == {("supply", 2), ("radar", 1)}
    vid = next(s for s in spawn if s.player_guid == VID and s.map_name == "radar")
    assert (vid.spawn_count, vid.death_count, vid.dead_seconds) == (9, 8, 96)
    assert (vid.avg_respawn_seconds, vid.max_respawn_seconds) == (12, 21)
    assert (vid.source, vid.source_file) == ("gametime", both_gametime)


def parse_event(data: bytes) -> LuaRoundEnd:
    event = parse_webhook_body(data)
    assert isinstance(event, LuaRoundEnd)
    return event


def test_fractional_timelimit_is_stored_as_sent(tmp_path: Path, warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    zone = tmp_path / "zone"
    r2 = spec(at(22, 5), round_number=2, timelimit_minutes=446 / 60)
    legacy = spec(at(22, 30), map_name="radar", timelimit_minutes=7.5)
    land_webhook(zone, render_stats_ready(r2), r2.round_end_unix + 1)
    land_gametime(zone, r2, r2.round_end_unix + 30)
    land_webhook(zone, render_stats_ready(legacy, legacy_names=True), legacy.round_end_unix + 1)
    run_all(engine, zone, [DAY])
    limits = {r["map_name"]: r["timelimit_minutes"] for r in teams(engine)}
    # Upstream stored int("7.433") failures as 0; here the float survives on both backends.
    assert limits == {"supply": 7.433, "radar": 7.5}


def test_round_zero_and_legacy_bodies_are_normalised(tmp_path: Path, warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    zone = tmp_path / "zone"
    land_webhook(zone, render_stats_ready(SUPPLY_R2, round_zero=True), SUPPLY_R2.round_end_unix)
    land_gametime(zone, SUPPLY_R2, SUPPLY_R2.round_end_unix + 20, round_zero=True)
    land_webhook(zone, render_stats_ready(RADAR_R1, legacy_names=True), RADAR_R1.round_end_unix)
    run_all(engine, zone, [DAY])
    rows = {r["map_name"]: r for r in teams(engine)}
    assert (rows["supply"]["round_number"], rows["supply"]["sources"]) == (2, "webhook+gametime")
    assert rows["supply"]["warnings"] == "round_0_mapped_to_2"
    legacy = rows["radar"]
    assert (legacy["actual_duration_seconds"], legacy["end_reason"]) == (565, "SURRENDER")
    assert (legacy["axis_players"], legacy["lua_warmup_seconds"]) == ("[]", None)
    assert "legacy_field:end unix" in legacy["warnings"]


def test_quarantined_and_ignored_files_keep_their_reasons(
    tmp_path: Path, warehouse_url: str
) -> None:
    engine = open_warehouse(warehouse_url)
    zone = tmp_path / "zone"
    land_webhook(zone, render_stats_ready(SUPPLY_R1), SUPPLY_R1.round_end_unix + 1)
    bad_round = render_stats_ready(spec(at(21, 30))).replace(
        b'"Round","value":"1"', b'"Round","value":"3"'
    )
    land_webhook(zone, bad_round, at(21, 30, 2))
    ping = json.dumps({"username": "ET:Legacy Live", "embeds": [{"title": "Objective Update"}]})
    ping_name = content_addressed_name(ping.encode(), "objective_update_", ".json")
    land(zone, WEBHOOK_FOLDER, ping_name, ping.encode(), at(21, 5))
    land(zone, GAMETIMES_FOLDER, "gametime-supply-R1-1.json", b'{"payload": {}}', at(23, 0))
    # Landed at 05:59 on the 17th: before the day start, so it belongs to the 16th.
    land(
        zone,
        GAMETIMES_FOLDER,
        "gametime-oops-R1-2.json",
        b"{not json",
        at(5, 59, day=date(2026, 2, 17)),
    )
    run_all(engine, zone, [DAY])

    with engine.connect() as conn:
        query = select(schema.processed_files).where(schema.processed_files.c.source != "stats")
        files = {r.file_name: r for r in conn.execute(query)}
    assert {f.status for f in files.values()} == {"loaded", "rejected", "ignored"}
    assert len(files) == 5
    assert files[ping_name].status == "ignored"
    assert files[ping_name].reason.startswith("not_stats_ready:objective_update")
    rejected = {name: f.reason.split(":")[0] for name, f in files.items() if f.status == "rejected"}
    assert rejected == {
        content_addressed_name(bad_round, "stats_ready_", ".json"): "invalid_round",
        "gametime-supply-R1-1.json": "missing_field",
        "gametime-oops-R1-2.json": "malformed_json",
    }
    assert all(f.gaming_day == DAY for f in files.values())
    assert files["gametime-oops-R1-2.json"].kind == "gametime"
    report = build_lua_round_teams_days(engine, [DAY])
    assert {q.file_name for q in report.quarantined} == set(rejected)
    assert len(teams(engine)) == 1


@pytest.mark.parametrize(
    ("end", "expected_day"),
    [
        (at(5, 59, 30, day=date(2026, 2, 17)), DAY),
        (at(6, 0, 10, day=date(2026, 2, 17)), date(2026, 2, 17)),
    ],
)
def test_an_event_belongs_to_the_gaming_day_of_its_round_end(
    tmp_path: Path, end: int, expected_day: date
) -> None:
    s = spec(end)
    land_webhook(tmp_path, render_stats_ready(s), end + 3600)  # landed well after the boundary
    for day in (DAY, date(2026, 2, 17)):
        report = plan_lua_source_days(tmp_path, [day], settings(tmp_path), "webhook")
        assert [e.gaming_day for e in report.events] == ([day] if day == expected_day else [])


def test_only_files_landed_since_the_first_day_are_parsed(tmp_path: Path) -> None:
    day_start = at(6, 0)
    old = spec(at(21, 0, day=date(2026, 2, 10)))
    late = spec(at(23, 0, day=date(2026, 2, 15)))  # delivered hours late by the retry buffer
    early = spec(at(4, 0), map_name="radar")  # previous gaming day, landed just inside the margin
    outside = spec(at(3, 0), map_name="te_escape2")  # landed just outside the margin
    land_webhook(tmp_path, render_stats_ready(old), old.round_end_unix + 2)
    land_webhook(tmp_path, render_stats_ready(late), at(12, 0))
    land_webhook(tmp_path, render_stats_ready(early), day_start - ARRIVAL_MARGIN_SECONDS)
    land_webhook(tmp_path, render_stats_ready(outside), day_start - ARRIVAL_MARGIN_SECONDS - 1)
    land_webhook(tmp_path, render_stats_ready(SUPPLY_R1), SUPPLY_R1.round_end_unix + 2)

    report = plan_lua_source_days(tmp_path, [DAY], settings(tmp_path), "webhook")
    # The files were just written (fresh ctime) with back-dated mtimes, like a ``cp -p``: they
    # are all read now (see test_window_uses_the_latest_landing_evidence), and the events of
    # the day are the same.
    assert (report.files_before_window, report.files_parsed) == (0, 5)
    assert [e.event.round_end_unix for e in report.events] == [SUPPLY_R1.round_end_unix]
    previous = plan_lua_source_days(tmp_path, [date(2026, 2, 15)], settings(tmp_path), "webhook")
    assert sorted(e.event.round_end_unix for e in previous.events) == sorted(
        [late.round_end_unix, early.round_end_unix, outside.round_end_unix]
    )
    assert {e.provenance.received_at for e in previous.events} >= {at(12, 0)}


def test_tables_rebuild_from_lua_events_alone(tmp_path: Path, warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    zone = tmp_path / "zone"
    for s in (SUPPLY_R1, SUPPLY_R2, RADAR_R1):
        land_webhook(zone, render_stats_ready(s), s.round_end_unix + 2)
        land_gametime(zone, s, s.round_end_unix + 40)
    run_all(engine, zone, [DAY])
    before = dump_tables(engine, LUA_TABLES)
    for folder in (WEBHOOK_FOLDER, GAMETIMES_FOLDER):
        for path in (zone / folder).iterdir():
            path.unlink()
    build_lua_round_teams_days(engine, [DAY])
    assert dump_tables(engine, LUA_TABLES) == before


def test_event_json_is_lossless_and_deterministic() -> None:
    webhook = parse_event(render_stats_ready(RADAR_R1))
    name, data = render_gametime(SUPPLY_R2, payload_as_string=True)
    gametime = parse_gametime_file(name, data)
    assert isinstance(gametime, LuaRoundEnd) and gametime.spawn_stats and webhook.pauses
    for event in (webhook, gametime):
        text = event_to_json(event)
        assert event_from_json(text) == event
        assert event_to_json(event_from_json(text)) == text
    assert json.loads(event_to_json(webhook))["timelimit_minutes"] == 12
    with pytest.raises(ValueError, match="version"):
        event_from_json(json.dumps({"v": 99}))


def test_window_uses_the_latest_landing_evidence() -> None:
    """Files are skipped unread only when mtime, ctime and a gametime name stamp are all old."""
    from slomix_pipeline.ingest.lua_plan import _latest_evidence
    from slomix_pipeline.landing.zone import LandedFile

    old, new = 1_000_000_000, 1_800_000_000
    ns = 1_000_000_000
    drop = "stats_ready_" + "0" * 64 + ".json"
    assert _latest_evidence("webhook", LandedFile("w", drop, 1, old * ns, old * ns)) == old
    assert _latest_evidence("webhook", LandedFile("w", drop, 1, old * ns, new * ns)) == new
    name = f"gametime-supply-R1-{new}.json"
    assert _latest_evidence("gametime", LandedFile("g", name, 1, old * ns, old * ns)) == new


def test_figures_beyond_an_integer_column_are_flagged_identically_on_both_backends(
    tmp_path: Path, warehouse_url: str
) -> None:
    """A playtime of 3,000,000,000 s fits SQLite but not a PostgreSQL ``integer``: flagged."""
    engine = open_warehouse(warehouse_url)
    huge = spec(at(21, 10), actual_duration_seconds=3_000_000_000, allies_score=3_000_000_000)
    land_webhook(tmp_path, render_stats_ready(huge), huge.round_end_unix + 2)
    run_all(engine, tmp_path, [DAY])
    (team,) = teams(engine)
    assert team["actual_duration_seconds"] is None and team["allies_score"] is None
    with engine.connect() as conn:
        (warnings,) = conn.execute(
            select(schema.processed_files.c.warnings).where(
                schema.processed_files.c.source == "webhook"
            )
        ).one()
    assert "out_of_range:playtime_seconds" in warnings
    assert "out_of_range:allies_score" in warnings


def test_a_file_whose_day_changes_moves_instead_of_colliding(
    tmp_path: Path, warehouse_url: str
) -> None:
    """A rejected gametime (filed by landing time) replaced by a valid copy (filed by round end)."""
    engine = open_warehouse(warehouse_url)
    valid = spec(at(21, 10))
    name, data = render_gametime(valid)
    earlier = date(2026, 2, 14)
    land(tmp_path, GAMETIMES_FOLDER, name, b"{not json", at(21, 0, day=earlier))
    run_all(engine, tmp_path, [earlier])
    land(tmp_path, GAMETIMES_FOLDER, name, data, valid.round_end_unix + 40)
    run_all(engine, tmp_path, [DAY])  # used to fail on the processed_files primary key
    with engine.connect() as conn:
        rows = conn.execute(
            select(schema.processed_files).where(schema.processed_files.c.file_name == name)
        ).all()
    assert [(r.gaming_day, r.status) for r in rows] == [(DAY, "loaded")]
    run_all(engine, tmp_path, [earlier])  # re-running the old day does not resurrect it
    with engine.connect() as conn:
        rows = conn.execute(
            select(schema.processed_files).where(schema.processed_files.c.file_name == name)
        ).all()
    assert [(r.gaming_day, r.status) for r in rows] == [(DAY, "loaded")]
