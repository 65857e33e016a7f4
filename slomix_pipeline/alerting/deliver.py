"""Deliver alerts: Discord webhooks (the publishing client) and generic JSON webhooks.

Webhook URLs are secrets: errors name a Discord webhook by id and a JSON webhook by its host,
never the full URL, and nothing here logs a URL.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from slomix_pipeline.alerting.model import Alert
from slomix_pipeline.publish.discord import DiscordError, Webhook, WebhookClient
from slomix_pipeline.settings_model import SettingsError

USER_AGENT = "slomix-pipeline-alerting/1"


@dataclass(frozen=True, slots=True)
class JsonWebhook:
    """A generic webhook receiving ``{"kind", "subject", "reason", "day", "source"}`` by POST."""

    url: str

    def __repr__(self) -> str:  # never the path or query (they often carry a token)
        return f"JsonWebhook(host={urlsplit(self.url).hostname})"

    __str__ = __repr__


def parse_json_webhooks(
    raw: str, key: str = "SLOMIX_ALERT_WEBHOOK_URLS"
) -> tuple[JsonWebhook, ...]:
    """URLs separated by commas or blanks; http(s) only."""
    hooks = []
    for index, url in enumerate(u for u in raw.replace(",", " ").split() if u):
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise SettingsError(f"{key}: URL #{index + 1} is not an http(s) URL")
        hooks.append(JsonWebhook(url))
    return tuple(hooks)


def payload(alert: Alert) -> dict[str, str]:
    return {
        "source": "slomix_pipeline",
        "kind": alert.kind,
        "subject": alert.subject,
        "reason": alert.reason,
        "day": alert.day,
    }


def send(
    alert: Alert,
    discord: Sequence[Webhook],
    json_hooks: Sequence[JsonWebhook],
    *,
    timeout: float = 10.0,
) -> list[str]:
    """Send to every destination; returns one error line per destination that failed."""
    errors = []
    client = WebhookClient(timeout=timeout, max_attempts=3, max_wait=30.0)
    for hook in discord:
        try:
            client.execute(hook, {"content": alert.text(), "allowed_mentions": {"parse": []}})
        except DiscordError as exc:  # names the webhook id only
            errors.append(f"Discord webhook {hook.webhook_id}: {exc}")
    body = json.dumps(payload(alert)).encode()
    for target in json_hooks:
        request = urllib.request.Request(
            target.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "User-Agent": USER_AGENT},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read()
        except (urllib.error.URLError, OSError) as exc:
            status = getattr(exc, "code", None)
            errors.append(f"{target}: {'HTTP ' + str(status) if status else type(exc).__name__}")
    return errors
