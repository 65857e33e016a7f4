"""Publishing settings, read from environment variables with documented defaults.

Same pattern as :mod:`slomix_pipeline.config` (one ``DEFAULTS`` table, validated values, a
:class:`~slomix_pipeline.config.SettingsError` naming the variable), kept in its own module so
the ingestion settings do not grow a Discord section. ``docs/operations.md`` ("Discord posts")
lists the same variables.

Webhook URLs are secrets (the token is in the path): :class:`PublishSettings` holds parsed
:class:`~slomix_pipeline.publish.discord.Webhook` objects whose ``repr`` hides the token, and a
bad URL's error never repeats it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from slomix_pipeline.config import SettingsError
from slomix_pipeline.publish.discord import Webhook, WebhookUrlError, parse_webhook_url
from slomix_pipeline.settings_model import read_env

KINDS = ("round", "map", "session")

DEFAULTS: dict[str, str] = {
    "SLOMIX_DISCORD_WEBHOOK_URLS": "",  # empty: publishing is off
    "SLOMIX_DISCORD_POSTS": "round,map,session",
    "SLOMIX_DISCORD_LIVE_HOURS": "12",
    "SLOMIX_DISCORD_PUBLISH_HISTORY": "0",
    "SLOMIX_DISCORD_TIMEOUT_SECONDS": "10",
    "SLOMIX_DISCORD_MAX_ATTEMPTS": "5",
    "SLOMIX_DISCORD_MAX_WAIT_SECONDS": "60",
    "SLOMIX_DISCORD_RETRY_MINUTES": "5",
}


@dataclass(frozen=True, slots=True)
class PublishSettings:
    """What to publish, where, and how patiently."""

    webhooks: tuple[Webhook, ...]
    kinds: frozenset[str]
    live_hours: int
    publish_history: bool
    timeout_seconds: int
    max_attempts: int
    max_wait_seconds: int
    retry_minutes: int

    @property
    def enabled(self) -> bool:
        return bool(self.webhooks)


def parse_webhooks(raw: str, key: str = "SLOMIX_DISCORD_WEBHOOK_URLS") -> tuple[Webhook, ...]:
    """Discord webhook URLs separated by commas or blanks; errors never repeat a token."""
    hooks: list[Webhook] = []
    for index, url in enumerate(u for u in re.split(r"[\s,]+", raw) if u):
        try:
            hook = parse_webhook_url(url)
        except WebhookUrlError as exc:  # the message never contains the token
            raise SettingsError(f"{key}: URL #{index + 1}: {exc}") from None
        if any(h.webhook_id == hook.webhook_id for h in hooks):
            raise SettingsError(f"{key}: webhook {hook.webhook_id} is listed twice")
        hooks.append(hook)
    return tuple(hooks)


def load_publish_settings(env: Mapping[str, str] | None = None) -> PublishSettings:
    """Resolve the publishing settings from ``env`` (default ``os.environ``)."""
    raw = read_env(env)
    kinds = frozenset(k.strip() for k in raw.discord_posts.split(",") if k.strip())
    unknown = kinds - set(KINDS)
    if unknown:
        raise SettingsError(
            f"SLOMIX_DISCORD_POSTS: unknown kind(s) {sorted(unknown)}; use {', '.join(KINDS)}"
        )
    return PublishSettings(
        webhooks=parse_webhooks(raw.discord_webhook_urls),
        kinds=kinds,
        live_hours=raw.discord_live_hours,
        publish_history=raw.discord_publish_history,
        timeout_seconds=raw.discord_timeout_seconds,
        max_attempts=raw.discord_max_attempts,
        max_wait_seconds=raw.discord_max_wait_seconds,
        retry_minutes=raw.discord_retry_minutes,
    )
