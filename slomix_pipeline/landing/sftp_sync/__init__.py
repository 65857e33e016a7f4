"""SFTP mirror of the game server's output folders into the landing zone (paramiko).

The game server writes stats files, gametime fallback files and proximity files into folders of
its own. This module lists those folders, decides which files are new and finished, and lands
each one whole: download to a temporary name inside the landing folder, check that the byte
count matches and that the remote file did not change while it was read, fsync, rename, fsync
the folder, and only then record it in the ledger. A crash, a dropped connection or a file
still being written therefore never leaves a torn file under a real name, and a file is never
fetched twice.

Rules:

* **Host keys** are checked against the configured known_hosts file only. An unknown key is
  refused (a ``RejectPolicy``), a changed key is refused: both raise :class:`HostKeyError`, never
  retried, never auto-accepted. The file is read here, fail-closed: a key marked ``@revoked`` is
  refused even if also listed, ``@cert-authority`` lines (host certificates, which paramiko
  cannot check) vouch for nothing, an unknown marker or an unreadable line is a configuration
  error naming the line.
* **Finished files only.** A remote file is fetched when its size and mtime are the same in two
  consecutive listings, or its mtime is older than a settle time; the download is still
  discarded when size or mtime differ before and after the transfer. (SFTP v3 carries mtime in
  whole seconds, so the size check does most of the work for a file being appended to.) A file
  rewritten in place with the same size within the same second passes those checks, so the file
  is read a second time and both reads must have the same SHA-256, else it is ``changed``.
* **Names.** Stats folder: ``<stamp>-<map>-round-<N>.txt`` and the ``-endstats.txt`` side-car
  (useful later; the stats parser classifies it as a side-car), never the ``_ws.txt`` weapon dump
  or other files. Gametime folder: ``gametime-<map>-R<N>-<end>.json``. Proximity folder:
  ``<stamp>-<map>-round-<N>_engagements.txt`` (never the test-mode ``_lifecycle.txt``).
* **Ledger.** ``<data_dir>/.sftp_ledger.jsonl`` records every landing (and every failure, with a
  retry back-off), one JSON line each, appended with fsync; the last line per file wins. Unlike
  upstream there is no look-back window that marks old remote files as done without fetching
  them: nothing is skipped silently.
* **Errors.** A network error closes the session, waits (exponential back-off) and retries the
  file on a new connection; a file that keeps failing is recorded as ``failed`` (with a growing
  retry delay) and reported. One sync at a time per landing zone (a lock file), so two runs never
  race on a file.
* **Landing time.** Downloaded files keep the local landing time as mtime (like webhook drops);
  the remote mtime is kept in the ledger.

Where each rule lives: ``settings`` (streams, ``SLOMIX_SFTP_*``), ``errors``, ``records``,
``listing`` (wanted names, remote listing, settled files), ``connection`` (host keys, session),
``fetch`` (landing one file), ``ledger``, ``run`` (one sync run, retries, the lock) and
``cursor`` (the sensor's cursor and batch planning).
"""

from slomix_pipeline.landing.sftp_sync.connection import (
    Connector,
    KnownHosts,
    open_sftp,
    read_known_hosts,
)
from slomix_pipeline.landing.sftp_sync.cursor import (
    CURSOR_VERSION,
    RUN_ACTIVE,
    RUN_FAILED,
    RUN_SUCCEEDED,
    SftpCursor,
    SftpTickPlan,
    batch_digest,
    plan_sftp_tick,
)
from slomix_pipeline.landing.sftp_sync.errors import (
    HostKeyError,
    SftpAuthError,
    SftpConfigError,
    SftpError,
    SftpUnavailable,
)
from slomix_pipeline.landing.sftp_sync.fetch import (
    CHUNK_BYTES,
    TEMP_PREFIX,
    ChunkHook,
    fetch_file,
    remove_stale_temporaries,
)
from slomix_pipeline.landing.sftp_sync.ledger import LEDGER_NAME, Ledger
from slomix_pipeline.landing.sftp_sync.listing import is_wanted, list_remote, select_ready
from slomix_pipeline.landing.sftp_sync.records import (
    DONE_STATUSES,
    MAX_RETRY_DELAY_SECONDS,
    FetchOutcome,
    LedgerEntry,
    RemoteFile,
    RemoteListing,
    SyncReport,
)
from slomix_pipeline.landing.sftp_sync.run import LOCK_NAME, sync, sync_lock
from slomix_pipeline.landing.sftp_sync.settings import (
    STREAM_FOLDERS,
    STREAM_GAMETIMES,
    STREAM_PROXIMITY,
    STREAM_STATS,
    SftpSettings,
)

__all__ = [
    "CHUNK_BYTES",
    "CURSOR_VERSION",
    "DONE_STATUSES",
    "LEDGER_NAME",
    "LOCK_NAME",
    "MAX_RETRY_DELAY_SECONDS",
    "RUN_ACTIVE",
    "RUN_FAILED",
    "RUN_SUCCEEDED",
    "STREAM_FOLDERS",
    "STREAM_GAMETIMES",
    "STREAM_PROXIMITY",
    "STREAM_STATS",
    "TEMP_PREFIX",
    "ChunkHook",
    "Connector",
    "FetchOutcome",
    "HostKeyError",
    "KnownHosts",
    "Ledger",
    "LedgerEntry",
    "RemoteFile",
    "RemoteListing",
    "SftpAuthError",
    "SftpConfigError",
    "SftpCursor",
    "SftpError",
    "SftpSettings",
    "SftpTickPlan",
    "SftpUnavailable",
    "SyncReport",
    "batch_digest",
    "fetch_file",
    "is_wanted",
    "list_remote",
    "open_sftp",
    "plan_sftp_tick",
    "read_known_hosts",
    "remove_stale_temporaries",
    "select_ready",
    "sync",
    "sync_lock",
]
