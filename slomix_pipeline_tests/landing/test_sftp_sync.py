"""SFTP sync: name filters, readiness, ledger and cursor (unit), and a REAL OpenSSH server.

The integration tests start ``sshd -D`` on a free loopback port (see ``sshd.py``) and drive the
production client against it: new files fetched exactly once, a file still being written never
landed torn, unknown or changed host keys refused, a connection killed mid-transfer leaving no
partial file, and the next run completing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from slomix_pipeline.landing.sftp_sync import (
    LEDGER_NAME,
    RUN_ACTIVE,
    RUN_FAILED,
    RUN_SUCCEEDED,
    TEMP_PREFIX,
    HostKeyError,
    Ledger,
    LedgerEntry,
    RemoteFile,
    RemoteListing,
    SftpConfigError,
    SftpCursor,
    SftpSettings,
    is_wanted,
    list_remote,
    open_sftp,
    plan_sftp_tick,
    remove_stale_temporaries,
    select_ready,
    sync,
    sync_lock,
)
from slomix_pipeline.landing.zone import GAMETIMES_FOLDER, PROXIMITY_FOLDER, STATS_FOLDER
from slomix_pipeline_tests.landing.sshd import SshdServer, free_port, keygen, running_sshd

STATS_1 = "2026-02-10-213012-supply-round-1.txt"
STATS_2 = "2026-02-10-214530-supply-round-2.txt"
ENDSTATS = "2026-02-10-214533-supply-round-2-endstats.txt"
WEAPONS = "2026-02-10-214530-supply-round-2_ws.txt"
GAMETIME = "gametime-supply-R2-1770756330.json"
ENGAGEMENTS = "2026-02-10-214530-supply-round-2_engagements.txt"
LIFECYCLE = "2026-02-10-214530-supply-round-2_lifecycle.txt"
FUTURE = 4_000_000_000.0  # a "now" after every mtime: everything counts as settled


def remote(name: str, size: int = 10, mtime: int = 1000, stream: str = "stats") -> RemoteFile:
    return RemoteFile(stream, name, size, mtime)


# ------------------------------------------------------------------------------------- unit


def test_name_filters_follow_the_reference() -> None:
    assert is_wanted("stats", STATS_1)
    assert is_wanted("stats", ENDSTATS)  # fetched: useful later, a side-car for the parser
    assert not is_wanted("stats", WEAPONS)  # the per-weapon dump is excluded
    assert not is_wanted("stats", ENGAGEMENTS)
    assert not is_wanted("stats", "notes.txt")
    assert not is_wanted("stats", ".hidden-round-1.txt")
    assert is_wanted("gametimes", GAMETIME)
    assert not is_wanted("gametimes", "gametime-supply.json")
    assert is_wanted("proximity", ENGAGEMENTS)
    assert not is_wanted("proximity", LIFECYCLE)  # test-mode file, never fetched


def test_ready_needs_two_agreeing_listings_or_the_settle_time() -> None:
    growing = remote("a", size=10, mtime=1000)
    old = remote("b", size=5, mtime=990)
    kwargs = {"now": 1001.0, "settle_seconds": 60.0, "retry_after_seconds": 60.0}
    ready, unsettled = select_ready([growing, old], {}, {}, **kwargs)
    assert ready == [] and unsettled == [growing, old]
    # Next listing: "a" grew, "b" did not change.
    grown = remote("a", size=20, mtime=1001)
    ready, unsettled = select_ready(
        [grown, old], {"stats/a": (10, 1000), "stats/b": (5, 990)}, {}, **kwargs
    )
    assert ready == [old] and unsettled == [grown]
    # Old enough on its own:
    ready, _ = select_ready([grown], {}, {}, now=1061.0, settle_seconds=60.0, retry_after_seconds=0)
    assert ready == [grown]


def test_landed_and_recently_failed_files_are_not_ready() -> None:
    done = LedgerEntry("stats", "a", "landed", 10, 1000, at=5000.0, sha256="x")
    failed = LedgerEntry("stats", "b", "failed", 10, 1000, at=5000.0, error="boom", failures=2)
    files = [remote("a"), remote("b")]
    ready, _ = select_ready(
        files,
        {},
        {"stats/a": done, "stats/b": failed},
        now=5100.0,
        settle_seconds=0,
        retry_after_seconds=60,
    )
    assert ready == []  # b waits 2 * 60 s after its second failure
    ready, _ = select_ready(
        files,
        {},
        {"stats/a": done, "stats/b": failed},
        now=5121.0,
        settle_seconds=0,
        retry_after_seconds=60,
    )
    assert ready == [remote("b")]


def test_ledger_keeps_the_last_entry_and_survives_a_torn_line(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / LEDGER_NAME)
    assert ledger.load() == {}
    ledger.append(LedgerEntry("stats", "a", "failed", 1, 2, at=1.0, error="x", failures=1))
    with open(ledger.path, "ab") as handle:
        handle.write(b'{"stream": "stats", "name": "tor')  # crash in the middle of a line
    ledger.append(LedgerEntry("stats", "a", "landed", 1, 2, at=2.0, sha256="f"))
    loaded = ledger.load()
    assert list(loaded) == ["stats/a"]
    assert loaded["stats/a"].status == "landed" and loaded["stats/a"].done


def test_settings_from_env(tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"
    known.write_text("")
    assert SftpSettings.from_env({}) is None
    env = {
        "SLOMIX_SFTP_HOST": "game.example",
        "SLOMIX_SFTP_USER": "et",
        "SLOMIX_SFTP_KEY_FILE": str(tmp_path / "id"),
        "SLOMIX_SFTP_KNOWN_HOSTS": str(known),
        "SLOMIX_SFTP_REMOTE_STATS_DIR": "/home/et/.etlegacy/legacy/gamestats",
    }
    settings = SftpSettings.from_env(env)
    assert settings is not None
    assert settings.port == 22 and dict(settings.remote_dirs) == {
        "stats": "/home/et/.etlegacy/legacy/gamestats"
    }
    with pytest.raises(SftpConfigError, match="SLOMIX_SFTP_USER"):
        SftpSettings.from_env({**env, "SLOMIX_SFTP_USER": ""})
    with pytest.raises(SftpConfigError, match="REMOTE"):
        SftpSettings.from_env({k: v for k, v in env.items() if "REMOTE" not in k})
    with pytest.raises(SftpConfigError, match="KNOWN_HOSTS"):
        SftpSettings.from_env({**env, "SLOMIX_SFTP_KNOWN_HOSTS": str(tmp_path / "nope")})
    with pytest.raises(SftpConfigError, match="SLOMIX_SFTP_PORT"):
        SftpSettings.from_env({**env, "SLOMIX_SFTP_PORT": "99999"})


def test_sensor_plan_batches_ready_files_and_keys_are_stable() -> None:
    settings = SftpSettings(
        "h", 22, "u", Path("k"), Path("kh"), {"stats": "/r"}, settle_seconds=60, max_files_per_run=2
    )
    listing = RemoteListing(
        (
            remote("a", mtime=100),
            remote("b", mtime=101),
            remote("c", mtime=102),
            remote("new", mtime=990),
        )
    )
    plan = plan_sftp_tick(listing, {}, SftpCursor(), now=1000.0, settings=settings)
    assert [f.name for f in plan.batch] == ["a", "b"]  # oldest first, capped
    assert plan.unsettled == 1 and plan.pending == 4
    assert plan.cursor.inflight == plan.run_key and plan.cursor.seq == 1
    again = plan_sftp_tick(listing, {}, SftpCursor(), now=1003.0, settings=settings)
    assert again.run_key == plan.run_key  # a re-evaluated tick asks for the same run
    assert SftpCursor.from_json(plan.cursor.to_json()) == plan.cursor
    # The run failed: the same files come back under a NEW key after the back-off.
    failed = plan.cursor.after_run(RUN_FAILED, now=1010.0, retry_after_seconds=60)
    assert failed.inflight is None and failed.failed_runs == 1 and failed.not_before == 1070.0
    retry = plan_sftp_tick(listing, {}, failed, now=1080.0, settings=settings)
    assert [f.name for f in retry.batch] == ["a", "b"] and retry.run_key != plan.run_key
    assert plan.cursor.after_run(RUN_ACTIVE, 1010.0, 60) == plan.cursor
    assert plan.cursor.after_run(RUN_SUCCEEDED, 1010.0, 60).failed_runs == 0


def test_stale_temporaries_are_removed_only_under_the_lock(tmp_path: Path) -> None:
    folder = tmp_path / STATS_FOLDER
    folder.mkdir()
    (folder / f"{TEMP_PREFIX}abc").write_bytes(b"half a file")
    (folder / ".landing-receiver").write_bytes(b"not ours")
    (folder / STATS_1).write_bytes(b"landed")
    with sync_lock(tmp_path) as first:
        assert first
        with sync_lock(tmp_path) as second:
            assert not second  # a concurrent sync is refused, not raced
        assert remove_stale_temporaries(tmp_path) == 1
    assert sorted(os.listdir(folder)) == [".landing-receiver", STATS_1]


def test_unreachable_server_lands_nothing_and_backs_off(tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"
    known.write_text("")
    settings = SftpSettings(
        "127.0.0.1",
        free_port(),
        "nobody",
        tmp_path / "id",
        known,
        {"stats": "/r"},
        timeout_seconds=2,
        attempts=3,
        backoff_seconds=0.5,
    )
    waits: list[float] = []
    report = sync(settings, tmp_path / "zone", [remote(STATS_1)], sleep=waits.append)
    assert report.unreachable is not None and not report.ok
    assert waits == [0.5, 1.0]  # exponential back-off between the three attempts
    assert report.not_attempted == [remote(STATS_1)]
    assert Ledger(tmp_path / "zone" / LEDGER_NAME).load() == {}  # no penalty for the file


# ------------------------------------------------------------------------------ integration


@pytest.fixture(scope="module")
def sshd(tmp_path_factory) -> Iterator[SshdServer]:
    with running_sshd(tmp_path_factory.mktemp("sshd")) as server:
        yield server


def put(server: SshdServer, stream: str, name: str, data: bytes, mtime: int | None = None) -> Path:
    path = server.remote_dir(stream) / name
    path.write_bytes(data)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def listing_of(server: SshdServer, settings: SftpSettings | None = None) -> RemoteListing:
    settings = settings or server.settings()
    with open_sftp(settings) as sftp:
        return list_remote(sftp, settings)


def landed_names(zone: Path, folder: str) -> list[str]:
    return sorted(os.listdir(zone / folder)) if (zone / folder).exists() else []


@pytest.fixture
def clean_remote(sshd: SshdServer) -> SshdServer:
    for stream in ("stats", "gametimes", "proximity"):
        for path in sshd.remote_dir(stream).iterdir():
            path.unlink()
    return sshd


@pytest.mark.integration
def test_new_remote_files_are_fetched_exactly_once(
    clean_remote: SshdServer, tmp_path: Path
) -> None:
    server = clean_remote
    files = {
        ("stats", STATS_1): b"stats r1\n" * 100,
        ("stats", STATS_2): b"stats r2\n" * 100,
        ("stats", ENDSTATS): b"Most damage given\tAlphaOne\t1550\n",
        ("stats", WEAPONS): b"weapon dump\n",
        ("stats", "README"): b"not a stats file\n",
        ("gametimes", GAMETIME): b'{"meta": {}}',
        ("proximity", ENGAGEMENTS): b"# PROXIMITY_TRACKER_V4\n",
        ("proximity", LIFECYCLE): b"lifecycle\n",
    }
    for (stream, name), data in files.items():
        put(server, stream, name, data, mtime=1_770_756_000)
    zone = tmp_path / "zone"
    report = sync(server.settings(), zone)
    assert report.ok
    assert sorted(f.name for f in report.landed) == sorted(
        [STATS_1, STATS_2, ENDSTATS, GAMETIME, ENGAGEMENTS]
    )
    assert landed_names(zone, STATS_FOLDER) == sorted([STATS_1, STATS_2, ENDSTATS])
    assert landed_names(zone, GAMETIMES_FOLDER) == [GAMETIME]
    assert landed_names(zone, PROXIMITY_FOLDER) == [ENGAGEMENTS]
    for (stream, name), data in files.items():
        folder = {
            "stats": STATS_FOLDER,
            "gametimes": GAMETIMES_FOLDER,
            "proximity": PROXIMITY_FOLDER,
        }[stream]
        if (zone / folder / name).exists():
            assert (zone / folder / name).read_bytes() == data
    assert report.bytes_fetched == sum(
        len(d)
        for (s, n), d in files.items()
        if n in {STATS_1, STATS_2, ENDSTATS, GAMETIME, ENGAGEMENTS}
    )
    ledger = Ledger(zone / LEDGER_NAME).load()
    assert len(ledger) == 5 and all(e.status == "landed" and e.sha256 for e in ledger.values())
    stamp_before = (zone / STATS_FOLDER / STATS_1).stat().st_ctime_ns

    # Second run: nothing is fetched again, nothing on disk is touched.
    again = sync(server.settings(), zone)
    assert again.ok and again.landed == [] and again.requested == 0
    assert (zone / STATS_FOLDER / STATS_1).stat().st_ctime_ns == stamp_before

    # A new remote file: only that one is fetched.
    put(server, "stats", "2026-02-10-220000-radar-round-1.txt", b"radar\n", mtime=1_770_757_000)
    third = sync(server.settings(), zone)
    assert [f.name for f in third.landed] == ["2026-02-10-220000-radar-round-1.txt"]
    assert len(Ledger(zone / LEDGER_NAME).load()) == 6


@pytest.mark.integration
def test_a_file_still_being_written_is_not_fetched_torn(
    clean_remote: SshdServer, tmp_path: Path
) -> None:
    server = clean_remote
    settings = server.settings(settle_seconds=3600.0)  # only the two-listing rule applies
    path = server.remote_dir("stats") / STATS_1
    zone = tmp_path / "zone"
    with open(path, "wb") as writer:
        writer.write(b"header line\n")
        writer.flush()
        first = listing_of(server, settings).files
        ready, unsettled = select_ready(
            first, {}, {}, now=time.time(), settle_seconds=3600, retry_after_seconds=0
        )
        assert ready == [] and [f.name for f in unsettled] == [STATS_1]
        writer.write(b"player line\n" * 50)
        writer.flush()
        second = listing_of(server, settings).files
        previous = {f.key: (f.size, f.mtime) for f in first}
        ready, _ = select_ready(
            second, previous, {}, now=time.time(), settle_seconds=3600, retry_after_seconds=0
        )
        assert ready == []  # it grew between the listings

        # A run asked for the first listing's view refuses the file: it changed since.
        report = sync(settings, zone, first)
        assert [f.name for f, _ in report.changed] == [STATS_1]
        assert landed_names(zone, STATS_FOLDER) == []

        # The file grows while it is being downloaded: the download is discarded.
        def keep_writing(remote_file: RemoteFile, received: int) -> None:
            writer.write(b"late line\n" * 10)
            writer.flush()

        report = sync(settings, zone, second, on_chunk=keep_writing)
        assert [f.name for f, _ in report.changed] == [STATS_1]
        assert "during transfer" in report.changed[0][1]
        assert landed_names(zone, STATS_FOLDER) == []
        assert Ledger(zone / LEDGER_NAME).load() == {}
    final = path.read_bytes()
    third = listing_of(server, settings).files
    fourth = listing_of(server, settings).files
    previous = {f.key: (f.size, f.mtime) for f in third}
    ready, _ = select_ready(
        fourth, previous, {}, now=time.time(), settle_seconds=3600, retry_after_seconds=0
    )
    assert [f.name for f in ready] == [STATS_1]
    report = sync(settings, zone, ready)
    assert [f.name for f in report.landed] == [STATS_1]
    assert (zone / STATS_FOLDER / STATS_1).read_bytes() == final


@pytest.mark.integration
def test_unknown_and_changed_host_keys_are_refused(
    clean_remote: SshdServer, tmp_path: Path
) -> None:
    server = clean_remote
    put(server, "stats", STATS_1, b"x", mtime=1_770_756_000)
    empty = tmp_path / "empty_known_hosts"
    empty.write_text("")
    other = keygen(tmp_path / "impostor")
    wrong = tmp_path / "wrong_known_hosts"
    wrong.write_text(f"[127.0.0.1]:{server.port} {other}\n")
    for known_hosts, message in ((empty, "is not in"), (wrong, "does NOT match")):
        connects = []

        def counting(settings: SftpSettings, _log=connects):
            _log.append(1)
            return open_sftp(settings)

        zone = tmp_path / f"zone-{known_hosts.name}"
        with pytest.raises(HostKeyError, match=message):
            sync(server.settings(known_hosts=known_hosts), zone, connect=counting)
        assert connects == [1]  # refused once, never retried
        assert landed_names(zone, STATS_FOLDER) == []
    assert known_hosts.read_text() == wrong.read_text()  # nothing was auto-added


@pytest.mark.integration
@pytest.mark.parametrize("attempts", [1, 3])
def test_dropped_connection_mid_transfer_leaves_no_partial_file(
    clean_remote: SshdServer, tmp_path: Path, attempts: int
) -> None:
    server = clean_remote
    payload = os.urandom(8 * 1024 * 1024)
    put(server, "proximity", ENGAGEMENTS, payload, mtime=1_770_756_000)
    zone = tmp_path / "zone"
    killed: list[int] = []
    seen_partial: list[list[str]] = []

    def drop_connection(remote_file: RemoteFile, received: int) -> None:
        if not killed:
            killed.append(server.kill_sessions())
            seen_partial.append(sorted(os.listdir(zone / PROXIMITY_FOLDER)))

    settings = server.settings(attempts=attempts, retry_after_seconds=0.0)  # no back-off wait
    report = sync(settings, zone, on_chunk=drop_connection)
    assert killed and killed[0] >= 1
    # While the transfer ran only the hidden temporary existed, never the real name.
    assert ENGAGEMENTS not in seen_partial[0]
    assert all(name.startswith(TEMP_PREFIX) for name in seen_partial[0])
    if attempts == 1:
        assert [f.name for f, _ in report.failed] == [ENGAGEMENTS]
        assert landed_names(zone, PROXIMITY_FOLDER) == []  # no partial file, no temporary
        entry = Ledger(zone / LEDGER_NAME).load()[f"proximity/{ENGAGEMENTS}"]
        assert entry.status == "failed" and entry.failures == 1
        report = sync(settings, zone)  # the next run completes
    else:
        assert report.retries >= 1
    assert report.ok and [f.name for f in report.landed] == [ENGAGEMENTS]
    assert landed_names(zone, PROXIMITY_FOLDER) == [ENGAGEMENTS]
    assert (zone / PROXIMITY_FOLDER / ENGAGEMENTS).read_bytes() == payload


@pytest.mark.integration
def test_a_crash_after_landing_but_before_the_ledger_is_adopted_not_duplicated(
    clean_remote: SshdServer, tmp_path: Path
) -> None:
    server = clean_remote
    put(server, "stats", STATS_1, b"same bytes\n", mtime=1_770_756_000)
    put(server, "stats", STATS_2, b"remote version\n", mtime=1_770_756_000)
    zone = tmp_path / "zone"
    (zone / STATS_FOLDER).mkdir(parents=True)
    (zone / STATS_FOLDER / STATS_1).write_bytes(b"same bytes\n")  # landed, ledger line lost
    (zone / STATS_FOLDER / STATS_2).write_bytes(b"local version\n")  # someone else's file
    report = sync(server.settings(), zone)
    assert [f.name for f in report.adopted] == [STATS_1]
    assert [f.name for f, _ in report.conflicts] == [STATS_2]
    assert (zone / STATS_FOLDER / STATS_2).read_bytes() == b"local version\n"  # never overwritten
    assert sync(server.settings(), zone).requested == 0  # both are settled in the ledger


# ------------------------------------------------------- known_hosts markers and in-place rewrites


@pytest.mark.integration
def test_known_hosts_markers_fail_closed(clean_remote: SshdServer, tmp_path: Path) -> None:
    server = clean_remote
    put(server, "stats", STATS_1, b"x", mtime=1_770_756_000)
    entry = f"[127.0.0.1]:{server.port} {server.host_public}"
    cases = {
        # listed AND revoked: OpenSSH refuses it, so do we
        "revoked": (f"{entry}\n@revoked * {server.host_public}\n", HostKeyError, "REVOKED"),
        "ca_only": (f"@cert-authority * {server.host_public}\n", HostKeyError, "cert-authority"),
        "unknown_marker": (f"@future {entry}\n", SftpConfigError, "unknown marker"),
        "garbage": (
            f"{entry}\n[127.0.0.1]:1 ssh-ed25519 %%%notbase64\n",
            SftpConfigError,
            "line 2",
        ),
    }
    for label, (text, error, message) in cases.items():
        known = tmp_path / f"known_{label}"
        known.write_text(text)
        zone = tmp_path / f"zone-{label}"
        with pytest.raises(error, match=message):
            sync(server.settings(known_hosts=known), zone)
        assert landed_names(zone, STATS_FOLDER) == []
    other = keygen(tmp_path / "other")  # a revocation of another key changes nothing
    fine = tmp_path / "known_fine"
    fine.write_text(f"# comment\n{entry}\n@revoked * {other}\n")
    report = sync(server.settings(known_hosts=fine), tmp_path / "zone-fine")
    assert [f.name for f in report.landed] == [STATS_1]


@pytest.mark.integration
def test_same_size_rewrite_in_the_same_second_is_not_landed_torn(
    clean_remote: SshdServer, tmp_path: Path
) -> None:
    server = clean_remote
    old, new = b"A" * 200_000 + b"\n", b"B" * 200_000 + b"\n"
    path = put(server, "stats", STATS_1, old, mtime=1_770_756_000)
    settings = server.settings()
    listing = listing_of(server, settings).files
    zone = tmp_path / "zone"
    rewritten = []

    def rewrite_in_place(remote_file: RemoteFile, received: int) -> None:
        if not rewritten:  # same size, same mtime second: invisible to stat
            path.write_bytes(new)
            os.utime(path, (1_770_756_000, 1_770_756_000))
            rewritten.append(received)

    report = sync(settings, zone, listing, on_chunk=rewrite_in_place)
    assert rewritten
    assert [f.name for f, _ in report.changed] == [STATS_1]
    assert "two reads differ" in report.changed[0][1]
    assert landed_names(zone, STATS_FOLDER) == []
    report = sync(settings, zone, listing_of(server, settings).files)
    assert [f.name for f in report.landed] == [STATS_1]
    assert (zone / STATS_FOLDER / STATS_1).read_bytes() == new
