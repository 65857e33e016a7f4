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

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from slomix_pipeline.config import SettingsError
from slomix_pipeline.publish.discord import Webhook, WebhookUrlError, parse_webhook_url

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


def _int(env: Mapping[str, str], key: str, low: int, high: int) -> int:
    raw = env.get(key) or DEFAULTS[key]
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{key}={raw!r} is not a whole number") from exc
    if not low <= value <= high:
        raise SettingsError(f"{key}={value} is outside {low}..{high}")
    return value


def _flag(env: Mapping[str, str], key: str) -> bool:
    raw = (env.get(key) or DEFAULTS[key]).strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off", ""}:
        return False
    raise SettingsError(f"{key}={raw!r} is not a yes/no value (1/0, true/false)")


def _webhooks(env: Mapping[str, str]) -> tuple[Webhook, ...]:
    key = "SLOMIX_DISCORD_WEBHOOK_URLS"
    hooks: list[Webhook] = []
    for index, url in enumerate(u for u in re.split(r"[\s,]+", env.get(key, "")) if u):
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
    env = os.environ if env is None else env
    kinds_raw = env.get("SLOMIX_DISCORD_POSTS") or DEFAULTS["SLOMIX_DISCORD_POSTS"]
    kinds = frozenset(k.strip() for k in kinds_raw.split(",") if k.strip())
    unknown = kinds - set(KINDS)
    if unknown:
        raise SettingsError(
            f"SLOMIX_DISCORD_POSTS: unknown kind(s) {sorted(unknown)}; use {', '.join(KINDS)}"
        )
    return PublishSettings(
        webhooks=_webhooks(env),
        kinds=kinds,
        live_hours=_int(env, "SLOMIX_DISCORD_LIVE_HOURS", 0, 24 * 7),
        publish_history=_flag(env, "SLOMIX_DISCORD_PUBLISH_HISTORY"),
        timeout_seconds=_int(env, "SLOMIX_DISCORD_TIMEOUT_SECONDS", 1, 120),
        max_attempts=_int(env, "SLOMIX_DISCORD_MAX_ATTEMPTS", 1, 20),
        max_wait_seconds=_int(env, "SLOMIX_DISCORD_MAX_WAIT_SECONDS", 0, 3600),
        retry_minutes=_int(env, "SLOMIX_DISCORD_RETRY_MINUTES", 1, 24 * 60),
    )
