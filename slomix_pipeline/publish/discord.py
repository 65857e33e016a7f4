"""A small Discord webhook client: execute (``?wait=true``), edit, delete; rate limits honoured.

Why not a Discord library: three endpoints are needed, and the behaviour that matters (what is
retried, what is *not*) must be exactly what the ledger's exactly-once reasoning assumes:

* **429**: wait ``retry_after`` (JSON body, else the ``Retry-After`` header) and retry; a wait
  longer than ``max_wait`` gives up (:class:`DeliveryFailed`, the next run retries). Bucket
  headers (``X-RateLimit-Bucket``, ``-Remaining``, ``-Reset-After``) are remembered per route,
  and a request to an exhausted bucket waits for its reset *before* it is sent.
* **5xx and connection failures**: retried with bounded exponential backoff
  (``max_attempts``). A 5xx normally means nothing was created; a gateway error *after*
  Discord created the message would make the retry duplicate it, a risk accepted so that an
  outage heals without the operator (docs/operations.md).
* **Timeouts**: an edit or delete is idempotent and simply retried. An *execute* whose
  request was sent but whose answer timed out may have created the message: retrying could
  post twice, so it raises :class:`DeliveryUncertain` and the publisher records the post as
  uncertain (see :mod:`slomix_pipeline.publish.publisher`). A connect timeout (nothing sent) is
  retried like any connection failure.

Webhook URLs carry their token: :class:`Webhook` never shows it (``repr``, errors and logs name
the webhook by its id only).
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

USER_AGENT = "DiscordBot (https://github.com/slomix_pipeline, 0.1)"
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class WebhookUrlError(ValueError):
    """A configured webhook URL is unusable; the message never contains the token."""


@dataclass(frozen=True, slots=True)
class Webhook:
    """One Discord webhook: ``<scheme>://<host>[:port]<prefix>/<id>/<token>``."""

    webhook_id: str
    token: str = field(repr=False)
    scheme: str = "https"
    host: str = "discord.com"
    port: int | None = None
    prefix: str = "/api/webhooks"

    def __repr__(self) -> str:
        return f"Webhook(id={self.webhook_id}, host={self.host})"

    __str__ = __repr__

    def path(self, suffix: str = "") -> str:
        return f"{self.prefix}/{self.webhook_id}/{self.token}{suffix}"


def parse_webhook_url(url: str) -> Webhook:
    """Parse a webhook URL (https, or http on a loopback host for local testing)."""
    parts = urlsplit(url.strip())
    segments = [s for s in parts.path.split("/") if s]
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise WebhookUrlError("a Discord webhook URL must start with https://")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        raise WebhookUrlError(
            f"plain http is only allowed on loopback (host {parts.hostname}): use https"
        )
    if len(segments) < 3 or segments[-3] != "webhooks" or not segments[-2].isdigit():
        raise WebhookUrlError(f"URL on {parts.hostname} is not .../webhooks/<numeric id>/<token>")
    return Webhook(
        webhook_id=segments[-2],
        token=segments[-1],
        scheme=parts.scheme,
        host=parts.hostname,
        port=parts.port,
        prefix="/" + "/".join(segments[:-2]),
    )


class DiscordError(Exception):
    """Base of the client's errors (messages name the webhook id, never its token)."""


class DeliveryFailed(DiscordError):
    """The request was not applied (4xx, retries exhausted, rate limit too long)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class DeliveryUncertain(DiscordError):
    """An execute was sent but its answer never came: the message may or may not exist."""


class MessageGone(DiscordError):
    """Edit/delete of a message that no longer exists (deleted in Discord)."""


class _Retry(Exception):
    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.wait = wait


@dataclass
class _Bucket:
    remaining: int
    reset_at: float


@dataclass
class WebhookClient:
    """Synchronous client; ``sleep``/``monotonic`` are injectable for the benchmarks."""

    timeout: float = 10.0
    max_attempts: int = 5
    max_wait: float = 60.0
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    requests_sent: int = 0
    waited_seconds: float = 0.0
    _route_bucket: dict[str, str] = field(default_factory=dict)
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    def execute(self, hook: Webhook, payload: Mapping[str, Any]) -> str:
        """Post a message; returns its id (``?wait=true`` makes Discord answer with it)."""
        body = self._call("POST", hook, hook.path("?wait=true"), payload, idempotent=False)
        message_id = str((body or {}).get("id", ""))
        if not message_id:
            raise DeliveryUncertain(f"{hook}: execute answered without a message id")
        return message_id

    def edit(self, hook: Webhook, message_id: str, payload: Mapping[str, Any]) -> None:
        """Replace a message's content (PATCH is idempotent: safe to retry)."""
        self._call("PATCH", hook, hook.path(f"/messages/{message_id}"), payload, idempotent=True)

    def delete(self, hook: Webhook, message_id: str) -> None:
        self._call("DELETE", hook, hook.path(f"/messages/{message_id}"), None, idempotent=True)

    # ---------------------------------------------------------------------------- internals

    def _wait(self, seconds: float, hook: Webhook, why: str) -> None:
        if seconds > self.max_wait:
            raise DeliveryFailed(
                f"{hook}: {why} for {seconds:.1f} s (> {self.max_wait:.0f} s)", 429
            )
        if seconds > 0:
            self.waited_seconds += seconds
            self.sleep(seconds)

    def _call(
        self,
        method: str,
        hook: Webhook,
        path: str,
        payload: Mapping[str, Any] | None,
        *,
        idempotent: bool,
    ) -> dict[str, Any] | None:
        route = f"{method} {hook.webhook_id}"
        data = None if payload is None else json.dumps(payload).encode()
        failures = 0
        limited = 0
        while True:
            bucket = self._buckets.get(self._route_bucket.get(route, ""))
            if bucket is not None and bucket.remaining <= 0:
                self._wait(bucket.reset_at - self.monotonic(), hook, "bucket exhausted")
                bucket.remaining = 1
            try:
                return self._once(method, hook, path, data, route, idempotent)
            except _Retry as retry:
                if retry.wait is not None:  # 429: not a failure, but bounded too
                    limited += 1
                    if limited > 2 * self.max_attempts:
                        raise DeliveryFailed(f"{hook}: still rate limited", 429) from None
                    self._wait(retry.wait, hook, "rate limited")
                    continue
                failures += 1
                if failures >= self.max_attempts:
                    raise DeliveryFailed(f"{hook}: {retry} ({failures} attempts)") from None
                self._wait(
                    min(self.backoff_cap, self.backoff_base * 2 ** (failures - 1)), hook, str(retry)
                )

    def _connection(self, hook: Webhook) -> http.client.HTTPConnection:
        cls = http.client.HTTPSConnection if hook.scheme == "https" else http.client.HTTPConnection
        return cls(hook.host, hook.port, timeout=self.timeout)

    def _once(
        self,
        method: str,
        hook: Webhook,
        path: str,
        data: bytes | None,
        route: str,
        idempotent: bool,
    ) -> dict[str, Any] | None:
        conn = self._connection(hook)
        try:
            try:
                conn.connect()
            except OSError as exc:  # refused, unreachable, connect timeout: nothing was sent
                raise _Retry(f"connection failed ({type(exc).__name__})") from None
            headers = {"User-Agent": USER_AGENT}
            if data is not None:
                headers["Content-Type"] = "application/json"
            try:
                self.requests_sent += 1
                conn.request(method, path, body=data, headers=headers)
                response = conn.getresponse()
                raw = response.read()
            except (TimeoutError, OSError, http.client.HTTPException) as exc:
                if not idempotent:
                    raise DeliveryUncertain(
                        f"{hook}: {method} sent, no answer ({type(exc).__name__})"
                    ) from None
                raise _Retry(f"no answer ({type(exc).__name__})") from None
        finally:
            conn.close()
        self._remember_bucket(route, response)
        status = response.status
        body = _json(raw)
        if status == 429:
            wait = _retry_after(body, response)
            raise _Retry("429", wait=wait)
        if status >= 500:
            raise _Retry(f"HTTP {status}")
        if status == 404 and method != "POST":
            raise MessageGone(f"{hook}: message not found (deleted in Discord?)")
        if status >= 400:
            detail = body.get("message", "") if isinstance(body, dict) else ""
            raise DeliveryFailed(f"{hook}: HTTP {status} {detail}".strip(), status)
        return body if isinstance(body, dict) else None

    def _remember_bucket(self, route: str, response: http.client.HTTPResponse) -> None:
        name = response.getheader("X-RateLimit-Bucket")
        remaining = response.getheader("X-RateLimit-Remaining")
        reset_after = response.getheader("X-RateLimit-Reset-After")
        if not name or remaining is None or reset_after is None:
            return
        try:
            self._route_bucket[route] = name
            self._buckets[name] = _Bucket(int(remaining), self.monotonic() + float(reset_after))
        except ValueError:
            return


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def _retry_after(body: Any, response: http.client.HTTPResponse) -> float:
    if isinstance(body, dict) and isinstance(body.get("retry_after"), int | float):
        return float(body["retry_after"])
    header = response.getheader("Retry-After")
    try:
        return float(header) if header else 1.0
    except ValueError:
        return 1.0
