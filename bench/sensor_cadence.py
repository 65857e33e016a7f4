"""Landing-sensor tick cadence: stock ``dagster-daemon`` (5 s loop) vs ``slomix_pipeline.daemon``.

    .venv/bin/python bench/sensor_cadence.py 0.5 stock   # loop periods to compare, in seconds

Starts the real daemon on a throw-away instance (the end-to-end tests' helper, sensor interval
1 s), waits for 12 ticks of ``landing_zone_sensor`` and prints the median and largest gap
between the last 11: how long a landed file can wait before any sensor sees it. Tick times are
stamped by the daemon, so the figure holds on a loaded machine where end-to-end latency does not.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def tick_gaps(loop_seconds: float | None) -> list[float]:
    """Gaps between the last 11 of 12 landing-sensor ticks of a fresh daemon."""
    from slomix_pipeline_tests.integration.daemon import (
        LANDING_SENSOR,
        DaemonSettings,
        LiveDaemon,
        wait_until,
    )

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        settings = DaemonSettings(
            data_dir=work / "data",
            warehouse_url=f"sqlite:///{work / 'warehouse.sqlite'}",
            sensor_loop_seconds=loop_seconds,
        )
        with LiveDaemon(work / "home", settings) as daemon:
            daemon.wait_ready(timeout=300)

            def twelve_ticks() -> list | None:  # type: ignore[type-arg]
                ticks = daemon.sensor_ticks(LANDING_SENSOR)
                return ticks if len(ticks) >= 12 else None

            ticks = wait_until(twelve_ticks, timeout=300, what="12 landing ticks", poll=1)
    stamps = sorted(tick.timestamp for tick in ticks)[-11:]
    return [b - a for a, b in pairwise(stamps)]


def main(argv: list[str]) -> int:
    for arg in argv or ["0.5", "stock"]:
        loop = None if arg == "stock" else float(arg)
        gaps = tick_gaps(loop)
        label = "stock dagster-daemon (5 s)" if loop is None else f"slomix_pipeline.daemon {loop} s"
        print(
            f"{label}: landing sensor tick gap median {statistics.median(gaps):.2f} s, "
            f"max {max(gaps):.2f} s ({len(gaps)} gaps)",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
