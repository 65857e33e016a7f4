"""``release_freed_memory`` gives a freed heap back to the OS (the range run calls it per step)."""

from __future__ import annotations

import platform
from pathlib import Path

import pytest

from slomix_pipeline.memory_trim import release_freed_memory


def _rss_mb() -> int:
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) // 1024


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_freed_rows_leave_the_resident_set() -> None:
    survivors = []
    rows = []
    for i in range(200_000):  # ~200 MB of row-like objects with a few survivors among them
        rows.append({"payload": bytes(600 + i % 300), "name": str(i) * 5})
        if i % 1000 == 0:
            survivors.append(str(i) * 3)
    del rows
    before = _rss_mb()
    assert release_freed_memory() is True
    assert before - _rss_mb() > 50, "the freed pages go back to the OS"
    assert len(survivors) == 200
