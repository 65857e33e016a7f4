"""A local HTTP server that behaves like Discord's execute/edit/delete-webhook endpoints.

Real sockets on a free loopback port, real HTTP: the client under test cannot tell it from
Discord for the parts that matter here.

* ``POST /api/webhooks/<id>/<token>?wait=true`` creates a message and answers it (with an id);
  ``PATCH``/``DELETE .../messages/<id>`` edit or delete it (404 when unknown);
* a wrong token answers 401, a payload over a Discord limit answers 400 (code 50035), as
  Discord does, so a rendering bug fails the tests loudly;
* every answer carries the bucket headers; more than ``bucket_size`` requests inside
  ``bucket_window`` seconds answer **429** with ``retry_after`` (a client ignoring the headers
  hits it);
* scripted faults per method: ``fault("POST", 429, retry_after=0.2)``, ``fault("PATCH", 502)``,
  ``fault("PATCH", "stall", seconds=2)`` (answers late: a client timeout), and
  ``fault("POST", "hold")``: the message is *created*, then the answer never comes (until the
  server stops): the window between Discord posting and the client recording the id.
* ``pings`` counts messages whose text mentions ``@everyone``/``@here``/a user while
  ``allowed_mentions`` would let Discord ping.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from slomix_pipeline.publish.limits import violations
from slomix_pipeline_tests.landing.sshd import free_port

WEBHOOK_ID = "112233445566778899"
TOKEN = "s3cr3t-t0ken-do-not-log"


@dataclass
class Fault:
    action: int | str
    retry_after: float = 0.0
    seconds: float = 0.0


@dataclass
class FakeDiscord:
    bucket_size: int = 5
    bucket_window: float = 1.0
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    rate_limited: int = 0
    pings: int = 0
    _faults: dict[str, deque[Fault]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _next_id: int = 1_100_000_000_000_000_000
    _window: deque[float] = field(default_factory=deque)
    _stop: threading.Event = field(default_factory=threading.Event)

    port: int = 0

    def start(self) -> FakeDiscord:
        """Serve (again: a restart keeps the port, like Discord coming back)."""
        self.port = self.port or free_port()
        self._stop.clear()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def do_POST(self) -> None:
                server._handle(self, "POST")

            def do_PATCH(self) -> None:
                server._handle(self, "PATCH")

            def do_DELETE(self) -> None:
                server._handle(self, "DELETE")

        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/webhooks/{WEBHOOK_ID}/{TOKEN}"

    def fault(self, method: str, action: int | str, **kw: float) -> None:
        with self._lock:
            self._faults.setdefault(method, deque()).append(Fault(action, **kw))

    def count(self, method: str) -> int:
        return sum(1 for m, _ in self.requests if m == method)

    # ------------------------------------------------------------------------------ serving

    def _reply(self, h: BaseHTTPRequestHandler, status: int, body: Any, remaining: int) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.send_header("X-RateLimit-Bucket", f"bucket-{WEBHOOK_ID}")
        h.send_header("X-RateLimit-Limit", str(self.bucket_size))
        h.send_header("X-RateLimit-Remaining", str(max(0, remaining)))
        h.send_header("X-RateLimit-Reset-After", f"{self.bucket_window:.3f}")
        if status == 429:
            h.send_header("Retry-After", f"{body['retry_after']:.3f}")
        h.end_headers()
        h.wfile.write(data)

    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        segments = [s for s in parts.path.split("/") if s]
        with self._lock:
            self.requests.append((method, parts.path))
            now = time.monotonic()
            while self._window and now - self._window[0] > self.bucket_window:
                self._window.popleft()
            self._window.append(now)
            remaining = self.bucket_size - len(self._window)
            queue = self._faults.get(method)
            fault = queue.popleft() if queue and remaining >= 0 else None
        if segments[:2] != ["api", "webhooks"] or len(segments) < 4 or segments[2] != WEBHOOK_ID:
            return self._reply(h, 404, {"message": "Unknown Webhook", "code": 10015}, remaining)
        if segments[3] != TOKEN:
            return self._reply(h, 401, {"message": "Invalid Webhook Token", "code": 50027}, 0)
        if remaining < 0:
            with self._lock:
                self.rate_limited += 1
            return self._reply(h, 429, {"retry_after": self.bucket_window, "global": False}, 0)
        if fault is not None and isinstance(fault.action, int):
            body = {"retry_after": fault.retry_after} if fault.action == 429 else {"message": "x"}
            return self._reply(h, fault.action, body, remaining)
        if fault is not None and fault.action == "stall":
            self._stop.wait(fault.seconds)
        payload = json.loads(raw) if raw else None
        if method == "POST":
            return self._create(
                h, payload, remaining, hold=fault is not None and fault.action == "hold"
            )
        message_id = segments[5] if len(segments) >= 6 and segments[4] == "messages" else ""
        with self._lock:
            known = message_id in self.messages
            if known and method == "PATCH":
                problems = violations(payload or {})
                if not problems:
                    self.messages[message_id] = payload or {}
                    self._count_pings(payload or {})
            elif known:
                del self.messages[message_id]
                problems = []
        if not known:
            return self._reply(h, 404, {"message": "Unknown Message", "code": 10008}, remaining)
        if problems:
            return self._reply(h, 400, {"message": "; ".join(problems), "code": 50035}, remaining)
        if method == "DELETE":
            return self._reply(h, 204, None, remaining)
        return self._reply(h, 200, {"id": message_id, **(payload or {})}, remaining)

    def _create(self, h: BaseHTTPRequestHandler, payload: Any, remaining: int, hold: bool) -> None:
        problems = violations(payload or {})
        if problems:
            return self._reply(h, 400, {"message": "; ".join(problems), "code": 50035}, remaining)
        with self._lock:
            self._next_id += 1
            message_id = str(self._next_id)
            self.messages[message_id] = payload
            self._count_pings(payload)
        if hold:  # created; the answer never comes while the server runs
            self._stop.wait(3600)
            return None
        return self._reply(h, 200, {"id": message_id, **payload}, remaining)

    def _count_pings(self, payload: dict[str, Any]) -> None:
        text = json.dumps(payload.get("embeds", [])) + payload.get("content", "")
        mentions = any(tag in text for tag in ("@everyone", "@here", "<@"))
        parse = (payload.get("allowed_mentions") or {"parse": ["everyone", "users"]}).get(
            "parse", []
        )
        if mentions and parse:
            self.pings += 1
