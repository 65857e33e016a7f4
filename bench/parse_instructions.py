"""Parser cost in machine instructions per file (callgrind), independent of machine load.

Wall-clock figures on a shared machine swing with other work; instruction counts do not. Each
stage runs under ``valgrind --tool=callgrind`` twice, over ``--small`` and ``--large`` files of
``bench/parse_micro.py``'s R1/R2 pairs (12 players, 4-8 weapons, full TAB block), and the
difference of the two totals is divided by the difference in files, so interpreter start-up,
imports and building the inputs cancel out. Stages:

* ``parse_r1`` / ``parse_r2``: ``parse_stats_file`` of an R1 / R2 file;
* ``build_r1`` / ``build_r2``: ``build_round_stats`` of an already parsed R1 / R2 (+ its R1);
* generating the inputs (``make_pair``) is measured alone and subtracted from each stage;
* mixed = (parse_r1 + build_r1 + parse_r2 + build_r2) / 2, what ingestion pays per file.

    .venv/bin/python bench/parse_instructions.py [--small 20] [--large 60]

Needs ``valgrind`` on PATH. Files/s implied = instructions per second of the core / mixed; this
script prints it for an assumed rate (``--ips``, default 10.3e9: 2.15M instructions at the
documented 4,800 files/s idle mixed figure).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

STAGES = ("parse_r1", "parse_r2", "build_r1", "build_r2")
_COLLECTED = re.compile(rb"Collected : (\d+)")


def _work(stage: str, count: int) -> None:
    """Run ``stage`` over ``count`` files (the child process side)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from parse_micro import make_pair

    from slomix_pipeline.domain.differential import build_round_stats
    from slomix_pipeline.formats.stats_file import parse_stats_file

    pairs = [make_pair(i) for i in range(count)]
    if stage == "setup":  # generating the inputs only: subtracted from every stage
        return
    if stage == "parse_r1":
        for (n, d), _ in pairs:
            parse_stats_file(n, d)
    elif stage == "parse_r2":
        for _, (n, d) in pairs:
            parse_stats_file(n, d)
    else:
        parsed = [(parse_stats_file(*a), parse_stats_file(*b)) for a, b in pairs]
        if stage == "build_r1":
            for r1, _ in parsed:
                build_round_stats(r1)
        else:
            for r1, r2 in parsed:
                build_round_stats(r2, r1)


def _instructions(stage: str, count: int) -> int:
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--child",
        stage,
        str(count),
    ]
    done = subprocess.run(command, capture_output=True, check=True)
    found = _COLLECTED.search(done.stderr)
    if found is None:
        raise RuntimeError(f"no instruction total in callgrind output: {done.stderr[-400:]!r}")
    return int(found.group(1))


def _stage_cost(stage: str, small: int, large: int) -> float:
    """Instructions per file (or pair) of ``stage``, start-up cancelled by the difference."""
    return (_instructions(stage, large) - _instructions(stage, small)) / (large - small)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=20)
    parser.add_argument("--large", type=int, default=60)
    parser.add_argument("--ips", type=float, default=10.3e9, help="instructions/s of one core")
    parser.add_argument("--stages", default=",".join(STAGES), help="comma-separated subset")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _work(args.child[0], int(args.child[1]))
        return
    setup = _stage_cost("setup", args.small, args.large)
    wanted = args.stages.split(",")
    if any(stage.startswith("build") for stage in wanted):  # they parse first: measure that too
        wanted = sorted({*wanted, "parse_r1", "parse_r2"}, key=STAGES.index)
    costs = {stage: _stage_cost(stage, args.small, args.large) - setup for stage in wanted}
    # The build stages parse both files of each pair first: take that parsing back out.
    for stage in ("build_r1", "build_r2"):
        if stage in costs:
            costs[stage] -= costs["parse_r1"] + costs["parse_r2"]
    for stage, cost in costs.items():
        print(f"{stage:<10} {cost:>12,.0f} instructions/file")
    if len(costs) < len(STAGES):
        return
    mixed = sum(costs.values()) / 2
    print(f"{'mixed':<10} {mixed:>12,.0f} instructions/file (parse + build, R1/R2 alternating)")
    print(f"implied at {args.ips / 1e9:.1f}G instructions/s: {args.ips / mixed:,.0f} files/s")


if __name__ == "__main__":
    main()
