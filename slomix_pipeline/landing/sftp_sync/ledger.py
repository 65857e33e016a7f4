"""Append-only JSON-lines ledger of landed (and failed) remote files; last line per file wins."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

from slomix_pipeline.landing.sftp_sync.records import LedgerEntry

LEDGER_NAME = ".sftp_ledger.jsonl"


class Ledger:
    """Append-only JSON-lines record of fetched (and failed) remote files."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, LedgerEntry]:
        """Last entry per file. A torn last line (crash mid-append) is skipped: the file it
        described is then met again, found identical on disk and recorded as adopted."""
        entries: dict[str, LedgerEntry] = {}
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return entries
        for line in text.splitlines():
            try:
                entry = LedgerEntry(**json.loads(line))
            except (ValueError, TypeError):
                continue
            entries[entry.key] = entry
        return entries

    def append(self, entry: LedgerEntry) -> None:
        """Append one line durably (a missing newline after a torn line is repaired first)."""
        line = json.dumps(asdict(entry), sort_keys=True, separators=(",", ":")) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a+b") as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell() > 0:
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != b"\n":
                    handle.write(b"\n")
            handle.write(line.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
