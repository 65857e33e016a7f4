"""A throwaway OpenSSH server for the SFTP integration tests.

``start_sshd(root)`` runs ``sshd -D`` with its own configuration, its own host key, one user key
in its own authorized_keys, on a free loopback port, and the internal SFTP server. Tests talk to
it with the production client code; it is stopped (by its own pid) when the test module ends.

Without an OpenSSH server the tests skip with a message saying how to install one; under
``CI=true`` they fail instead, because CI must prove the real thing.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from slomix_pipeline.landing.sftp_sync import STREAM_FOLDERS, SftpSettings

SSHD_CANDIDATES = ("/usr/sbin/sshd", "/usr/local/sbin/sshd", "/sbin/sshd")
START_DEADLINE_SECONDS = 15.0


def require_sshd() -> str:
    """Path of the sshd binary; skip (or fail under CI=true) when there is none."""
    for candidate in SSHD_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("sshd")
    if found:
        return found
    message = (
        "OpenSSH server (sshd) not installed; install it to run the SFTP integration tests "
        "(Debian/Ubuntu: apt-get install -y openssh-server)"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {message}")
    pytest.skip(message)


def keygen(path: Path) -> str:
    """Create an ed25519 key pair at ``path``; return the public line ``type base64``."""
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "slomix-test", "-f", str(path)],
        check=True,
        capture_output=True,
    )
    kind, blob = path.with_suffix(".pub").read_text().split()[:2]
    return f"{kind} {blob}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ppid(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may contain spaces: split after the last ')'.
    return int(stat.rsplit(")", 1)[1].split()[1])


@dataclass
class SshdServer:
    """A running test sshd and everything a client needs to reach it."""

    root: Path
    port: int
    user: str
    user_key: Path
    host_public: str
    known_hosts: Path
    process: subprocess.Popen[bytes]

    def remote_dir(self, stream: str) -> Path:
        return self.root / "remote" / stream

    def settings(self, **overrides: object) -> SftpSettings:
        """Client settings for this server: every stream mapped to its remote folder."""
        values: dict[str, object] = {
            "host": "127.0.0.1",
            "port": self.port,
            "user": self.user,
            "key_file": self.user_key,
            "known_hosts": self.known_hosts,
            "remote_dirs": {stream: str(self.remote_dir(stream)) for stream in STREAM_FOLDERS},
            "settle_seconds": 0.0,
            "timeout_seconds": 10.0,
            "attempts": 3,
            "backoff_seconds": 0.0,
        }
        values.update(overrides)
        return SftpSettings(**values)  # type: ignore[arg-type]

    def env(self) -> dict[str, str]:
        """The same settings as ``SLOMIX_SFTP_*`` environment variables."""
        return {
            "SLOMIX_SFTP_HOST": "127.0.0.1",
            "SLOMIX_SFTP_PORT": str(self.port),
            "SLOMIX_SFTP_USER": self.user,
            "SLOMIX_SFTP_KEY_FILE": str(self.user_key),
            "SLOMIX_SFTP_KNOWN_HOSTS": str(self.known_hosts),
            "SLOMIX_SFTP_REMOTE_STATS_DIR": str(self.remote_dir("stats")),
            "SLOMIX_SFTP_REMOTE_GAMETIMES_DIR": str(self.remote_dir("gametimes")),
            "SLOMIX_SFTP_REMOTE_PROXIMITY_DIR": str(self.remote_dir("proximity")),
            "SLOMIX_SFTP_SETTLE_SECONDS": "0",
            "SLOMIX_SFTP_BACKOFF_SECONDS": "0",
        }

    def session_pids(self) -> list[int]:
        """Every process below the listening sshd: the per-connection session processes."""
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                parent = _ppid(int(entry))
                if parent is not None:
                    children.setdefault(parent, []).append(int(entry))
        found: list[int] = []
        todo = list(children.get(self.process.pid, []))
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children.get(pid, []))
        return found

    def kill_sessions(self) -> int:
        """SIGKILL every session process (a dropped connection); the listener keeps running."""
        pids = self.session_pids()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return len(pids)

    def log(self) -> str:
        return (self.root / "sshd.log").read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _config(root: Path, port: int, user: str) -> str:
    return "\n".join(
        [
            f"Port {port}",
            "ListenAddress 127.0.0.1",
            f"HostKey {root / 'host_key'}",
            f"PidFile {root / 'sshd.pid'}",
            f"AuthorizedKeysFile {root / 'authorized_keys'}",
            f"AllowUsers {user}",
            "StrictModes no",  # tmp folders are not owned the way sshd insists on for homes
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PermitRootLogin prohibit-password",
            "UsePAM no",
            "Subsystem sftp internal-sftp",
            "LogLevel VERBOSE",
            "",
        ]
    )


def start_sshd(root: Path) -> SshdServer:
    """Start a private sshd under ``root`` and wait (with a deadline) until it listens."""
    binary = require_sshd()
    if os.geteuid() == 0:
        # sshd running as root insists on its privilege-separation directory.
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    root.mkdir(parents=True, exist_ok=True)
    host_public = keygen(root / "host_key")
    keygen(root / "user_key")
    (root / "authorized_keys").write_text((root / "user_key.pub").read_text())
    for stream in STREAM_FOLDERS:
        (root / "remote" / stream).mkdir(parents=True, exist_ok=True)
    user = getpass.getuser()
    last_log = ""
    for _ in range(3):  # another process may grab the free port before sshd binds it
        port = free_port()
        (root / "sshd_config").write_text(_config(root, port, user))
        log = open(root / "sshd.log", "wb")  # noqa: SIM115 - handed to the child process
        process = subprocess.Popen(
            [binary, "-D", "-e", "-f", str(root / "sshd_config")],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + START_DEADLINE_SECONDS
        while time.monotonic() < deadline and process.poll() is None:
            last_log = (root / "sshd.log").read_text(errors="replace")
            if f"listening on 127.0.0.1 port {port}" in last_log:
                known_hosts = root / "known_hosts"
                known_hosts.write_text(f"[127.0.0.1]:{port} {host_public}\n")
                return SshdServer(
                    root, port, user, root / "user_key", host_public, known_hosts, process
                )
            time.sleep(0.02)  # polling the log with a deadline, not synchronising by sleep
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        last_log = (root / "sshd.log").read_text(errors="replace")
    pytest.fail(f"sshd did not start: {last_log[-2000:]}")


@contextlib.contextmanager
def running_sshd(root: Path) -> Iterator[SshdServer]:
    server = start_sshd(root)
    try:
        yield server
    finally:
        server.stop()
