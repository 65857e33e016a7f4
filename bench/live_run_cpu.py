"""CPU seconds of one live round's landing run, and where in it the session row is written.

    .venv/bin/python bench/live_run_cpu.py              # 4 rounds, SQLite instance + warehouse
    .venv/bin/python bench/live_run_cpu.py --rounds 6

Why CPU and not wall: on the shared 2-core box the wall time of a run measures the other
helpers' load; the CPU seconds of the run's own process barely move with it. Each round lands
its files (as ``bench/live_latency.py`` does) and executes, in this process, the run a landing
tick over every folder would launch (every landing asset with its checks, one gaming day) on a
throw-away SQLite instance with the repository's run and pool limits. ``time.process_time`` is
read at each event the run stores, so it prints per round: CPU for the whole run (creation and
planned events included), from RUN_START to ``session_aggregates``' materialization and to the
end, and the position of the ``session_aggregates`` step. pandas and pyarrow.csv are imported
first, as the warm run worker preloads them. Round 1 also migrates the warehouse: read 2 on.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
DAY = "2026-02-10"


def measure(work: Path, rounds: int, seed: int) -> None:
    from slomix_pipeline_tests.integration.daemon import (
        DaemonSettings,
        land_copy,
        render_dagster_yaml,
    )

    home, live = work / "home", work / "live"
    home.mkdir()
    live.mkdir()
    url = f"sqlite:///{live / 'warehouse.sqlite'}"
    settings = DaemonSettings(data_dir=live, warehouse_url=url, partition_start=DAY)
    (home / "dagster.yaml").write_text(render_dagster_yaml(settings))
    os.environ.update(
        {
            "DAGSTER_HOME": str(home),
            "SLOMIX_DATA_DIR": str(live),
            "SLOMIX_DATABASE_URL": url,
            "SLOMIX_PARTITION_START": DAY,
        }
    )
    import live_latency

    from slomix_pipeline.config import load_settings
    from slomix_pipeline.formats.acknowledgements import render_acknowledgements
    from slomix_pipeline.sample_data.acknowledgements import known_losses

    groups, corpus = live_latency.plan_rounds(work / "staging", rounds + 1, seed)
    losses = known_losses(corpus, load_settings().server_tz)  # type: ignore[arg-type]
    (live / "gate_acknowledgements.yaml").write_bytes(render_acknowledgements(losses))

    import dagster as dg
    import pandas  # noqa: F401  (preloaded by the warm run worker)
    import pyarrow.csv  # noqa: F401

    from slomix_pipeline.definitions import defs
    from slomix_pipeline.defs.sensors.folders import SPECS, assets_for

    job = defs().resolve_implicit_global_asset_job_def()
    keys = [dg.AssetKey(name) for name in assets_for(SPECS)]
    instance = dg.DagsterInstance.get()
    marks: list[tuple[str, str | None, float]] = []
    store = instance.handle_new_event

    def timed(event, **kwargs):  # type: ignore[no-untyped-def]
        store(event, **kwargs)
        kind = event.dagster_event.event_type_value if event.dagster_event else "LOG"
        marks.append((kind, event.step_key, time.process_time()))

    instance.handle_new_event = timed  # type: ignore[method-assign]
    measured = [group for group in groups if group.stats_name][:rounds]
    for number, group in enumerate(measured, start=1):
        for folder, name in group.files:
            land_copy(work / "staging" / folder / name, live / folder)
        marks.clear()
        begin = time.process_time()
        result = job.execute_in_process(
            instance=instance, partition_key=DAY, asset_selection=keys, raise_on_error=False
        )
        start = next(cpu for kind, _, cpu in marks if kind == "PIPELINE_START")
        session = next(
            cpu
            for kind, step, cpu in marks
            if kind == "ASSET_MATERIALIZATION" and step == "session_aggregates"
        )
        order = [step for kind, step, _ in marks if kind == "STEP_START"]
        print(
            f"round {number}: success {result.success}  run CPU {marks[-1][2] - begin:.2f} s  "
            f"RUN_START -> session_aggregates {session - start:.2f} s, -> end "
            f"{marks[-1][2] - start:.2f} s  (session step #{order.index('session_aggregates') + 1}"
            f" of {len(order)}, {len(marks)} events; load {os.getloadavg()[0]:.1f})",
            flush=True,
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="slomix-live-cpu-") as tmp:
        measure(Path(tmp), args.rounds, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
