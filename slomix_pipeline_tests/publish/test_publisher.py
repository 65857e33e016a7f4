"""Exactly-once publishing against the local Discord: post once, edit on change, no duplicate
after a kill between the post and the ledger write. SQLite and PostgreSQL ledgers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from slomix_pipeline.publish import ledger
from slomix_pipeline.publish.discord import WebhookClient, parse_webhook_url
from slomix_pipeline.publish.publisher import (
    DELETED,
    EDITED,
    FAILED,
    GONE,
    HELD,
    POSTED,
    UNCERTAIN,
    UNCHANGED,
    Publisher,
    PublishOptions,
)
from slomix_pipeline.warehouse.engine import open_warehouse
from slomix_pipeline_tests.publish.crash_worker import DAY, sample_post
from slomix_pipeline_tests.publish.fake_discord import FakeDiscord

REPO = Path(__file__).resolve().parents[2]


def _publisher(url: str, **options: object) -> Publisher:
    client = WebhookClient(timeout=2.0, backoff_base=0.05, max_attempts=3)
    return Publisher(open_warehouse(url), client, PublishOptions(**options))  # type: ignore[arg-type]


def _actions(outcomes) -> list[str]:  # type: ignore[no-untyped-def]
    return [o.action for o in outcomes]


def test_posts_once_then_nothing_then_edits_on_change(
    discord: FakeDiscord, warehouse_url: str
) -> None:
    hook = parse_webhook_url(discord.url)
    publisher = _publisher(warehouse_url)
    assert _actions(publisher.publish(hook, sample_post("v1"), DAY)) == [POSTED]
    (message_id,) = discord.messages
    sent = len(discord.requests)
    assert _actions(publisher.publish(hook, sample_post("v1"), DAY)) == [UNCHANGED]
    assert len(discord.requests) == sent  # nothing sent at all
    assert _actions(publisher.publish(hook, sample_post("v2"), DAY)) == [EDITED]
    assert list(discord.messages) == [message_id]
    assert discord.messages[message_id]["embeds"][0]["title"] == "v2"
    (row,) = ledger.read_all(open_warehouse(warehouse_url))
    assert (row.state, row.message_id, row.attempts) == ("posted", message_id, 1)
    assert row.nonce in discord.messages[message_id]["embeds"][-1]["footer"]["text"]


def test_a_kill_between_post_and_ledger_write_never_duplicates(
    discord: FakeDiscord, warehouse_url: str, tmp_path: Path
) -> None:
    """The worker's execute reaches Discord (the message exists) and is SIGKILLed before the
    answer comes back: the ledger holds only the intent. The next run must not post again."""
    discord.fault("POST", "hold")
    open_warehouse(warehouse_url)  # migrate first: the worker only publishes
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "slomix_pipeline_tests.publish.crash_worker",
            warehouse_url,
            discord.url,
            "v1",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not discord.messages and time.monotonic() < deadline:
            assert worker.poll() is None, worker.communicate()
            time.sleep(0.05)
        assert len(discord.messages) == 1
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
    engine = open_warehouse(warehouse_url)
    (row,) = ledger.read_all(engine)
    assert (row.state, row.message_id) == ("sending", None)  # intent only

    hook = parse_webhook_url(discord.url)
    outcomes = _publisher(warehouse_url).publish(hook, sample_post("v1"), DAY)
    assert _actions(outcomes) == [HELD]
    assert f"ref {row.nonce}" in outcomes[0].detail
    assert discord.count("POST") == 1 and len(discord.messages) == 1  # no duplicate
    assert _actions(_publisher(warehouse_url).publish(hook, sample_post("v1"), DAY)) == [HELD]
    assert discord.count("POST") == 1

    # The operator finds the message by its ref and adopts it: later changes edit it.
    (found,) = [
        mid
        for mid, m in discord.messages.items()
        if f"ref {row.nonce}" in m["embeds"][-1]["footer"]["text"]
    ]
    adopted = _publisher(warehouse_url, adopt={row.nonce: found})
    assert _actions(adopted.publish(hook, sample_post("v2"), DAY)) == [EDITED]
    assert discord.count("POST") == 1 and list(discord.messages) == [found]
    assert discord.messages[found]["embeds"][0]["title"] == "v2"
    assert _actions(_publisher(warehouse_url).publish(hook, sample_post("v2"), DAY)) == [UNCHANGED]


def test_repost_uncertain_is_an_explicit_operator_choice(
    discord: FakeDiscord, sqlite_url: str
) -> None:
    hook = parse_webhook_url(discord.url)
    discord.fault("POST", "stall", seconds=1.0)
    publisher = Publisher(open_warehouse(sqlite_url), WebhookClient(timeout=0.2))
    assert _actions(publisher.publish(hook, sample_post("v1"), DAY)) == [UNCERTAIN]
    assert _actions(publisher.publish(hook, sample_post("v1"), DAY)) == [HELD]
    deadline = time.monotonic() + 5
    while len(discord.messages) < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    discord.messages.clear()  # the operator looked: the message is not in the channel
    reposter = _publisher(sqlite_url, repost_uncertain=True)
    assert _actions(reposter.publish(hook, sample_post("v1"), DAY)) == [POSTED]
    assert len(discord.messages) == 1


def test_an_outage_fails_softly_and_the_next_run_posts(
    discord: FakeDiscord, warehouse_url: str
) -> None:
    hook = parse_webhook_url(discord.url)
    discord.stop()
    publisher = _publisher(warehouse_url)
    assert _actions(publisher.publish(hook, sample_post("v1"), DAY)) == [FAILED]
    (row,) = ledger.read_all(open_warehouse(warehouse_url))
    assert row.state == "failed" and "connection failed" in (row.last_error or "")
    discord.start()
    assert _actions(publisher.publish(hook, sample_post("v1"), DAY)) == [POSTED]
    assert len(discord.messages) == 1
    for _ in range(3):
        discord.fault("PATCH", 500)
    assert _actions(publisher.publish(hook, sample_post("v2"), DAY)) == [FAILED]
    assert _actions(publisher.publish(hook, sample_post("v2"), DAY)) == [EDITED]


def test_a_message_deleted_in_discord_is_not_reposted(
    discord: FakeDiscord, sqlite_url: str
) -> None:
    hook = parse_webhook_url(discord.url)
    publisher = _publisher(sqlite_url)
    publisher.publish(hook, sample_post("v1"), DAY)
    discord.messages.clear()  # a moderator deleted it
    assert _actions(publisher.publish(hook, sample_post("v2"), DAY)) == [GONE]
    assert _actions(publisher.publish(hook, sample_post("v3"), DAY)) == [GONE]
    assert discord.count("POST") == 1


def test_a_post_that_shrinks_deletes_its_surplus_message(
    discord: FakeDiscord, sqlite_url: str
) -> None:
    hook = parse_webhook_url(discord.url)
    publisher = _publisher(sqlite_url)
    big = replace(sample_post("big"), sections=sample_post("x", lines=1).sections * 1)
    long_lines = tuple("z" * 1000 for _ in range(12))
    from slomix_pipeline.publish.embeds import Section

    big = replace(big, sections=(Section("A", long_lines), Section("B", long_lines)))
    first = publisher.publish(hook, big, DAY)
    assert _actions(first).count(POSTED) >= 2 and len(discord.messages) >= 2
    small = publisher.publish(hook, sample_post("small"), DAY)
    assert _actions(small)[0] == EDITED and set(_actions(small)[1:]) == {DELETED}
    assert len(discord.messages) == 1


def test_only_one_publishing_run_at_a_time(warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    with (
        ledger.exclusive(engine),
        pytest.raises(ledger.PublishBusy),
        ledger.exclusive(open_warehouse(warehouse_url)),
    ):
        pass  # pragma: no cover
    with ledger.exclusive(engine):  # released: free again
        pass
