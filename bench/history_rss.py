"""Peak resident set per Dagster step of a running rebuild (``bench/history.py --rss-steps``).

A thread polls, every half second, the resident set of the process tree under the bench's probe
(the CLI that runs the job in process) and the step that last started in the instance's event
log, and keeps the largest resident set seen while each step was the latest started. Steps run
one at a time in the in-process executor, so "latest started" is "running" (or the gap after it:
the run process's own work between steps is attributed to the step before).
"""

from __future__ import annotations

import threading
from pathlib import Path


def _tree_rss_mb(root: int) -> float:
    """Sum of VmRSS of ``root`` and its descendants (0 when gone)."""
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
            for task in Path(f"/proc/{pid}/task").iterdir():
                kids = (task / "children").read_text().split()
                stack.extend(int(k) for k in kids)
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


class StepRssSampler:
    """Samples until :meth:`stop`; the summary names each step's peak resident set."""

    def __init__(self, pid: int, instance_url: str, interval: float = 0.5) -> None:
        from sqlalchemy import create_engine

        self._pid, self._interval = pid, interval
        self._engine = create_engine(instance_url, pool_size=1)
        self._peaks: dict[str, float] = {}
        self._order: list[str] = []
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _current_step(self) -> str:
        from sqlalchemy import text

        try:
            with self._engine.connect() as conn:
                row = conn.execute(
                    text(
                        "SELECT step_key FROM event_logs WHERE dagster_event_type = 'STEP_START'"
                        " ORDER BY id DESC LIMIT 1"
                    )
                ).first()
        except Exception:  # the table does not exist before the run's first event
            return "(start-up)"
        return row[0] if row else "(start-up)"

    def _loop(self) -> None:
        while not self._done.wait(self._interval):
            rss = _tree_rss_mb(self._pid) - _own_probe_rss(self._pid)
            step = self._current_step()
            if step not in self._peaks:
                self._order.append(step)
                self._peaks[step] = 0.0
            self._peaks[step] = max(self._peaks[step], rss)

    def stop(self) -> str:
        self._done.set()
        self._thread.join()
        self._engine.dispose()
        lines = [f"    {step:<40} peak {self._peaks[step]:7.0f} MB" for step in self._order]
        return "  peak RSS per step (run process):\n" + "\n".join(lines)


def _own_probe_rss(pid: int) -> float:
    """The probe itself (a small Python waiting for the CLI) is not the run's."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0
