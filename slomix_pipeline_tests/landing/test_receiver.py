"""The webhook receiver against a real uvicorn server on a loopback port."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from slomix_pipeline.landing import receiver as receiver_module
from slomix_pipeline.landing.receiver import (
    TOKENS_ENV_VAR,
    ReceiverLimits,
    load_tokens_from_env,
    make_server,
)

pytestmark = pytest.mark.integration

TOKENS = {"1111": "secret-token-one", "2222": "secret-token-two"}
LIMIT = 4096


@dataclass
class Receiver:
    base_url: str
    drop_dir: Path

    def url(self, webhook_id: str = "1111", token: str | None = None, api: bool = False) -> str:
        token = TOKENS.get(webhook_id, "x") if token is None else token
        return f"{self.base_url}{'/api' if api else ''}/webhooks/{webhook_id}/{token}"

    def landed(self) -> list[Path]:
        return sorted(p for p in self.drop_dir.iterdir())


LIMITS = ReceiverLimits(header_timeout_s=1.0, read_timeout_s=1.0, max_connections=400)


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[Receiver]:
    with running_receiver(tmp_path, LIMITS) as running:
        yield running


@contextlib.contextmanager
def running_receiver(tmp_path: Path, limits: ReceiverLimits) -> Iterator[Receiver]:
    drop_dir = tmp_path / "webhook_drops"
    server = make_server(
        "127.0.0.1", 0, drop_dir, TOKENS, max_body_bytes=LIMIT, log_level="warning", limits=limits
    )
    # Bind and listen before the server runs: early connections wait in the backlog, so the
    # readiness probe below blocks until the server accepts instead of spinning on refusals.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(512)
    port = sock.getsockname()[1]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while True:
        try:
            if httpx.get(f"{base_url}/healthz", timeout=5).status_code == 200:
                break
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("receiver did not become healthy")
    try:
        yield Receiver(base_url, drop_dir)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
        assert not thread.is_alive()


def stats_ready(n: int = 0, **fields: str) -> bytes:
    """A STATS_READY body the ingestion accepts (the receiver validates these at the door)."""
    values = {
        "Map": f"supply{n}",
        "Round": "1",
        "Lua_RoundStart": "1770750000",
        "Lua_RoundEnd": "1770750600",
        **fields,
    }
    body = {
        "username": "ET:Legacy Stats",
        "content": "STATS_READY",
        "embeds": [
            {"fields": [{"name": k, "value": v, "inline": True} for k, v in values.items()]}
        ],
    }
    return json.dumps(body, separators=(",", ":")).encode()


def test_healthz(receiver: Receiver) -> None:
    response = httpx.get(f"{receiver.base_url}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_valid_body_is_on_disk_when_204_arrives(receiver: Receiver) -> None:
    data = stats_ready()
    # curl --data-binary sends form content type; the receiver must not care.
    response = httpx.post(
        receiver.url(), content=data, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 204
    expected = receiver.drop_dir / f"stats_ready_{hashlib.sha256(data).hexdigest()}.json"
    assert expected.read_bytes() == data
    assert receiver.landed() == [expected]


def test_duplicate_delivery_is_one_file_with_first_arrival_mtime(receiver: Receiver) -> None:
    data = stats_ready()
    assert httpx.post(receiver.url(), content=data).status_code == 204
    (landed,) = receiver.landed()
    first_mtime = landed.stat().st_mtime_ns
    assert httpx.post(receiver.url(), content=data).status_code == 204
    assert httpx.post(receiver.url("2222", api=True), content=data).status_code == 204
    assert receiver.landed() == [landed]
    assert landed.stat().st_mtime_ns == first_mtime


def test_other_messages_are_landed_by_kind(receiver: Receiver) -> None:
    ping = json.dumps({"username": "ET:Legacy Live", "embeds": [{"title": "Objective Update"}]})
    assert httpx.post(receiver.url(), content=ping.encode()).status_code == 204
    (landed,) = receiver.landed()
    assert landed.name.startswith("objective_update_")


@pytest.mark.parametrize(
    ("webhook_id", "token"),
    [
        ("1111", "wrong"),
        ("1111", "secret-token-two"),
        ("1111", "SECRET-TOKEN-ONE"),
        ("1111", "secret-token-one-and-more"),
        ("9999", "secret-token-one"),
    ],
)
def test_bad_credentials_are_404_and_write_nothing(
    receiver: Receiver, webhook_id: str, token: str
) -> None:
    response = httpx.post(receiver.url(webhook_id, token), content=stats_ready())
    assert response.status_code == 404
    assert receiver.landed() == []


def test_unknown_id_and_wrong_token_look_the_same(receiver: Receiver) -> None:
    unknown = httpx.post(receiver.url("9999", "secret-token-one"), content=stats_ready())
    wrong = httpx.post(receiver.url("1111", "nope"), content=stats_ready())
    assert (unknown.status_code, unknown.content) == (wrong.status_code, wrong.content)


def test_oversize_is_413_with_and_without_content_length(receiver: Receiver) -> None:
    big = b'{"content":"' + b"x" * LIMIT + b'"}'
    assert httpx.post(receiver.url(), content=big).status_code == 413

    def chunks() -> Iterator[bytes]:  # chunked transfer: no Content-Length to trust
        for i in range(0, len(big), 512):
            yield big[i : i + 512]

    assert httpx.post(receiver.url(), content=chunks()).status_code == 413
    assert receiver.landed() == []
    exactly = b'{"content":"' + b"x" * (LIMIT - 14) + b'"}'
    assert len(exactly) == LIMIT
    assert httpx.post(receiver.url(), content=exactly).status_code == 204


@pytest.mark.parametrize("data", [b"not json", b"", b"[1,2,3]", b'"STATS_READY"', b"{"])
def test_non_json_or_non_object_is_400(receiver: Receiver, data: bytes) -> None:
    assert httpx.post(receiver.url(), content=data).status_code == 400
    assert receiver.landed() == []


def test_wrong_method_is_rejected(receiver: Receiver) -> None:
    assert httpx.get(receiver.url()).status_code == 405
    assert receiver.landed() == []


BURST_LIMITS = ReceiverLimits(header_timeout_s=30.0, read_timeout_s=30.0, max_connections=400)
"""For the burst: the 1 s deadlines of :data:`LIMITS` are for the slow-client tests; with 200
connections opened by one client on a loaded machine, a request head can take longer than 1 s
to follow its connection, and the server rightly closes it (an httpx ReadError, seen in CI)."""


def test_200_concurrent_distinct_posts_all_land_intact(tmp_path: Path) -> None:
    with running_receiver(tmp_path, BURST_LIMITS) as receiver:
        _burst_of_200(receiver)


def _burst_of_200(receiver: Receiver) -> None:
    bodies = [stats_ready(n) + b" " * (n % 7) for n in range(200)]

    async def post_all() -> list[int]:
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
        async with httpx.AsyncClient(limits=limits, timeout=60) as client:
            responses = await asyncio.gather(
                *(client.post(receiver.url(), content=b) for b in bodies)
            )
        return [r.status_code for r in responses]

    assert asyncio.run(post_all()) == [204] * 200
    landed = {p.name: p.read_bytes() for p in receiver.landed()}
    assert len(landed) == 200
    for data in bodies:
        assert landed[f"stats_ready_{hashlib.sha256(data).hexdigest()}.json"] == data
    assert not any(name.startswith(".") for name in landed)  # no temporaries left


def test_disk_failure_is_503_so_the_sender_retries(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(folder: Path, name: str, data: bytes) -> Path:
        raise OSError("disk full")

    monkeypatch.setattr(receiver_module, "write_atomically", broken)
    assert httpx.post(receiver.url(), content=stats_ready()).status_code == 503
    assert receiver.landed() == []


def test_tokens_from_environment() -> None:
    env = {TOKENS_ENV_VAR: " 1111:abc , 2222:d:e,, "}
    assert load_tokens_from_env(env) == {"1111": "abc", "2222": "d:e"}
    assert load_tokens_from_env({}) == {}
    for bad in ("1111", "1111:", ":abc", "1:a,1:b"):
        with pytest.raises(ValueError):
            load_tokens_from_env({TOKENS_ENV_VAR: bad})


def test_server_refuses_to_start_without_tokens(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=TOKENS_ENV_VAR):
        make_server("127.0.0.1", 0, tmp_path, {})


# ------------------------------------------------------------------- hostile and slow clients


def _closed_by_server(sock: socket.socket, deadline_s: float) -> bool:
    """True when the server closes ``sock`` (EOF or reset) before the deadline."""
    sock.settimeout(0.2)
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            if sock.recv(4096) == b"":
                return True
        except TimeoutError:
            continue
        except ConnectionError:
            return True
    return False


def _port(receiver: Receiver) -> int:
    return int(receiver.base_url.rsplit(":", 1)[1])


def test_slow_request_head_is_disconnected(receiver: Receiver) -> None:
    sock = socket.create_connection(("127.0.0.1", _port(receiver)))
    sock.sendall(b"POST /webhooks/1111/secret-token-one HTTP/1.1\r\nHost: x\r\n")  # no end
    try:
        assert _closed_by_server(sock, LIMITS.header_timeout_s + 5)
    finally:
        sock.close()


def test_slow_body_is_408_and_nothing_lands(receiver: Receiver) -> None:
    data = stats_ready()
    sock = socket.create_connection(("127.0.0.1", _port(receiver)))
    head = (
        f"POST /webhooks/1111/secret-token-one HTTP/1.1\r\nHost: x\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    ).encode()
    sock.sendall(head + data[:10])  # then nothing more
    sock.settimeout(LIMITS.read_timeout_s + 5)
    try:
        answer = sock.recv(4096)
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 408")
    assert receiver.landed() == []


def test_connection_cap_refuses_extra_sockets_and_real_deliveries_get_through(
    tmp_path: Path,
) -> None:
    limits = ReceiverLimits(header_timeout_s=1.0, read_timeout_s=1.0, max_connections=16)
    with running_receiver(tmp_path, limits) as receiver:
        _cap_scenario(receiver, limits)


def _cap_scenario(receiver: Receiver, limits: ReceiverLimits) -> None:
    port = _port(receiver)
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(limits.max_connections)]
    try:
        extra = socket.create_connection(("127.0.0.1", port))
        try:
            assert _closed_by_server(extra, 5), "a connection over the cap stayed open"
        finally:
            extra.close()
        # The idle ones are dropped after the head timeout; a real delivery then lands.
        assert all(_closed_by_server(s, limits.header_timeout_s + 5) for s in idle)
        response = httpx.post(receiver.url(), content=stats_ready(), timeout=10)
        assert response.status_code == 204
        assert len(receiver.landed()) == 1
    finally:
        for sock in idle:
            sock.close()


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        (b'{"content":"STATS_READY","embeds":[' + b"[" * 1500 + b"]" * 1500 + b"]}", "nesting"),
        (b'{"a":' * 600 + b"1" + b"}" * 600, "nesting"),
        (b'{"content":"STATS_READY","x":"\\ud800"}', "surrogate"),
        (stats_ready(Lua_RoundEnd="9" * 3000), "STATS_READY"),
        (stats_ready(Round="7"), "invalid_round"),
        (json.dumps({"content": "STATS_READY"}).encode(), "missing_field"),
    ],
)
def test_unparseable_or_invalid_stats_ready_is_400_and_not_landed(
    receiver: Receiver, data: bytes, detail: str
) -> None:
    response = httpx.post(receiver.url(), content=data)
    assert response.status_code == 400
    assert detail in response.json()["message"]
    assert receiver.landed() == []


def test_unknown_but_valid_messages_still_land(receiver: Receiver) -> None:
    other = json.dumps({"content": "SOMETHING_NEW", "embeds": [{"title": "Future Thing"}]})
    assert httpx.post(receiver.url(), content=other.encode()).status_code == 204
    assert len(receiver.landed()) == 1


def test_limits_from_environment() -> None:
    limits = ReceiverLimits.from_env(
        {
            "SLOMIX_WEBHOOK_HEADER_TIMEOUT_SECONDS": "3",
            "SLOMIX_WEBHOOK_READ_TIMEOUT_SECONDS": "4.5",
            "SLOMIX_WEBHOOK_MAX_CONNECTIONS": "9",
        }
    )
    assert limits == ReceiverLimits(3.0, 4.5, 9)
    assert ReceiverLimits.from_env({}) == ReceiverLimits()
    with pytest.raises(ValueError):
        ReceiverLimits.from_env({"SLOMIX_WEBHOOK_MAX_CONNECTIONS": "0"})
