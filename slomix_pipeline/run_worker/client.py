"""The daemon's side of the zygote: start it, ask it to fork a run worker, replace it.

:class:`ZygoteProcess` is one zygote (``zygote.py``) and its control socket. :class:`WarmWorkers`
is the one per daemon process and configuration that the launcher talks to: it starts a zygote,
hands out launches only once the zygote said it is ready (a run never waits for a zygote to
warm up: it is started the default way instead), and replaces a zygote that died, hung or
turned stale (code changed on disk). The code server's identity is deliberately not compared:
under load Dagster restarts the daemon's code server on a missed heartbeat (a new server id,
the same code), which replaced the zygote twice in four runs when it was. A zygote that fails while
loading the code is retried after a growing pause (5 s doubling to 5 min) rather than in a loop.

Worker identity: a pid alone can be reused after the worker exits, so a worker is recorded as
its pid plus its start time in clock ticks (``/proc/<pid>/stat`` field 22); :func:`worker_alive`
compares both and counts a zombie as gone.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

LAUNCH_TIMEOUT_SECONDS = 10.0
"""A fork and its reply take milliseconds; a zygote silent for this long is replaced."""
FIRST_RETRY_SECONDS = 5.0
MAX_RETRY_SECONDS = 300.0


class ZygoteUnavailable(Exception):
    """The zygote cannot launch this run (the reason is the message); use the default path."""


# ------------------------------------------------------------------------------ worker identity


def process_start_ticks(pid: int) -> int | None:
    """The process's start time (clock ticks since boot), None if it is gone or a zombie or
    this system has no ``/proc``."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read().decode("ascii", "replace")
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()  # after "pid (comm) "
    if not fields or fields[0] == "Z":
        return None
    return int(fields[19])  # field 22 overall: starttime


def worker_alive(pid: int, start_ticks: int | None) -> bool:
    """Whether the worker recorded as (``pid``, ``start_ticks``) still runs."""
    if os.path.isdir("/proc"):
        now = process_start_ticks(pid)
        return now is not None and (start_ticks is None or now == start_ticks)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# ------------------------------------------------------------------------------ one zygote


@dataclass
class ZygoteProcess:
    """A started zygote; :meth:`poll_ready` and :meth:`launch` talk to it (one caller at a time)."""

    preload: tuple[str, ...]
    working_directory: str | None
    python: str = sys.executable
    process: subprocess.Popen[bytes] | None = None
    ready: bool = False
    failed: str | None = None
    info: dict[str, object] = field(default_factory=dict)
    _socket: socket.socket | None = None
    _buffer: bytes = b""

    def start(self) -> None:
        ours, theirs = socket.socketpair()
        command = [self.python, "-m", "slomix_pipeline.run_worker.zygote"]
        command += ["--control-fd", str(theirs.fileno())]
        for spec in self.preload:
            command += ["--preload", spec]
        if self.working_directory:
            command += ["--working-directory", self.working_directory]
        try:
            self.process = subprocess.Popen(
                command,
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                cwd=self.working_directory or None,
            )
        finally:
            theirs.close()
        self._socket = ours

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None and self.failed is None

    def poll_ready(self, wait: float = 0.0) -> bool:
        """Read the zygote's ready line if it has arrived (waiting at most ``wait`` seconds)."""
        if self.ready or self.failed is not None:
            return self.ready
        try:
            message = self._read(wait)
        except ZygoteUnavailable as exc:
            self.failed = str(exc)
            return False
        if message is None:
            if self.process is not None and self.process.poll() is not None:
                self.failed = f"exited with status {self.process.returncode} while loading"
            return False
        if message.get("ready"):
            self.ready, self.info = True, message
        else:
            self.failed = str(message.get("error") or "not ready")
        return self.ready

    def wait_ready(self, timeout: float) -> bool:
        """Wait up to ``timeout`` s for the zygote to be ready (True) or to fail (False)."""
        deadline = time.monotonic() + timeout
        while not self.poll_ready(wait=0.25):
            if self.failed is not None or time.monotonic() >= deadline:
                return False
        return True

    def launch(self, run_id: str, serialized_args: str) -> int:
        """Fork a run worker for ``run_id``; its pid. Raises ZygoteUnavailable (the zygote is then
        marked failed, unless it only declined this run)."""
        if not self.ready or not self.alive():
            raise ZygoteUnavailable(self.failed or "not ready")
        try:
            self._send({"op": "launch", "run_id": run_id, "args": serialized_args})
            reply = self._read(LAUNCH_TIMEOUT_SECONDS)
        except (OSError, ZygoteUnavailable) as exc:
            self.failed = f"no answer: {exc}"
            raise ZygoteUnavailable(self.failed) from exc
        if reply is None:
            self.failed = f"no answer within {LAUNCH_TIMEOUT_SECONDS:.0f} s"
            raise ZygoteUnavailable(self.failed)
        if not reply.get("ok"):
            error = str(reply.get("error") or "refused")
            if reply.get("stale", True):
                self.failed = error
            raise ZygoteUnavailable(error)
        return int(reply["pid"])  # type: ignore[call-overload]

    def stop(self, grace_seconds: float = 5.0) -> None:
        """Close the control socket (the zygote exits by itself), then make sure it did."""
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.close()
            self._socket = None
        process, self.process = self.process, None
        if process is None:
            return
        try:
            process.wait(timeout=grace_seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=grace_seconds)

    def _send(self, message: Mapping[str, object]) -> None:
        if self._socket is None:
            raise ZygoteUnavailable("stopped")
        self._socket.sendall(json.dumps(message).encode("utf-8") + b"\n")

    def _read(self, wait: float) -> dict[str, object] | None:
        """One JSON line, None if none arrived within ``wait`` s; raises at end of file."""
        if self._socket is None:
            raise ZygoteUnavailable("stopped")
        deadline = time.monotonic() + wait
        while b"\n" not in self._buffer:
            remaining = max(0.0, deadline - time.monotonic())
            readable, _, _ = select.select([self._socket], [], [], remaining)
            if not readable:
                return None
            chunk = self._socket.recv(1 << 16)
            if not chunk:
                raise ZygoteUnavailable("the zygote closed its socket (exited)")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError as exc:
            raise ZygoteUnavailable(f"unreadable answer {line[:80]!r}") from exc


# ------------------------------------------------------------------------------ the pool


@dataclass(frozen=True, slots=True)
class Launched:
    pid: int
    start_ticks: int | None


class WarmWorkers:
    """The zygote of one configuration in this process: started once, replaced when broken."""

    def __init__(self, preload: Sequence[str], working_directory: str | None) -> None:
        self.preload = tuple(preload)
        self.working_directory = working_directory
        self.zygote: ZygoteProcess | None = None
        self.restarts = 0
        self.last_failure: str | None = None
        self._lock = threading.Lock()
        self._retry_at = 0.0
        self._retry_pause = FIRST_RETRY_SECONDS

    def ensure_started(self) -> None:
        """Start a zygote unless one is running or warming (or a failed one's pause lasts)."""
        with self._lock:
            self._ensure_started_locked()

    def launch(self, run_id: str, serialized_args: str, origin_bin_dir: str) -> Launched:
        """Fork a run worker for the run, or raise ZygoteUnavailable saying why not (a zygote
        is then started or replaced in the background for the next runs)."""
        with self._lock:
            try:
                zygote = self._ensure_started_locked()
            except OSError as exc:  # cannot even start a process: the default way it is
                raise ZygoteUnavailable(f"cannot start the warm worker: {exc}") from exc
            if zygote is None:
                wait = max(0.0, self._retry_at - time.monotonic())
                raise ZygoteUnavailable(
                    f"the warm worker failed ({self.last_failure}); next start in {wait:.0f} s"
                )
            if not zygote.poll_ready():
                if zygote.failed is not None:
                    self._replace_locked(zygote.failed)
                    raise ZygoteUnavailable(f"warm worker failed: {zygote.failed}")
                raise ZygoteUnavailable("warm worker still loading the code")
            bin_dir = str(zygote.info.get("bin_dir"))
            if os.path.abspath(origin_bin_dir) != bin_dir:
                raise ZygoteUnavailable(
                    f"the run's Python ({origin_bin_dir}) is not the warm worker's ({bin_dir})"
                )
            try:
                pid = zygote.launch(run_id, serialized_args)
            except ZygoteUnavailable:
                if zygote.failed is not None:
                    self._replace_locked(zygote.failed)
                raise
            self._retry_pause = FIRST_RETRY_SECONDS
            return Launched(pid, process_start_ticks(pid))

    def stop(self) -> None:
        with self._lock:
            if self.zygote is not None:
                self.zygote.stop()
                self.zygote = None

    def _ensure_started_locked(self) -> ZygoteProcess | None:
        zygote = self.zygote
        if zygote is not None:
            running = zygote.process is not None and zygote.process.poll() is None
            if running and zygote.failed is None:
                return zygote
            self._replace_locked(zygote.failed or "exited")
            return self.zygote
        if time.monotonic() < self._retry_at:
            return None
        self.zygote = ZygoteProcess(self.preload, self.working_directory)
        self.zygote.start()
        return self.zygote

    def _replace_locked(self, reason: str) -> None:
        """Stop the current zygote and start another at once, or after a growing pause when it
        never became ready (the code itself fails to load: no restart loop)."""
        zygote, self.zygote = self.zygote, None
        if zygote is None:
            return
        never_ready = not zygote.ready
        zygote.stop(grace_seconds=1.0)
        self.restarts += 1
        self.last_failure = reason
        print(f"slomix warm run worker replaced ({reason})", file=sys.stderr, flush=True)
        if never_ready:
            self._retry_at = time.monotonic() + self._retry_pause
            self._retry_pause = min(self._retry_pause * 2, MAX_RETRY_SECONDS)
            return
        self._ensure_started_locked()


_POOLS: dict[tuple[tuple[str, ...], str | None], WarmWorkers] = {}
_POOLS_LOCK = threading.Lock()


def warm_workers(preload: Sequence[str], working_directory: str | None) -> WarmWorkers:
    """The process-wide pool of this configuration (every launcher object of the process, one
    per instance, shares it: one zygote per daemon)."""
    key = (tuple(preload), working_directory)
    with _POOLS_LOCK:
        pool = _POOLS.get(key)
        if pool is None:
            pool = _POOLS[key] = WarmWorkers(preload, working_directory)
            atexit.register(pool.stop)
        return pool
