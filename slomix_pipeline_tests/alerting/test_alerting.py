"""Alerting against real local HTTP servers and the real Dagster instance."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import dagster as dg
import pytest

from slomix_pipeline.alerting.model import Alert, AlertLedger
from slomix_pipeline.defs.alerting import alerting_resource, alerting_sensor
from slomix_pipeline_tests.landing.sshd import free_port
from slomix_pipeline_tests.publish.fake_discord import TOKEN, WEBHOOK_ID, FakeDiscord

JSON_TOKEN = "json-hook-secret-token"


class JsonSink:
    """A generic JSON webhook receiver on a free loopback port."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                sink.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(204)
                self.end_headers()

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/{JSON_TOKEN}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sinks(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FakeDiscord, JsonSink]]:
    discord = FakeDiscord().start()
    sink = JsonSink()
    monkeypatch.setenv("SLOMIX_ALERT_DISCORD_WEBHOOK_URLS", discord.url)
    monkeypatch.setenv("SLOMIX_ALERT_WEBHOOK_URLS", sink.url)
    try:
        yield discord, sink
    finally:
        discord.stop()
        sink.stop()


days = dg.StaticPartitionsDefinition(["2026-03-01", "2026-03-02"])


@dg.asset(partitions_def=days)
def gated() -> None:
    return None


@dg.asset_check(asset=gated)
def integrity_gate() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False, description="2 rounds without a Lua link")


@dg.asset_check(asset=gated)
def coverage_gate() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=False, severity=dg.AssetCheckSeverity.WARN, description="Lua coverage 80 %"
    )


@dg.op
def explode() -> None:
    raise RuntimeError("warehouse unreachable")


@dg.job
def failing_job() -> None:
    explode()


def _tick(instance: dg.DagsterInstance, cursor: str | None) -> dg.SensorResult:
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"alerting": alerting_resource()}
    )
    return alerting_sensor(context)


def _gate_run(instance: dg.DagsterInstance, partition: str) -> None:
    dg.materialize(
        [gated, integrity_gate, coverage_gate],
        instance=instance,
        partition_key=partition,
        raise_on_error=False,
    )


def test_failures_and_gates_are_sent_once_a_day_without_leaking_urls(
    sinks: tuple[FakeDiscord, JsonSink],
) -> None:
    discord, sink = sinks
    with dg.instance_for_test() as instance:
        failing_job.execute_in_process(instance=instance, raise_on_error=False)  # history
        first = _tick(instance, None)  # a fresh sensor starts at "now": nothing for history
        assert discord.count("POST") == 0 and sink.bodies == []

        failing_job.execute_in_process(instance=instance, raise_on_error=False)
        _gate_run(instance, "2026-03-01")
        second = _tick(instance, first.cursor)
        kinds = sorted(body["kind"] for body in sink.bodies)
        assert kinds == ["gate_failed", "gate_warning", "run_failure"]
        assert discord.count("POST") == 3
        by_kind = {body["kind"]: body for body in sink.bodies}
        assert "failing_job" in by_kind["run_failure"]["subject"]
        assert "explode" in by_kind["run_failure"]["reason"]
        assert by_kind["gate_failed"]["subject"] == "integrity_gate on gated [2026-03-01]"
        assert by_kind["gate_failed"]["reason"] == "2 rounds without a Lua link"
        assert by_kind["gate_warning"]["reason"] == "Lua coverage 80 %"
        contents = [m.get("content", "") for m in discord.messages.values()]
        assert any("Gate failed" in c and "integrity_gate" in c for c in contents)

        # The same gates failing again on the same partition the same day: not sent again.
        _gate_run(instance, "2026-03-01")
        third = _tick(instance, second.cursor)
        assert len(sink.bodies) == 3 and discord.count("POST") == 3
        # Another partition is another subject.
        _gate_run(instance, "2026-03-02")
        fourth = _tick(instance, third.cursor)
        assert len(sink.bodies) == 5

        for text in (first.cursor, second.cursor, third.cursor, fourth.cursor):
            assert TOKEN not in (text or "") and JSON_TOKEN not in (text or "")
        resource = alerting_resource()
        assert WEBHOOK_ID in resource.destinations
        assert TOKEN not in resource.destinations and JSON_TOKEN not in resource.destinations


def test_the_daily_limit_suppresses_and_counts(
    sinks: tuple[FakeDiscord, JsonSink], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, sink = sinks
    monkeypatch.setenv("SLOMIX_ALERT_MAX_PER_DAY", "2")
    with dg.instance_for_test() as instance:
        cursor = _tick(instance, None).cursor
        for _ in range(3):
            failing_job.execute_in_process(instance=instance, raise_on_error=False)
        result = _tick(instance, cursor)
        assert len(sink.bodies) == 2
        assert AlertLedger.from_json(result.cursor).suppressed == 1


def test_the_ledger_starts_afresh_each_day() -> None:
    ledger = AlertLedger()
    alert = Alert("run_failure", "run x", "boom", "run:x", "2026-03-01")
    assert ledger.admit(alert, 5) == "send"
    assert ledger.admit(alert, 5) == "duplicate"
    next_day = Alert("run_failure", "run x", "boom", "run:x", "2026-03-02")
    assert ledger.admit(next_day, 5) == "send"
    assert AlertLedger.from_json(ledger.to_json()) == ledger
