"""Every known trigger of a lost day, in the landing zone at once, through a real Dagster run.

The triggers (issue 12): a stats file that is only a BOM, 5,000-digit numbers, values past 32 bits,
a negative counter, deep JSON, a lone surrogate, a non-UTF-8 file name, a symlink, a directory
and files nobody may read (mode 0, in three folders). The property, on SQLite and PostgreSQL:
the run succeeds, each hostile entry has a ``rejected`` row in ``processed_files`` with a specific
reason, and every other row of every table equals the run over the clean landing zone.

The hostile run executes in a child process without the capabilities that let root ignore file
modes (``unprivileged.py``), so the unreadable files are unreadable under CI's root too.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import date, datetime
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import select

from slomix_pipeline.config import load_settings
from slomix_pipeline.formats.acknowledgements import render_acknowledgements
from slomix_pipeline.landing.zone import printable_name
from slomix_pipeline.runner import landed_stats_days, materialize_range
from slomix_pipeline.sample_data import generate_landing_zone
from slomix_pipeline.sample_data.acknowledgements import known_losses
from slomix_pipeline.warehouse import schema
from slomix_pipeline.warehouse.engine import open_warehouse
from slomix_pipeline_tests.integration.unprivileged import run_unprivileged_range
from slomix_pipeline_tests.tabledump import dump_tables

HEADER = "ETL Server\\zz_hostile\\legacy6\\1\\1\\2\\10:00\\7:36\\241533\n"
EXT = "\t".join(["0"] * 38)


def _player(team: str = "1", ext: str = EXT) -> str:
    return f"A1B2C3D4\\Alpha\\0\\{team}\\16 1 2 3 4 5 \t{ext}\n"


def _stats_name(night: date, hhmmss: str) -> str:
    return f"{night:%Y-%m-%d}-{hhmmss}-zz_hostile-round-1.txt"


def _stats_ready(fields: list[dict[str, object]]) -> bytes:
    return json.dumps({"content": "STATS_READY", "embeds": [{"fields": fields}]}).encode()


def _plant_triggers(zone: Path, night: date, tz: object) -> dict[tuple[str, str], str]:
    """Write every trigger; returns (source, stored file name) -> expected reason prefix."""
    stats = zone / "local_stats"
    expected: dict[tuple[str, str], str] = {}

    def stats_file(hhmmss: str, data: bytes, reason: str) -> None:
        name = _stats_name(night, hhmmss)
        (stats / name).write_bytes(data)
        expected[("stats", name)] = reason

    stats_file("220001", b"\xef\xbb\xbf", "empty_file")
    stats_file("220002", (HEADER + _player(ext="9" * 5000 + EXT[1:])).encode(), "malformed_player")
    stats_file("220003", (HEADER + _player(team="3000000000")).encode(), "malformed_player_line")
    stats_file("220004", (HEADER + _player(ext="-5" + EXT[1:])).encode(), "malformed_player_line")
    link = _stats_name(night, "220005")
    (stats / link).symlink_to(stats / _stats_name(night, "220003"))
    expected[("stats", link)] = "not_a_regular_file"
    folder = _stats_name(night, "220006")
    (stats / folder).mkdir()
    expected[("stats", folder)] = "not_a_regular_file"
    raw_name = _stats_name(night, "220007").replace("zz_hostile", "zz_h\udcffstile")
    (stats / raw_name).write_bytes((HEADER + _player()).encode())
    assert printable_name(raw_name).endswith("zz_h\\xffstile-round-1.txt")
    expected[("stats", printable_name(raw_name))] = "undecodable_file_name"
    locked = _stats_name(night, "220008")
    (stats / locked).write_bytes((HEADER + _player()).encode())
    (stats / locked).chmod(0)  # unreadable for the run (a child without root's file override)
    expected[("stats", locked)] = "unreadable_file"

    landed_at = datetime(night.year, night.month, night.day, 22, 30, tzinfo=tz).timestamp()
    drops = zone / "webhook_drops"
    bodies = {
        "deep": b'{"content":"STATS_READY","embeds":[' + b"[" * 5000 + b"]" * 5000 + b"]}",
        "surrogate": _stats_ready([{"name": "Map", "value": "\ud800"}]),
        "digits": _stats_ready(
            [
                {"name": "Map", "value": "supply"},
                {"name": "Round", "value": "1"},
                {"name": "Lua_RoundStart", "value": "9" * 5000},
                {"name": "Lua_RoundEnd", "value": "9" * 5000},
            ]
        ),
    }
    for label, body in bodies.items():
        name = f"stats_ready_{sum(label.encode()):064d}.json"
        (drops / name).write_bytes(body)
        os.utime(drops / name, (landed_at, landed_at))
        expected[("webhook", name)] = "malformed_json" if label != "digits" else "wrong_type"
    gametime = zone / "local_gametimes" / "gametime-supply-R1-1.json"
    gametime.write_bytes(b'{"meta":' + b"[" * 4000 + b"]" * 4000 + b"}")
    os.utime(gametime, (landed_at, landed_at))
    expected[("gametime", gametime.name)] = "malformed_json"
    locked_drop = drops / f"stats_ready_{'f' * 64}.json"
    locked_drop.write_bytes(_stats_ready([{"name": "Map", "value": "supply"}]))
    locked_drop.chmod(0)
    os.utime(locked_drop, (landed_at, landed_at))  # filed by its landing time: it is unread
    expected[("webhook", locked_drop.name)] = "unreadable_file"
    locked_prox = (
        zone / "local_proximity" / f"{night:%Y-%m-%d}-220010-zz_hostile-round-1_engagements.txt"
    )
    locked_prox.write_bytes(b"# PROXIMITY_TRACKER_V4\n")
    locked_prox.chmod(0)
    expected[("proximity", locked_prox.name)] = "unreadable_file"
    proximity = (
        zone / "local_proximity" / f"{night:%Y-%m-%d}-220009-zz_hostile-round-1_engagements.txt"
    )
    proximity.write_bytes(b"# PROXIMITY_TRACKER_V4\n# round_end_unix=" + b"9" * 5000 + b"\n")
    expected[("proximity", proximity.name)] = "value_out_of_range"
    return expected


def test_hostile_landing_zone_loses_nothing_else(tmp_path, monkeypatch, warehouse_url) -> None:
    clean = tmp_path / "clean"
    report = generate_landing_zone(clean, seed=7, nights=1)
    hostile = tmp_path / "hostile"
    shutil.copytree(clean, hostile, symlinks=True)
    monkeypatch.setenv("SLOMIX_DATABASE_URL", warehouse_url)
    monkeypatch.setenv("SLOMIX_DATA_DIR", str(clean))
    settings = load_settings()
    acknowledgements = render_acknowledgements(known_losses(report.corpus, settings.server_tz))
    for zone in (clean, hostile):
        (zone / settings.acknowledgements_path.name).write_bytes(acknowledgements)
    days = landed_stats_days(clean, settings)
    expected = _plant_triggers(hostile, days[0], settings.server_tz)
    engine = open_warehouse(warehouse_url)

    with dg.instance_for_test() as instance:
        run = materialize_range(days, instance)
        assert run.success, [g for g in run.gates if not g.passed]
    clean_tables = dump_tables(engine)

    hostile_run = run_unprivileged_range(
        days, {"SLOMIX_DATABASE_URL": warehouse_url, "SLOMIX_DATA_DIR": str(hostile)}
    )
    assert hostile_run["success"], hostile_run["failed_gates"]
    assert hostile_run["blocking_failed"] == []
    hostile_tables = dump_tables(engine)

    files = schema.processed_files
    with engine.connect() as conn:
        rows = {(r.source, r.file_name): r for r in conn.execute(select(files))}
    for key, reason in expected.items():
        assert key in rows, f"{key} has no processed_files row"
        assert rows[key].status == "rejected", (key, rows[key].status, rows[key].reason)
        assert rows[key].reason.startswith(reason), (key, rows[key].reason)
    hostile_names = {name for _, name in expected}
    name_column = list(files.c.keys()).index("file_name")
    hostile_tables["processed_files"] = [
        row for row in hostile_tables["processed_files"] if row[name_column] not in hostile_names
    ]
    assert hostile_tables == clean_tables


@pytest.mark.parametrize("source", ["webhook"])
def test_sensor_cursor_moves_past_an_unreadable_body(tmp_path, source) -> None:
    """The day rule of a folder never raises: an unreadable entry gets its landing-time day."""
    from slomix_pipeline.landing.inventory import LandingStamp, day_resolver

    zone = tmp_path
    folder = zone / "webhook_drops"
    folder.mkdir()
    (folder / "stats_ready_x.json").mkdir()  # reading it raises IsADirectoryError
    rule = day_resolver("webhook_drops", zone, load_settings())
    stamp = LandingStamp("stats_ready_x.json", 0, 1_770_000_000 * 10**9, 1_770_000_000 * 10**9)
    assert rule(stamp) == date(2026, 2, 1)
