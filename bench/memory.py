"""Benchmark: peak RSS of a whole materialization with pathological files in the landing zone.

Each scenario is one ``slomix-pipeline materialize`` (every asset, a real Dagster run, SQLite
warehouse) in a child process over a one-night sample zone, alone or plus one pathological file;
the child's peak resident set (``ru_maxrss``) is printed. The bound is 500 MB whatever the input.

* ``clean``: the sample night alone (the baseline: Python, Dagster, pandas, the run);
* ``proximity_25k``: plus a proximity file with 25,000 extra player-track lines whose lives all
  overlap (about 2 MB; once > 7 GB through the per-sample teammate cross product);
* ``stats_200mb``: plus a 200 MB stats file of one player line repeated (once 6.6 GB, loaded
  as one round of 1.1 M players; now refused on its size without being read).

    .venv/bin/python bench/memory.py [--scenario clean|proximity_25k|stats_200mb|all]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

LIMIT_MB = 500
NIGHT = date(2026, 2, 11)  # the demo proximity round's night


def _proximity_25k(zone: Path) -> int:
    """The demo round with 25,000 extra overlapping lives spliced into PLAYER_TRACKS."""
    from slomix_pipeline.sample_data.proximity_render import demo_spec, render_proximity_round

    rendered = render_proximity_round(demo_spec())
    lines = rendered.data.decode().split("\n")
    marker = next(i for i, line in enumerate(lines) if line.startswith("# PLAYER_TRACKS"))
    first = next(
        i for i in range(marker + 1, len(lines)) if lines[i] and not lines[i].startswith("#")
    )
    stop = next(
        (i for i in range(first, len(lines)) if lines[i].startswith("# ") and lines[i].isupper()),
        len(lines),
    )
    players = sorted({";".join(line.split(";")[:3]) for line in lines[first:stop] if line})
    extra = []
    for n in range(25_000):
        guid_name_team = players[n % len(players)]
        spawn = 1_000 + (n * 23) % 500_000
        extra.append(
            f"{guid_name_team};SOLDIER;{spawn};;{spawn};round_end;2;"
            f"{spawn},{n % 3000}.0,{n % 2000}.0,10.0,100,0.0,3,0,0,spawn|"
            f"{spawn + 500},{n % 3000}.5,{n % 2000}.5,10.0,100,1.0,3,0,0,sample"
        )
    data = "\n".join(lines[:first] + extra + lines[first:]).encode()
    path = zone / "local_proximity" / rendered.name
    path.write_bytes(data)
    return len(data)


def _stats_200mb(zone: Path) -> int:
    header = "ETL Server\\supply\\legacy6\\1\\1\\2\\10:00\\7:36\\241533\n"
    line = "A1B2C3D4\\Alpha\\0\\1\\16 1 2 3 4 5 \t" + "\t".join(["0"] * 38) + "\n"
    path = zone / "local_stats" / f"{NIGHT:%Y-%m-%d}-235959-supply-round-1.txt"
    target = 200 * 1024 * 1024
    with open(path, "w") as handle:
        handle.write(header)
        block = line * 10_000
        written = len(header)
        while written < target:
            handle.write(block)
            written += len(block)
    return written


def run(scenario: str) -> tuple[float, float, int, bool]:
    """(peak RSS MB of the materialize child, seconds, pathological bytes, run success)."""
    from slomix_pipeline.sample_data import generate_landing_zone

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        zone = base / "zone"
        report = generate_landing_zone(zone, seed=7, nights=1, start_date=NIGHT)
        # The sample's deliberate losses are acknowledged, so the run's verdict is about memory.
        from slomix_pipeline.config import load_settings
        from slomix_pipeline.formats.acknowledgements import render_acknowledgements
        from slomix_pipeline.sample_data.acknowledgements import known_losses

        settings = load_settings({"SLOMIX_DATA_DIR": str(zone)})
        settings.acknowledgements_path.write_bytes(
            render_acknowledgements(known_losses(report.corpus, settings.server_tz))
        )
        extra = 0
        if scenario == "proximity_25k":
            extra = _proximity_25k(zone)
        elif scenario == "stats_200mb":
            extra = _stats_200mb(zone)
        env = dict(os.environ)
        env.update(
            DAGSTER_HOME=str(base / "home"),
            SLOMIX_DATA_DIR=str(zone),
            SLOMIX_DATABASE_URL=f"sqlite:///{base / 'wh.sqlite'}",
        )
        cli = str(Path(sys.executable).parent / "slomix-pipeline")
        started = time.perf_counter()
        child = subprocess.run(
            [cli, "materialize"], env=env, cwd=base, capture_output=True, text=True, check=False
        )
        elapsed = time.perf_counter() - started
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        return peak_kb / 1024, elapsed, extra, child.returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scenario", default="all", choices=["clean", "proximity_25k", "stats_200mb", "all"]
    )
    args = parser.parse_args()
    scenarios = (
        ["clean", "proximity_25k", "stats_200mb"] if args.scenario == "all" else [args.scenario]
    )
    for scenario in scenarios:
        # RUSAGE_CHILDREN is the max over all children so far: one process per scenario.
        if len(scenarios) > 1:
            out = subprocess.run(
                [sys.executable, __file__, "--scenario", scenario],
                capture_output=True,
                text=True,
                check=True,
            )
            print(out.stdout.strip())
            continue
        peak, elapsed, extra, ok = run(scenario)
        verdict = "OK" if peak <= LIMIT_MB else f"OVER {LIMIT_MB} MB"
        print(
            f"{scenario:14s} pathological file {extra / 1e6:7.1f} MB  peak RSS {peak:6.0f} MB  "
            f"({verdict})  materialize {elapsed:5.1f} s  run {'succeeded' if ok else 'FAILED'}"
        )


if __name__ == "__main__":
    main()
