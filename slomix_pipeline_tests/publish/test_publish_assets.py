"""The ``discord_*_posts`` assets and their sensor, on a real ingested sample night, against the
local Discord: one post per round / map / session, nothing on a re-run, edits after a change,
gates and the live-day rule respected, a Discord outage never failing the run."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import func, select, update

from slomix_pipeline.config import load_settings
from slomix_pipeline.defs.publish.assets import DELIVERY_CHECK, discord_posts
from slomix_pipeline.defs.publish.sensor import discord_publish_sensor
from slomix_pipeline.defs.resources import WarehouseResource
from slomix_pipeline.defs.tables import table_text
from slomix_pipeline.formats.acknowledgements import render_acknowledgements
from slomix_pipeline.publish import ledger
from slomix_pipeline.runner import landed_stats_days, materialize_range
from slomix_pipeline.sample_data import generate_landing_zone
from slomix_pipeline.sample_data.acknowledgements import known_losses
from slomix_pipeline.warehouse.engine import open_warehouse
from slomix_pipeline.warehouse.schema_sessions import (
    gaming_sessions,
    map_summaries,
    session_round_graphs,
    session_rounds,
)
from slomix_pipeline_tests.publish.fake_discord import TOKEN, FakeDiscord


def _ingest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, instance, acknowledge: bool = True
) -> date:
    zone = tmp_path / "zone"
    report = generate_landing_zone(zone, seed=7, nights=1)
    monkeypatch.setenv("SLOMIX_DATA_DIR", str(zone))
    monkeypatch.setenv("SLOMIX_DATABASE_URL", url)
    settings = load_settings()
    if acknowledge:
        losses = known_losses(report.corpus, settings.server_tz)
        settings.acknowledgements_path.write_bytes(render_acknowledgements(losses))
    (day,) = landed_stats_days(zone, settings)
    run = materialize_range([day], instance)
    assert run.success == acknowledge
    return day


def _publish(instance, url: str, **config: object) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [discord_posts],
        instance=instance,
        resources={"warehouse": WarehouseResource(database_url=url)},
        run_config={"ops": {"discord_posts": {"config": config}}},
    )


def _metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict:
    (event,) = [m for m in result.get_asset_materialization_events() if m.asset_key.path == [asset]]
    return event.materialization.metadata


def _expected(url: str, day: date) -> tuple[int, int, int]:
    with open_warehouse(url).connect() as conn:
        rounds = conn.scalar(
            select(func.count())
            .select_from(session_rounds)
            .where(session_rounds.c.round_gaming_day == day, session_rounds.c.counted)
        )
        maps = conn.scalar(
            select(func.count())
            .select_from(map_summaries)
            .where(map_summaries.c.gaming_day == day, map_summaries.c.completeness == "complete")
        )
        sessions = conn.scalar(
            select(func.count())
            .select_from(gaming_sessions)
            .where(gaming_sessions.c.gaming_day == day)
        )
    return rounds, maps, sessions


@pytest.fixture
def instance():
    with dg.instance_for_test() as inst:
        yield inst


def test_replay_posts_once_then_nothing_then_edits_what_changed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    warehouse_url: str,
    instance,
    discord: FakeDiscord,
) -> None:
    day = _ingest(tmp_path, monkeypatch, warehouse_url, instance)
    monkeypatch.setenv("SLOMIX_DISCORD_WEBHOOK_URLS", discord.url)
    rounds, maps, sessions = _expected(warehouse_url, day)
    assert rounds >= 8 and maps >= 3 and sessions >= 1

    first = _publish(instance, warehouse_url, days=[day.isoformat()])
    assert first.success
    assert len(discord.messages) == rounds + maps + sessions  # one message per post
    assert discord.count("POST") == rounds + maps + sessions
    assert discord.pings == 0 and discord.rate_limited == 0
    rows = ledger.read_all(open_warehouse(warehouse_url))
    assert {r.state for r in rows} == {"posted"} and len(rows) == len(discord.messages)
    meta = _metadata(first, "discord_round_posts")
    assert meta["outcomes"].value == {"posted": rounds}
    assert "Team A" in meta["preview"].value and "Timing:" in meta["preview"].value
    assert _metadata(first, "discord_session_posts")["outcomes"].value == {"posted": sessions}
    every_value = json.dumps(
        [
            str(v.value)
            for m in first.get_asset_materialization_events()
            for v in m.materialization.metadata.values()
        ]
    )
    assert TOKEN not in every_value and discord.url not in every_value
    for check in first.get_asset_check_evaluations():
        assert check.check_name == DELIVERY_CHECK and check.passed

    sent = len(discord.requests)
    again = _publish(instance, warehouse_url, days=[day.isoformat()])
    assert again.success and len(discord.requests) == sent  # nothing changed: nothing sent
    assert _metadata(again, "discord_map_posts")["outcomes"].value == {"unchanged": maps}

    # A late correction of one player's kills in one round (what a re-run after a late file
    # writes): that round's post and its map play's post are edited, nothing is posted.
    engine = open_warehouse(warehouse_url)
    with engine.begin() as conn:
        target = conn.execute(
            select(session_round_graphs.c.round_id, session_round_graphs.c.player_guid)
            .where(
                session_round_graphs.c.gaming_day == day, session_round_graphs.c.round_number == 2
            )
            .order_by(session_round_graphs.c.round_order, session_round_graphs.c.player_guid)
            .limit(1)
        ).one()
        conn.execute(
            update(session_round_graphs)
            .where(
                session_round_graphs.c.round_id == target.round_id,
                session_round_graphs.c.player_guid == target.player_guid,
            )
            .values(kills=session_round_graphs.c.kills + 50)
        )
    edited = _publish(instance, warehouse_url, days=[day.isoformat()])
    assert edited.success
    assert discord.count("POST") == rounds + maps + sessions  # still no new message
    assert discord.count("PATCH") == 2  # the round post and its map post
    assert _metadata(edited, "discord_round_posts")["outcomes"].value == {
        "edited": 1,
        "unchanged": rounds - 1,
    }


def test_history_is_not_posted_unless_the_operator_asks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_url: str, instance, discord: FakeDiscord
) -> None:
    day = _ingest(tmp_path, monkeypatch, sqlite_url, instance)
    monkeypatch.setenv("SLOMIX_DISCORD_WEBHOOK_URLS", discord.url)
    live = _publish(instance, sqlite_url)
    assert live.success and not discord.requests  # the sample night is history
    meta = _metadata(live, "discord_round_posts")
    assert day.isoformat() not in meta["days"].value
    assert meta["days_rule"].value.startswith("live days")

    dry = _publish(instance, sqlite_url, allow_history=True, dry_run=True)
    assert (
        not discord.requests
        and "Map complete" in _metadata(dry, "discord_map_posts")["preview"].value
    )
    monkeypatch.setenv("SLOMIX_DISCORD_PUBLISH_HISTORY", "1")
    assert _publish(instance, sqlite_url).success
    assert len(discord.messages) == sum(_expected(sqlite_url, day))


def test_a_day_whose_gate_failed_is_held_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_url: str, instance, discord: FakeDiscord
) -> None:
    day = _ingest(tmp_path, monkeypatch, sqlite_url, instance)
    # An integrity failure (a loss would only warn): one proximity round landed twice under two
    # names, so its rows would be counted twice (WS1C unique keys).
    folder = load_settings().data_dir / "local_proximity"
    original = sorted(folder.glob(f"{day.isoformat()}*"))[0]
    (folder / f"copy-of-{original.name}").write_bytes(original.read_bytes() + b"\n")
    assert not materialize_range([day], instance).success  # WS1C fails on the latest data
    monkeypatch.setenv("SLOMIX_DISCORD_WEBHOOK_URLS", discord.url)
    result = _publish(instance, sqlite_url, days=[day.isoformat()])
    assert result.success and not discord.requests
    held = table_text(_metadata(result, "discord_round_posts")["held"])
    assert "ws1c_unique_keys failed" in held


def test_a_discord_outage_never_fails_the_run_and_the_next_run_catches_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_url: str, instance, discord: FakeDiscord
) -> None:
    day = _ingest(tmp_path, monkeypatch, sqlite_url, instance)
    monkeypatch.setenv("SLOMIX_DISCORD_WEBHOOK_URLS", discord.url)
    monkeypatch.setenv("SLOMIX_DISCORD_MAX_ATTEMPTS", "1")
    discord.stop()
    down = _publish(instance, sqlite_url, days=[day.isoformat()])
    assert down.success
    checks = {c.asset_key.path[0]: c for c in down.get_asset_check_evaluations()}
    assert not checks["discord_round_posts"].passed
    assert checks["discord_round_posts"].severity == dg.AssetCheckSeverity.WARN
    assert isinstance(_metadata(down, "discord_round_posts")["next_publish_unix"].value, int)
    discord.start()
    assert _publish(instance, sqlite_url, days=[day.isoformat()]).success
    assert len(discord.messages) == sum(_expected(sqlite_url, day))


def test_the_sensor_requests_a_run_when_the_gated_tables_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_url: str, instance, discord: FakeDiscord
) -> None:
    from slomix_pipeline.definitions import defs

    location = defs()
    context = dg.build_sensor_context(instance=instance, definitions=location)
    assert discord_publish_sensor(context).skip_reason is not None  # no webhook: off
    monkeypatch.setenv("SLOMIX_DISCORD_WEBHOOK_URLS", discord.url)
    idle = discord_publish_sensor(dg.build_sensor_context(instance=instance, definitions=location))
    (first,) = idle.run_requests  # first tick: nothing known yet
    _ingest(tmp_path, monkeypatch, sqlite_url, instance)
    context = dg.build_sensor_context(instance=instance, definitions=location, cursor=idle.cursor)
    changed = discord_publish_sensor(context)
    (request,) = changed.run_requests
    assert request.run_key != first.run_key and request.run_key.startswith("upstream:")
    context = dg.build_sensor_context(
        instance=instance, definitions=location, cursor=changed.cursor
    )
    assert discord_publish_sensor(context).run_requests == []


def test_the_sensor_retries_a_failed_delivery_when_its_time_has_come(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_url: str, instance, discord: FakeDiscord
) -> None:
    import slomix_pipeline.defs.publish.sensor as sensor_module
    from slomix_pipeline.definitions import defs

    day = _ingest(tmp_path, monkeypatch, sqlite_url, instance)
    monkeypatch.setenv("SLOMIX_DISCORD_WEBHOOK_URLS", discord.url)
    monkeypatch.setenv("SLOMIX_DISCORD_MAX_ATTEMPTS", "1")
    location = defs()
    seen = discord_publish_sensor(dg.build_sensor_context(instance=instance, definitions=location))
    discord.stop()
    down = _publish(instance, sqlite_url, days=[day.isoformat()])
    due = _metadata(down, "discord_round_posts")["next_publish_unix"].value
    context = dg.build_sensor_context(instance=instance, definitions=location, cursor=seen.cursor)
    assert discord_publish_sensor(context).run_requests == []  # not yet
    monkeypatch.setattr(sensor_module, "utc_now_epoch", lambda: due)  # the clock reaches it
    (request,) = discord_publish_sensor(context).run_requests
    assert request.run_key == f"due:{due}"
