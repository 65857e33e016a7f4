"""Opening an SFTP session: known_hosts read fail-closed, unknown or changed host keys refused."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paramiko

from slomix_pipeline.landing.sftp_sync.errors import HostKeyError, SftpAuthError, SftpConfigError
from slomix_pipeline.landing.sftp_sync.settings import SftpSettings


@dataclass(frozen=True, slots=True)
class KnownHosts:
    """A known_hosts file read fail-closed: plain entries, revoked keys, ignored CA lines."""

    entries: tuple[tuple[str, paramiko.PKey], ...]
    revoked: dict[bytes, int]
    """Revoked key blobs -> their line number (a revoked key is refused for every host)."""
    cert_authority_lines: tuple[int, ...]


def read_known_hosts(path: Path) -> KnownHosts:
    """Parse ``path`` line by line; raise :class:`SftpConfigError` naming any line it cannot use.

    paramiko's own loader raises raw exceptions on marker lines (``@revoked``) or skips them, so
    a revoked key could still be trusted; this reader refuses instead.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SftpConfigError(f"cannot read known_hosts {path}: {exc}") from exc
    entries: list[tuple[str, paramiko.PKey]] = []
    revoked: dict[bytes, int] = {}
    cert_authority: list[int] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        marker = None
        if line.startswith("@"):
            marker, _, line = line.partition(" ")
            line = line.strip()
            if marker not in ("@revoked", "@cert-authority"):
                raise SftpConfigError(f"{path} line {number}: unknown marker {marker!r}")
        try:
            entry = paramiko.hostkeys.HostKeyEntry.from_line(line, number)
        except Exception as exc:  # paramiko raises several types for one bad line
            raise SftpConfigError(f"{path} line {number}: unreadable entry ({exc})") from exc
        if entry is None or entry.key is None:
            if marker == "@revoked":  # fail closed: a revocation we cannot read is an error
                raise SftpConfigError(f"{path} line {number}: unreadable @revoked key")
            continue  # a key type paramiko does not know: it vouches for nothing
        if marker == "@revoked":
            revoked[entry.key.asbytes()] = number
        elif marker == "@cert-authority":
            cert_authority.append(number)
        else:
            entries.extend((host, entry.key) for host in entry.hostnames)
    return KnownHosts(tuple(entries), revoked, tuple(cert_authority))


class _RefuseUnknownHost(paramiko.RejectPolicy):
    """RejectPolicy with a message that says what to check and how to trust the key."""

    def __init__(self, known_hosts: Path, table: KnownHosts | None = None) -> None:
        self._known_hosts = known_hosts
        self._table = table or KnownHosts((), {}, ())

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: Any) -> None:
        fingerprint = key.fingerprint if hasattr(key, "fingerprint") else key.get_name()
        line = self._table.revoked.get(key.asbytes()) if hasattr(key, "asbytes") else None
        if line is not None:
            raise HostKeyError(
                f"host key of {hostname} ({fingerprint}) is REVOKED in {self._known_hosts} "
                f"line {line}: refused."
            )
        note = ""
        if self._table.cert_authority_lines:
            note = (
                f" (@cert-authority lines {list(self._table.cert_authority_lines)} are not "
                "supported: list the host key itself)"
            )
        raise HostKeyError(
            f"host key of {hostname} ({fingerprint}) is not in {self._known_hosts}: refused{note}. "
            "Verify the key out of band, then add it (ssh-keyscan -p <port> <host>)."
        )


@contextlib.contextmanager
def open_sftp(settings: SftpSettings) -> Iterator[paramiko.SFTPClient]:
    """An SFTP session with a verified host key and key-only authentication."""
    client = paramiko.SSHClient()
    try:
        table = read_known_hosts(settings.known_hosts)
        host_keys = client.get_host_keys()
        for host, key in table.entries:
            if key.asbytes() not in table.revoked:  # a revoked key is never trusted
                host_keys.add(host, key.get_name(), key)
        client.set_missing_host_key_policy(_RefuseUnknownHost(settings.known_hosts, table))
        try:
            client.connect(
                settings.host,
                port=settings.port,
                username=settings.user,
                key_filename=str(settings.key_file),
                look_for_keys=False,
                allow_agent=False,
                timeout=settings.timeout_seconds,
                banner_timeout=settings.timeout_seconds,
                auth_timeout=settings.timeout_seconds,
                channel_timeout=settings.timeout_seconds,
            )
        except paramiko.BadHostKeyException as exc:
            raise HostKeyError(
                f"host key of {settings.host}:{settings.port} does NOT match "
                f"{settings.known_hosts} (got {exc.key.get_name()} {exc.key.fingerprint}): "
                "refused. The server was reinstalled or someone is in the middle; check before "
                "replacing the known_hosts entry."
            ) from exc
        except paramiko.AuthenticationException as exc:
            raise SftpAuthError(
                f"{settings.user}@{settings.host}:{settings.port} refused key "
                f"{settings.key_file}: {exc}"
            ) from exc
        sftp = client.open_sftp()
        sftp.get_channel().settimeout(settings.timeout_seconds)
        yield sftp
    finally:
        client.close()


Connector = Callable[[SftpSettings], contextlib.AbstractContextManager[paramiko.SFTPClient]]
