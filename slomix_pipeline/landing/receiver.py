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
3. The body must be a JSON object (read as leniently as the parser reads it, so a pre-v1.6.4
   body with raw control bytes in a name is still landed); otherwise **400**.
4. The body is landed unchanged under a content-addressed name
   (``stats_ready_<sha256>.json``, or ``<kind>_<sha256>.json`` for other messages such as
   objective pings), via temp file + fsync + rename + directory fsync. An identical redelivery maps
   to the same file, which is left untouched, so its mtime keeps recording the *first* arrival.
5. Only then **204**. A disk error answers **503**, which makes curl's ``--retry`` try again.

There is deliberately no rate limiting: every valid delivery is landed, duplicates are harmless.
Uvicorn's access log is switched off because the request path contains the secret token.
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Mapping
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from slomix_pipeline.domain.lua_events import EventRejected
from slomix_pipeline.formats.webhook import MAX_BODY_BYTES, is_stats_ready, load_json, message_kind
from slomix_pipeline.landing.zone import content_addressed_name, write_atomically
from slomix_pipeline.settings_model import read_env

log = logging.getLogger(__name__)

TOKENS_ENV_VAR = "SLOMIX_WEBHOOK_TOKENS"


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


def create_app(
    drop_dir: Path, tokens: Mapping[str, str], max_body_bytes: int = MAX_BODY_BYTES
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
            data = await _read_capped(request, max_body_bytes)
        except _TooLarge:
            log.warning("webhook rejected: body over %d bytes (id=%s)", max_body_bytes, webhook_id)
            return JSONResponse({"message": "Request entity too large"}, status_code=413)
        try:
            body = load_json(data, "webhook body", [], max_body_bytes)
        except EventRejected as exc:
            return JSONResponse({"message": f"Invalid JSON: {exc.detail:.200}"}, status_code=400)
        if not isinstance(body, dict):
            return JSONResponse({"message": "Body must be a JSON object"}, status_code=400)
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
) -> uvicorn.Server:
    """A configured uvicorn server (``serve`` runs it; tests run it on their own socket)."""
    if not tokens:
        raise ValueError(f"no webhook tokens configured (set {TOKENS_ENV_VAR}='id:token')")
    config = uvicorn.Config(
        create_app(drop_dir, tokens, max_body_bytes),
        host=host,
        port=port,
        access_log=False,  # the path carries the secret token
        server_header=False,
        lifespan="off",
        log_level=log_level,
    )
    return uvicorn.Server(config)


def serve(
    host: str,
    port: int,
    drop_dir: Path,
    tokens: Mapping[str, str],
    max_body_bytes: int = MAX_BODY_BYTES,
) -> None:
    """Run the receiver in the foreground until interrupted (``slomix-pipeline webhook serve``)."""
    make_server(host, port, drop_dir, tokens, max_body_bytes).run()
