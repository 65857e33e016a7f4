"""The webhook client against a real local HTTP server behaving like Discord."""

from __future__ import annotations

import time

import pytest

from slomix_pipeline.publish.discord import (
    DeliveryFailed,
    DeliveryUncertain,
    MessageGone,
    WebhookClient,
    WebhookUrlError,
    parse_webhook_url,
)
from slomix_pipeline.publish.limits import NO_MENTIONS
from slomix_pipeline_tests.publish.fake_discord import TOKEN, WEBHOOK_ID, FakeDiscord

PAYLOAD = {"embeds": [{"title": "t", "description": "d"}], "allowed_mentions": NO_MENTIONS}


def _client(**kw: float) -> WebhookClient:
    kw.setdefault("timeout", 2.0)
    kw.setdefault("backoff_base", 0.05)
    return WebhookClient(**kw)  # type: ignore[arg-type]


def test_execute_answers_the_message_id_and_edit_replaces_it(discord: FakeDiscord) -> None:
    hook = parse_webhook_url(discord.url)
    client = _client()
    mid = client.execute(hook, PAYLOAD)
    assert discord.messages[mid]["embeds"][0]["title"] == "t"
    client.edit(hook, mid, {**PAYLOAD, "embeds": [{"title": "new"}]})
    assert discord.messages[mid]["embeds"][0]["title"] == "new"
    client.delete(hook, mid)
    assert mid not in discord.messages
    with pytest.raises(MessageGone):
        client.edit(hook, mid, PAYLOAD)
    assert ("POST", f"/api/webhooks/{WEBHOOK_ID}/{TOKEN}") in discord.requests


def test_429_waits_retry_after_then_posts_once(discord: FakeDiscord) -> None:
    discord.fault("POST", 429, retry_after=0.3)
    client = _client()
    started = time.monotonic()
    client.execute(parse_webhook_url(discord.url), PAYLOAD)
    assert time.monotonic() - started >= 0.3
    assert client.waited_seconds >= 0.3
    assert discord.count("POST") == 2
    assert len(discord.messages) == 1


def test_a_rate_limit_longer_than_max_wait_gives_up_without_sleeping(discord: FakeDiscord) -> None:
    discord.fault("POST", 429, retry_after=300)
    client = _client(max_wait=5)
    started = time.monotonic()
    with pytest.raises(DeliveryFailed) as err:
        client.execute(parse_webhook_url(discord.url), PAYLOAD)
    assert time.monotonic() - started < 5
    assert err.value.status == 429
    assert not discord.messages


def test_bucket_headers_keep_the_client_under_the_limit(discord: FakeDiscord) -> None:
    discord.bucket_size, discord.bucket_window = 3, 0.4
    hook = parse_webhook_url(discord.url)
    client = _client()
    mid = client.execute(hook, PAYLOAD)
    for i in range(8):
        client.edit(hook, mid, {**PAYLOAD, "embeds": [{"title": f"v{i}"}]})
    assert discord.rate_limited == 0  # waited on Remaining=0 instead of hitting 429
    assert client.waited_seconds > 0
    assert discord.messages[mid]["embeds"][0]["title"] == "v7"


def test_5xx_is_retried_with_backoff(discord: FakeDiscord) -> None:
    hook = parse_webhook_url(discord.url)
    client = _client()
    discord.fault("POST", 502)
    discord.fault("POST", 500)
    mid = client.execute(hook, PAYLOAD)
    assert list(discord.messages) == [mid]
    discord.fault("PATCH", 503)
    client.edit(hook, mid, {**PAYLOAD, "embeds": [{"title": "after 503"}]})
    assert discord.messages[mid]["embeds"][0]["title"] == "after 503"
    for _ in range(3):
        discord.fault("PATCH", 500)
    with pytest.raises(DeliveryFailed):
        _client(max_attempts=3).edit(hook, mid, PAYLOAD)


def test_an_edit_timeout_is_retried(discord: FakeDiscord) -> None:
    hook = parse_webhook_url(discord.url)
    client = _client(timeout=0.3)
    mid = client.execute(hook, PAYLOAD)
    discord.fault("PATCH", "stall", seconds=1.0)
    client.edit(hook, mid, {**PAYLOAD, "embeds": [{"title": "late"}]})
    assert discord.count("PATCH") == 2
    assert discord.messages[mid]["embeds"][0]["title"] == "late"


def test_an_execute_timeout_is_uncertain_and_never_resent(discord: FakeDiscord) -> None:
    discord.fault("POST", "stall", seconds=0.8)
    client = _client(timeout=0.2)
    with pytest.raises(DeliveryUncertain):
        client.execute(parse_webhook_url(discord.url), PAYLOAD)
    deadline = time.monotonic() + 5
    while not discord.messages and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(discord.messages) == 1  # Discord did create it: resending would duplicate
    assert discord.count("POST") == 1


def test_refused_connection_is_retried_then_fails(discord: FakeDiscord) -> None:
    hook = parse_webhook_url(discord.url)
    discord.stop()
    with pytest.raises(DeliveryFailed) as err:
        _client(max_attempts=2).execute(hook, PAYLOAD)
    assert "connection failed" in str(err.value)
    discord.start()  # the fixture stops it again


def test_errors_and_reprs_never_show_the_token(discord: FakeDiscord) -> None:
    bad = parse_webhook_url(discord.url.replace(TOKEN, "wrong-" + TOKEN))
    with pytest.raises(DeliveryFailed) as err:
        _client().execute(bad, PAYLOAD)
    assert err.value.status == 401
    assert TOKEN not in str(err.value) and TOKEN not in repr(bad)
    assert WEBHOOK_ID in repr(bad)


@pytest.mark.parametrize(
    "url",
    [
        "http://discord.com/api/webhooks/1/tok",  # plain http off loopback
        "https://discord.com/api/webhooks/abc/tok",  # id not numeric
        "https://discord.com/api/channels/1/tok",
        "ftp://discord.com/api/webhooks/1/tok",
    ],
)
def test_bad_webhook_urls_are_refused_without_echoing_the_token(url: str) -> None:
    with pytest.raises(WebhookUrlError) as err:
        parse_webhook_url(url)
    assert "tok" not in str(err.value).replace("token", "")


def test_a_discord_url_parses_to_the_api_path() -> None:
    hook = parse_webhook_url("https://discord.com/api/webhooks/123/abc-DEF")
    assert (hook.host, hook.webhook_id, hook.path("?wait=true")) == (
        "discord.com",
        "123",
        "/api/webhooks/123/abc-DEF?wait=true",
    )
