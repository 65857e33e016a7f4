"""PostgreSQL's side of a rebuild (``bench/history.py``): server CPU and what the events weigh.

The run process's CPU (``RUSAGE_CHILDREN``) leaves out the PostgreSQL backends that store the
warehouse rows and the Dagster events; on a 2-core machine their CPU competes with the run's.
:class:`ServerCpuSampler` polls ``pg_stat_activity`` for the backends of the rebuild's two
databases and reads each one's CPU from ``/proc`` (the server runs on this machine), keeping the
last figure per backend: a backend that exits between two polls loses at most one interval of
its CPU (the run's pooled connections live for the whole run).

:func:`event_breakdown` counts and weighs the event log rows a rebuild wrote, by event type and
asset, and the rows of ``asset_check_executions``: where the instance's growth comes from.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime


class ServerCpuSampler:
    """CPU seconds of the PostgreSQL backends serving ``databases`` until :meth:`stop`."""

    def __init__(self, admin_url: str, databases: list[str], interval: float = 0.25) -> None:
        from sqlalchemy import create_engine

        self._engine = create_engine(admin_url, pool_size=1)
        self._databases = databases
        self._interval = interval
        self._seen: dict[int, float] = {}
        self._own: int | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        from sqlalchemy import text

        with self._engine.connect() as conn:
            if self._own is None:
                self._own = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
            pids = conn.execute(
                text("SELECT pid FROM pg_stat_activity WHERE datname = ANY(:names)"),
                {"names": self._databases},
            ).scalars()
            for pid in pids:
                cpu = _cpu_seconds(pid)
                if cpu is not None:
                    self._seen[pid] = max(cpu, self._seen.get(pid, 0.0))

    def _loop(self) -> None:
        while not self._done.wait(self._interval):
            try:
                self._poll()
            except Exception:  # the server is busy or a database is being dropped: next poll
                continue

    def stop(self) -> float:
        """The summed CPU seconds of every backend seen."""
        self._done.set()
        self._thread.join()
        self._engine.dispose()
        return sum(self._seen.values())


def event_breakdown(instance_url: str, after_id: int) -> str:
    """Rows and bytes of ``event_logs`` above ``after_id``, by type and asset (largest first)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(instance_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT dagster_event_type, coalesce(asset_key, ''), count(*), "
                "sum(octet_length(event)) FROM event_logs WHERE id > :after "
                "GROUP BY 1, 2 ORDER BY 4 DESC"
            ),
            {"after": after_id},
        ).all()
        checks = conn.execute(
            text(
                "SELECT execution_status, count(*), sum(octet_length(evaluation_event)) "
                "FROM asset_check_executions GROUP BY 1 ORDER BY 1"
            )
        ).all()
    engine.dispose()
    lines = ["  events by type and asset (rows, MB of event JSON):"]
    lines += [f"    {t or '-':<34} {a[:44]:<46} {n:7,} {b / 1e6:8.2f}" for t, a, n, b in rows[:30]]
    lines.append("  asset_check_executions rows (all rebuilds so far):")
    lines += [f"    {s:<12} {n:7,} {b / 1e6:8.2f} MB" for s, n, b in checks]
    return "\n".join(lines)
