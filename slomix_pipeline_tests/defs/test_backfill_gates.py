"""Rebuilding a community's whole history in one backfill (issue 10), end to end.

* A fresh warehouse plus one single-run materialization over every sample day, with the losses
  every real server has planted (restart captures, an R2 without Lua, a capped warm-up, a night
  copied with fresh mtimes), succeeds with no acknowledgement file; every day gets its
  sessions; the coverage warnings name each loss with its class.
* Ten days with one bad day (a proximity file landed twice under two names: duplicate natural
  keys, an integrity failure): nine days get their sessions, the bad day is blocked with its
  reason, and the webserver's GraphQL API (what the UI reads) shows per-partition statuses.
* Building the days one at a time, in random orders, gives tables identical to one range run.

SQLite and PostgreSQL warehouses.
"""

from __future__ import annotations

import os
import random
import subprocess
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
import httpx
import pytest
from dagster._core.event_api import PartitionKeyFilter
from dagster._core.instance.ref import InstanceRef
from sqlalchemy import func, select

from slomix_pipeline.config import load_settings
from slomix_pipeline.defs.checks import freshness
from slomix_pipeline.defs.verdicts import INTEGRITY_GATES
from slomix_pipeline.domain import gaming_day
from slomix_pipeline.domain.gates import lua_label
from slomix_pipeline.domain.maps import map_key
from slomix_pipeline.ingest.lua_identity import match_id_of
from slomix_pipeline.landing.zone import PROXIMITY_FOLDER, WEBHOOK_FOLDER
from slomix_pipeline.runner import landed_stats_days, materialize_range, range_tags
from slomix_pipeline.sample_data import generate_landing_zone
from slomix_pipeline.sample_data.backfill_cases import (
    IMPORT_DELAY_S,
    night_files,
    plan_backfill_cases,
    write_backfill_cases,
)
from slomix_pipeline.sample_data.generate import GenerationReport, default_renderers
from slomix_pipeline.warehouse import schema, schema_sessions
from slomix_pipeline.warehouse.engine import open_warehouse
from slomix_pipeline_tests.landing.sshd import free_port
from slomix_pipeline_tests.tabledump import dump_tables

REPO_ROOT = Path(__file__).resolve().parents[2]
WEBSERVER = REPO_ROOT / ".venv" / "bin" / "dagster-webserver"


def _generate(zone: Path, nights: int) -> GenerationReport:
    renderers = (*default_renderers(), write_backfill_cases)
    return generate_landing_zone(zone, seed=7, nights=nights, extra_renderers=renderers)


def _env(monkeypatch: pytest.MonkeyPatch, zone: Path, url: str) -> None:
    monkeypatch.setenv("SLOMIX_DATA_DIR", str(zone))
    monkeypatch.setenv("SLOMIX_DATABASE_URL", url)


def _latest(instance: dg.DagsterInstance, asset: str, check: str, day: date) -> Any:
    key = dg.AssetCheckKey(dg.AssetKey(asset), check)
    records = instance.event_log_storage.get_latest_asset_check_execution_by_key(
        [key], partition_filter=PartitionKeyFilter(key=day.isoformat())
    )
    return records[key].evaluation


def _failure_rows(evaluation: Any) -> set[tuple[str, str]]:
    from slomix_pipeline_tests.defs.test_checks import failure_rows

    return failure_rows(evaluation)


def _sessions_per_day(url: str) -> dict[date, int]:
    gs = schema_sessions.gaming_sessions
    with open_warehouse(url).connect() as conn:
        rows = conn.execute(select(gs.c.gaming_day, func.count()).group_by(gs.c.gaming_day))
        return {day: int(n) for day, n in rows}


def test_whole_history_backfill_needs_no_acknowledgement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warehouse_url: str
) -> None:
    zone = tmp_path / "zone"
    report = _generate(zone, nights=3)
    _env(monkeypatch, zone, warehouse_url)
    settings = load_settings()
    assert not settings.acknowledgements_path.exists()
    cases = plan_backfill_cases(report.corpus)
    assert len(cases.restart_captures) == 3 and cases.r2_without_lua and cases.capped_warmups
    days = landed_stats_days(zone, settings)
    with dg.instance_for_test() as instance:
        run = materialize_range(days, instance)
        assert run.success
        assert _sessions_per_day(warehouse_url).keys() == set(days)
        materialized = instance.get_materialized_partitions(dg.AssetKey("session_aggregates"))
        assert materialized == {d.isoformat() for d in days}

        classes: dict[tuple[str, str], date] = {}
        for day in days:
            assert _latest(instance, "linked_rounds", "ws1_lua_links", day).passed
            coverage = _latest(instance, "linked_rounds", "ws1_lua_coverage", day)
            assert coverage.severity == dg.AssetCheckSeverity.WARN
            classes.update({row: day for row in _failure_rows(coverage)})
        tz = settings.server_tz
        for day, spec in cases.restart_captures:
            label = lua_label(
                match_id_of(spec.round_end_unix, tz), map_key(spec.map_name), spec.round_number
            )
            assert classes[(label, "restart_capture")] == day
        for day, key in cases.r2_without_lua:
            assert classes[(key, "r2_lua_race")] == day
        for missing in report.missing_r1_files:
            assert any(
                reason == "stats_file_missing"
                and f"{map_key(missing.split('-round-')[0][18:])}-R1" in subject
                for subject, reason in classes
            )
        # The capped warm-up links and passes the integrity gate, counted as a cap shift.
        for day, _key, _spec in cases.capped_warmups:
            links = _latest(instance, "linked_rounds", "ws1_lua_links", day)
            assert links.metadata["coverage/start_cap_shifts"].value >= 1
        # Historical days: freshness passes and says why.
        verdicts = {g.check: g for g in run.gates}
        assert verdicts["stats_freshness"].passed
        assert "live day" in verdicts["stats_freshness"].description

    # A round without Lua keeps the stats file's timing and winner, marked as such.
    rl = schema_sessions.round_links
    with open_warehouse(warehouse_url).connect() as conn:
        sources = {
            r.round_key: (r.duration_source, r.winner_source, r.lua_round_id)
            for r in conn.execute(
                select(rl.c.round_key, rl.c.duration_source, rl.c.winner_source, rl.c.lua_round_id)
            )
        }
    for _day, key in cases.r2_without_lua:
        duration_source, winner_source, lua_id = sources[key]
        assert lua_id is None and "lua" not in duration_source and "lua" not in winner_source

    # The night copied with fresh mtimes: every file, its webhook reject included, is filed
    # on the night it belongs to, and its landing time stays what it is.
    fresh = cases.fresh_mtime_day
    assert fresh is not None
    pf = schema.processed_files
    with open_warehouse(warehouse_url).connect() as conn:
        rows = conn.execute(select(pf.c.source, pf.c.file_name, pf.c.gaming_day, pf.c.status))
        filed = {(r.source, r.file_name): (r.gaming_day, r.status) for r in rows}
    webhook_rejects = [k for k, v in filed.items() if k[0] == "webhook" and v[1] == "rejected"]
    assert webhook_rejects and all(filed[k][0] == fresh for k in webhook_rejects)
    late = (max(r.round_end_unix for r in report.corpus.rounds) + IMPORT_DELAY_S) * 10**9
    night = night_files(report.corpus, zone, fresh)
    assert night and all(p.stat().st_mtime_ns == late for p in night)
    assert any(p.parent.name == WEBHOOK_FOLDER for p in night)


def _one_bad_day(zone: Path) -> tuple[list[date], date]:
    _generate(zone, nights=10)
    days = landed_stats_days(zone, load_settings())
    bad = days[4]
    folder = zone / PROXIMITY_FOLDER
    original = sorted(p for p in folder.iterdir() if p.name.startswith(bad.isoformat()))[0]
    # The same round landed twice under two names, re-exported with one more blank line (so
    # not a byte-identical copy, which would be quarantined as a duplicate payload): its rows
    # would be counted twice downstream, an integrity failure (WS1C-003).
    (folder / f"copy-of-{original.name}").write_bytes(original.read_bytes() + b"\n")
    return days, bad


def _instance_home(tmp_path: Path) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return home


@pytest.fixture
def bad_day_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warehouse_url: str
) -> Iterator[tuple[Path, Path, str, list[date], date, Any]]:
    zone = tmp_path / "zone"
    days, bad = _one_bad_day(zone)
    _env(monkeypatch, zone, warehouse_url)
    home = _instance_home(tmp_path)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        run = materialize_range(days, instance)
        yield zone, home, warehouse_url, days, bad, (instance, run)


def test_one_bad_day_blocks_only_itself(bad_day_run) -> None:  # type: ignore[no-untyped-def]
    zone, _home, url, days, bad, (instance, run) = bad_day_run
    assert len(days) == 10
    assert not run.success  # truthful: one day is blocked
    sessions = _sessions_per_day(url)
    assert sessions.keys() == set(days) - {bad}
    materialized = instance.get_materialized_partitions(dg.AssetKey("session_aggregates"))
    assert materialized == {d.isoformat() for d in days if d != bad}
    failed = _latest(instance, "proximity_engagements", "ws1c_unique_keys", bad)
    assert not failed.passed and failed.severity == dg.AssetCheckSeverity.ERROR
    assert {r for _, r in _failure_rows(failed)} == {"duplicate_natural_key"}
    for day in days:
        if day != bad:
            assert _latest(instance, "proximity_engagements", "ws1c_unique_keys", day).passed
    # The blocked day is named with its gate and reason in the step failure.
    failures = [
        e.dagster_event
        for e in instance.all_logs(run.run_id)
        if e.dagster_event and e.dagster_event.is_step_failure
    ]
    (failure,) = failures
    text = str(failure.event_specific_data)
    assert f"{bad}: ws1c_unique_keys" in text and "duplicate_natural_key" in text
    # Recovery: the duplicate is removed, the day runs again and gets its sessions.
    (copy,) = (zone / PROXIMITY_FOLDER).glob("copy-of-*")
    copy.unlink()
    again = materialize_range([bad], instance)
    assert again.success
    assert _sessions_per_day(url).keys() == set(days)


_GRAPHQL = """
{ assetNodes(assetKeys: [{path: ["session_aggregates"]}, {path: ["proximity_engagements"]}]) {
    assetKey { path }
    assetMaterializations { partition metadataEntries { label
      ... on TextMetadataEntry { text } ... on IntMetadataEntry { intValue } } }
    assetPartitionStatuses { ... on TimePartitionStatuses { ranges { startKey endKey status } } }
    assetChecksOrError { ... on AssetChecks { checks { name partitionStatuses {
      ... on AssetCheckTimePartitionStatuses { ranges { startKey endKey status } } } } } }
  }
  runsOrError { ... on Runs { results { runId jobName status tags { key value } } } }
  repositoriesOrError { ... on RepositoryConnection { nodes { jobs { name } } } }
}
"""


def _graphql(port: int, proc: subprocess.Popen, deadline: float) -> dict[str, Any]:
    """POST the query until the webserver has loaded the code location (poll, no sleeps)."""
    last: Any = None
    while time.monotonic() < deadline:
        assert proc.poll() is None, "dagster-webserver exited"
        try:
            answer = httpx.post(
                f"http://127.0.0.1:{port}/graphql", json={"query": _GRAPHQL}, timeout=30
            ).json()
        except httpx.TransportError as exc:
            last = exc
        else:
            nodes = (answer.get("data") or {}).get("assetNodes")
            if nodes:
                return answer["data"]
            last = answer
        time.sleep(0.5)  # poll interval while the server starts, not a synchronisation
    raise AssertionError(f"webserver did not answer in time: {last}")


def _statuses(ranges: list[dict[str, str]]) -> dict[str, str]:
    """Expand {startKey, endKey, status} ranges of daily partitions into day -> status."""
    out = {}
    for r in ranges:
        first, last = date.fromisoformat(r["startKey"]), date.fromisoformat(r["endKey"])
        for day in gaming_day.days_in_range(first, last):
            out[day.isoformat()] = r["status"]
    return out


def test_per_partition_status_through_the_webservers_graphql(bad_day_run) -> None:  # type: ignore[no-untyped-def]
    _zone, home, _url, days, bad, _ = bad_day_run
    port = free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    log = (home / "webserver.log").open("wb")
    proc = subprocess.Popen(
        [str(WEBSERVER), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        data = _graphql(port, proc, time.monotonic() + 240)
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=60)
        log.close()
    nodes = {"/".join(n["assetKey"]["path"]): n for n in data["assetNodes"]}
    sessions = _statuses(nodes["session_aggregates"]["assetPartitionStatuses"]["ranges"])
    good = {d.isoformat() for d in days if d != bad}
    assert {d for d, s in sessions.items() if s == "MATERIALIZED"} == good
    assert sessions[bad.isoformat()] == "FAILED"
    checks = {
        c["name"]: _statuses(c["partitionStatuses"]["ranges"])
        for c in nodes["proximity_engagements"]["assetChecksOrError"]["checks"]
    }
    keys = checks["ws1c_unique_keys"]
    assert keys[bad.isoformat()] == "FAILED"
    assert {d for d, s in keys.items() if s == "SUCCEEDED"} == good
    assert len(checks["ws1c_proximity_links"]) == len(days)  # every day has its verdict
    # Each day's materialization describes that day only.
    for event in nodes["session_aggregates"]["assetMaterializations"]:
        meta = {e["label"]: e.get("text", e.get("intValue")) for e in event["metadataEntries"]}
        assert meta["day"] == event["partition"] and meta["day_rows/gaming_sessions"] >= 1
        assert "sessions_found" not in meta  # no range-wide figure copied onto every day
    assert {e["partition"] for e in nodes["session_aggregates"]["assetMaterializations"]} == good
    # The backfill is a run of a job the workspace holds, over the range: re-executable.
    (run,) = data["runsOrError"]["results"]
    jobs = {j["name"] for repo in data["repositoriesOrError"]["nodes"] for j in repo["jobs"]}
    assert run["jobName"] == "__ASSET_JOB" and run["jobName"] in jobs
    assert run["status"] == "FAILURE"
    tags = {t["key"]: t["value"] for t in run["tags"]}
    assert tags["dagster/asset_partition_range_start"] == days[0].isoformat()
    assert tags["dagster/asset_partition_range_end"] == days[-1].isoformat()


def test_days_one_at_a_time_in_random_orders_equal_one_range_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warehouse_url: str
) -> None:
    zone = tmp_path / "zone"
    _generate(zone, nights=3)
    reference_url = f"sqlite:///{tmp_path / 'reference.sqlite'}"
    _env(monkeypatch, zone, reference_url)
    days = landed_stats_days(zone, load_settings())
    with dg.instance_for_test() as instance:
        assert materialize_range(days, instance).success
    reference = dump_tables(open_warehouse(reference_url))
    assert reference["gaming_sessions"]
    _env(monkeypatch, zone, warehouse_url)
    rng = random.Random(1010)
    with dg.instance_for_test() as instance:
        for _ in range(2):
            for day in rng.sample(days, len(days)):
                assert materialize_range([day], instance).success
            assert dump_tables(open_warehouse(warehouse_url)) == reference


def test_freshness_passes_a_historical_run_and_judges_the_live_day(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tags = range_tags(date(2026, 2, 10), date(2026, 2, 12))
    assert freshness.run_partition_days(tags) == (date(2026, 2, 10), date(2026, 2, 12))
    assert freshness.run_partition_days({"dagster/partition": "2026-02-11"}) == (
        date(2026, 2, 11),
        date(2026, 2, 11),
    )
    assert freshness.run_partition_days({}) is None  # the schedule's job: judged
    monkeypatch.setenv("SLOMIX_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("SLOMIX_FRESHNESS_ACTIVE_HOURS", "00:00-24:00")
    from slomix_pipeline.definitions import defs

    definitions = defs()
    job = definitions.resolve_job_def("stats_freshness_job")
    with dg.instance_for_test() as instance:
        judged = job.execute_in_process(instance=instance)
        historical = job.execute_in_process(instance=instance, tags=tags)
    (live,) = judged.get_asset_check_evaluations()
    assert not live.passed  # nothing stored, inside the active hours: the live day is judged
    (past,) = historical.get_asset_check_evaluations()
    assert past.passed and past.description.startswith("Historical run (2026-02-10..2026-02-12)")


def test_integrity_gates_are_the_blocking_checks_upstream_of_session_aggregates() -> None:
    from slomix_pipeline.definitions import defs

    definitions = defs()
    graph = definitions.resolve_asset_graph()
    upstream = graph.get(dg.AssetKey("session_aggregates")).parent_keys
    seen = set()
    todo = list(upstream)
    while todo:
        key = todo.pop()
        if key not in seen:
            seen.add(key)
            todo.extend(graph.get(key).parent_keys)
    blocking = {
        key
        for checks in definitions.asset_checks or []
        for key in checks.check_keys
        if key.asset_key in seen and checks.get_spec_for_check_key(key).blocking
    }
    assert blocking == set(INTEGRITY_GATES)


def test_partitions_start_where_the_data_starts(tmp_path: Path) -> None:
    from slomix_pipeline.defs.partitions import first_partition_day

    zone = tmp_path / "zone"
    env = {"SLOMIX_DATA_DIR": str(zone)}
    settings = load_settings(env)
    today = gaming_day.gaming_day_of_epoch(
        gaming_day.utc_now_epoch(), settings.server_tz, settings.day_start_hour
    )
    assert first_partition_day(settings) == today  # nothing landed: no history to show
    stats = zone / "local_stats"
    stats.mkdir(parents=True)
    (stats / "2026-03-04-013000-supply-round-1.txt").write_bytes(b"x")  # 01:30: the 3rd's night
    (stats / "2026-03-05-211500-radar-round-1.txt").write_bytes(b"x")
    (stats / "notes.txt").write_bytes(b"x")
    assert first_partition_day(load_settings(env)) == date(2026, 3, 3)
    pinned = load_settings({**env, "SLOMIX_PARTITION_START": "2025-12-01"})
    assert first_partition_day(pinned) == date(2025, 12, 1)
