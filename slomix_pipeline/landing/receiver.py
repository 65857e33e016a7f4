"""HTTP receiver for the Lua's webhook posts: authenticate, bound, land atomically, then answer.

Point one of the Lua's webhook URLs at ``http(s)://<host>/webhooks/<id>/<token>`` (the Discord
path ``/api/webhooks/<id>/<token>`` works too, so only the host of an existing URL changes). The
receiver does the least work that makes a delivery durable and nothing else; parsing happens
downstream from the landed file, which keeps the hot path small and the landing zone the single
source of truth.

Rules, in order:

1. The ``(id, token)`` pair is checked in constant time against configuration. An unknown id and
   a wrong token both answer **404** with the same body, so a prober learns nothing about which
   ids exist (Discord does the same for unknown webhooks). Nothing is read or written.
2. The body is streamed with a hard cap (default 256 KiB); a declared or actual size above the cap
   answers **413**. ``Content-Length`` is only used to refuse early, never trusted to stop reading.
3. The body must be a JSON object within the parser's bounds (nesting depth, no lone surrogate;
   read as leniently as the parser reads it, so a pre-v1.6.4 body with raw control bytes in a name
   is still landed); otherwise **400**. A ``STATS_READY`` body is validated at the door by the
   very parser the ingestion uses: what the ingestion would reject answers **400** with the
   reason and is not landed. Any other valid JSON object (objective pings, unknown kinds) lands.
4. The body is landed unchanged under a content-addressed name
   (``stats_ready_<sha256>.json``, or ``<kind>_<sha256>.json`` for other messages such as
   objective pings), via temp file + fsync + rename + directory fsync. An identical redelivery maps
   to the same file, which is left untouched, so its mtime keeps recording the *first* arrival.
5. Only then **204**. A disk error answers **503**, which makes curl's ``--retry`` try again.

Resource bounds (``docs/operations.md``, "Limits"): a connection must send its request head within
``SLOMIX_WEBHOOK_HEADER_TIMEOUT_SECONDS`` and its body within
``SLOMIX_WEBHOOK_READ_TIMEOUT_SECONDS`` (else it is closed, or answered **408**), and at most
``SLOMIX_WEBHOOK_MAX_CONNECTIONS`` connections are open at once (the next one is closed on
accept), so slow or hostile clients cannot exhaust file descriptors. There is deliberately no rate
limiting: every valid delivery is landed, duplicates are harmless. Uvicorn's access log is
switched off because the request path contains the secret token.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from uvicorn.protocols.http.h11_impl import H11Protocol

from slomix_pipeline.domain.lua_rejections import EventRejected, LuaRejection
from slomix_pipeline.formats.webhook import (
    MAX_BODY_BYTES,
    is_stats_ready,
    load_json,
    message_kind,
    parse_webhook_body,
)
from slomix_pipeline.landing.zone import content_addressed_name, write_atomically
from slomix_pipeline.settings_model import read_env

log = logging.getLogger(__name__)

TOKENS_ENV_VAR = "SLOMIX_WEBHOOK_TOKENS"


@dataclass(frozen=True, slots=True)
class ReceiverLimits:
    """Per-connection bounds; defaults suit a game server posting one body per round end."""

    header_timeout_s: float = 10.0
    """From accept to a complete request head; a slower client is disconnected."""
    read_timeout_s: float = 10.0
    """From the request head to the complete body; slower is answered 408."""
    max_connections: int = 64
    """Open connections at once; beyond it a new connection is closed on accept."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ReceiverLimits:
        """The limits from ``SLOMIX_WEBHOOK_*`` (typed and bounded by the settings model)."""
        from slomix_pipeline.settings_model import read_env

        raw = read_env(environ)
        return cls(
            raw.webhook_header_timeout_seconds,
            raw.webhook_read_timeout_seconds,
            raw.webhook_max_connections,
        )


def _guarded_protocol(limits: ReceiverLimits) -> type[H11Protocol]:
    """uvicorn's HTTP/1.1 protocol plus a connection cap and a request-head deadline.

    uvicorn has no header timeout and ``limit_concurrency`` still keeps every connection open to
    answer 503, so a few hundred slow clients hold as many descriptors; here a connection over the
    cap is closed at once, and one that has not sent a complete request head in time is closed.
    """

    class GuardedH11Protocol(H11Protocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            if len(self.connections) > limits.max_connections:
                log.warning("webhook connection refused: %d open", len(self.connections) - 1)
                transport.abort()
                return
            self._head_deadline = self.loop.call_later(limits.header_timeout_s, self._head_late)

        def _head_late(self) -> None:
            if self.cycle is None and not self.transport.is_closing():
                log.warning("webhook connection closed: no request head within the timeout")
                self.transport.abort()

        def connection_lost(self, exc: Exception | None) -> None:
            deadline = getattr(self, "_head_deadline", None)
            if deadline is not None:
                deadline.cancel()
            super().connection_lost(exc)

    return GuardedH11Protocol


def load_tokens_from_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Parse ``SLOMIX_WEBHOOK_TOKENS="id:token,id2:token2"`` into ``{id: token}``.

    Blank entries are skipped; an entry without ``:``, with an empty part, or a repeated id is a
    configuration error (raised, never guessed around).
    """
    raw = read_env(environ).webhook_tokens
    tokens: dict[str, str] = {}
    for entry in raw.split(","):
        entry = entry.strip()
        if not entry:
            continue
        webhook_id, sep, token = entry.partition(":")
        webhook_id, token = webhook_id.strip(), token.strip()
        if not sep or not webhook_id or not token:
            raise ValueError(f"{TOKENS_ENV_VAR}: entry {webhook_id or '?'!r} is not 'id:token'")
        if webhook_id in tokens:
            raise ValueError(f"{TOKENS_ENV_VAR}: webhook id {webhook_id!r} given twice")
        tokens[webhook_id] = token
    return tokens


class _TokenCheck:
    """Constant-time ``(id, token)`` verification that behaves the same for unknown ids."""

    def __init__(self, tokens: Mapping[str, str]) -> None:
        self._tokens = {key: value.encode("utf-8") for key, value in tokens.items()}
        self._dummy = os.urandom(32).hex().encode("ascii")

    def __call__(self, webhook_id: str, token: str) -> bool:
        expected = self._tokens.get(webhook_id)
        candidate = token.encode("utf-8")
        if expected is None:
            hmac.compare_digest(candidate, self._dummy)  # same work as a real comparison
            return False
        return hmac.compare_digest(candidate, expected)


class _TooLarge(Exception):
    pass


async def _read_capped(request: Request, limit: int) -> bytes:
    """Read the body chunk by chunk and stop as soon as it exceeds ``limit``."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.strip().isdigit() and int(declared) > limit:
        raise _TooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _TooLarge
    return bytes(body)


def _drop_name(body: object, data: bytes) -> str:
    kind = "stats_ready" if isinstance(body, dict) and is_stats_ready(body) else None
    if kind is None:
        kind = message_kind(body) if isinstance(body, dict) else "other"
    return content_addressed_name(data, f"{kind}_", ".json")


def _door_rejection(body: dict[str, object], data: bytes) -> str | None:
    """Why the ingestion would reject this STATS_READY body, or None (other kinds: None)."""
    if not is_stats_ready(body):
        return None
    parsed = parse_webhook_body(data)
    if isinstance(parsed, LuaRejection):
        return f"{parsed.reason.value}: {parsed.detail}"
    return None


def create_app(
    drop_dir: Path,
    tokens: Mapping[str, str],
    max_body_bytes: int = MAX_BODY_BYTES,
    read_timeout_s: float = 10.0,
) -> Starlette:
    """The ASGI app: ``POST /webhooks/{id}/{token}`` (and ``/api/...``) plus ``GET /healthz``."""
    drop_dir = Path(drop_dir)
    drop_dir.mkdir(parents=True, exist_ok=True)
    check = _TokenCheck(tokens)
    not_found = {"message": "Unknown Webhook", "code": 10015}

    async def receive(request: Request) -> Response:
        webhook_id = request.path_params["webhook_id"]
        if not check(webhook_id, request.path_params["token"]):
            log.warning("webhook rejected: unknown id or wrong token (id=%.40r)", webhook_id)
            return JSONResponse(not_found, status_code=404)
        try:
            data = await asyncio.wait_for(_read_capped(request, max_body_bytes), read_timeout_s)
        except TimeoutError:
            log.warning("webhook rejected: body not received within %ss", read_timeout_s)
            return JSONResponse(
                {"message": "Request timeout"}, status_code=408, headers={"connection": "close"}
            )
        except _TooLarge:
            log.warning("webhook rejected: body over %d bytes (id=%s)", max_body_bytes, webhook_id)
            return JSONResponse({"message": "Request entity too large"}, status_code=413)
        try:
            body = load_json(data, "webhook body", [], max_body_bytes)
        except EventRejected as exc:
            return JSONResponse({"message": f"Invalid JSON: {exc.detail:.200}"}, status_code=400)
        except Exception as exc:  # anything the bounded reader did not foresee is the body's fault
            return JSONResponse({"message": f"Unreadable body: {type(exc).__name__}"}, 400)
        if not isinstance(body, dict):
            return JSONResponse({"message": "Body must be a JSON object"}, status_code=400)
        rejection = _door_rejection(body, data)
        if rejection is not None:
            log.warning("webhook rejected at the door: %.200s (id=%s)", rejection, webhook_id)
            return JSONResponse({"message": f"Invalid STATS_READY: {rejection:.300}"}, 400)
        name = _drop_name(body, data)
        try:
            await run_in_threadpool(write_atomically, drop_dir, name, data)
        except OSError:
            log.exception("webhook landing failed for %s", name)
            return JSONResponse({"message": "Storage unavailable, retry"}, status_code=503)
        log.info("webhook landed %s (%d bytes, id=%s)", name, len(data), webhook_id)
        return Response(status_code=204)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    routes = [
        Route("/webhooks/{webhook_id}/{token}", receive, methods=["POST"]),
        Route("/api/webhooks/{webhook_id}/{token}", receive, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    return Starlette(routes=routes)


def make_server(
    host: str,
    port: int,
    drop_dir: Path,
    tokens: Mapping[str, str],
    max_body_bytes: int = MAX_BODY_BYTES,
    log_level: str = "info",
    limits: ReceiverLimits | None = None,
) -> uvicorn.Server:
    """A configured uvicorn server: ``slomix-pipeline webhook serve`` runs it in the foreground
    until interrupted; tests run it on their own socket."""
    if not tokens:
        raise ValueError(f"no webhook tokens configured (set {TOKENS_ENV_VAR}='id:token')")
    limits = ReceiverLimits.from_env() if limits is None else limits
    config = uvicorn.Config(
        create_app(drop_dir, tokens, max_body_bytes, limits.read_timeout_s),
        host=host,
        port=port,
        http=_guarded_protocol(limits),
        timeout_keep_alive=5,
        backlog=limits.max_connections * 2,
        access_log=False,  # the path carries the secret token
        server_header=False,
        lifespan="off",
        log_level=log_level,
    )
    return uvicorn.Server(config)
