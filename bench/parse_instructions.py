"""Parser cost in machine instructions per file (callgrind), independent of machine load.

Wall-clock figures on a shared machine swing with other work; instruction counts do not. Each
stage runs in a child process under ``valgrind --tool=callgrind`` twice: over the same
``--files`` R1/R2 pairs of ``bench/parse_micro.py`` (12 players, 4-8 weapons, full TAB block),
``--low`` and ``--high`` times. The inputs are generated and parsed identically in both runs, so
the difference of the two totals, divided by the extra files, is the stage's own cost (start-up,
imports and input generation cancel out; the identity and weapon-mask caches are warm, as for a
community whose regulars play night after night). Stages:

* ``parse_r1`` / ``parse_r2``: ``parse_stats_file`` of an R1 / R2 file;
* ``build_r1`` / ``build_r2``: ``build_round_stats`` of a parsed R1 / R2 (+ its parsed R1);
* mixed = (parse_r1 + build_r1 + parse_r2 + build_r2) / 2, what ingestion pays per file.

    .venv/bin/python bench/parse_instructions.py [--files 30] [--stages parse_r1,build_r2]

Needs ``valgrind``. Files/s implied = instructions per second of one core (``--ips``, default
10.3e9, what the documented idle wall figures work out to) / mixed.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

STAGES = ("parse_r1", "parse_r2", "build_r1", "build_r2")
_COLLECTED = re.compile(rb"Collected : (\d+)")


def _work(stage: str, files: int, repeat: int) -> None:
    """Run ``stage`` ``repeat`` times over the same ``files`` pairs (the child process side).

    The inputs (generated and, for the build stages, parsed) are the same whatever ``repeat``,
    so the difference between two repeat counts is the stage's own work.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from parse_micro import make_pair

    from slomix_pipeline.domain.differential import build_round_stats
    from slomix_pipeline.formats.stats_file import parse_stats_file

    if os.environ.get("PARSE_INSTRUCTIONS_PER_LINE"):  # --per-line: the path before issue 13
        from slomix_pipeline.formats.stats import parser as stats_file

        stats_file.parse_rows_fast = lambda rows, warnings: None  # type: ignore[assignment]
    pairs = [make_pair(i) for i in range(files)]
    parsed = [(parse_stats_file(*a), parse_stats_file(*b)) for a, b in pairs]
    for _ in range(repeat):
        if stage == "parse_r1":
            for (n, d), _r2 in pairs:
                parse_stats_file(n, d)
        elif stage == "parse_r2":
            for _r1, (n, d) in pairs:
                parse_stats_file(n, d)
        elif stage == "build_r1":
            for r1, _ in parsed:
                build_round_stats(r1)
        elif stage == "build_r2":
            for r1, r2 in parsed:
                build_round_stats(r2, r1)


def _instructions(stage: str, files: int, repeat: int) -> int:
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--child",
        stage,
        str(files),
        str(repeat),
    ]
    # One BLAS thread (numpy's import must not start threads whose spinning callgrind counts);
    # a fixed hash seed, so that two runs execute the same dict and set probes.
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, check=True, env=env)
    found = _COLLECTED.search(done.stderr)
    if found is None:
        raise RuntimeError(f"no instruction total in callgrind output: {done.stderr[-400:]!r}")
    return int(found.group(1))


def _stage_cost(stage: str, files: int, low: int, high: int) -> float:
    """Instructions per file of ``stage``: start-up and inputs cancel out in the difference."""
    more = _instructions(stage, files, high) - _instructions(stage, files, low)
    return more / ((high - low) * files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=30, help="R1/R2 pairs of parse_micro")
    parser.add_argument("--low", type=int, default=1, help="passes over the files, first run")
    parser.add_argument("--high", type=int, default=3, help="passes over the files, second run")
    parser.add_argument("--ips", type=float, default=10.3e9, help="instructions/s of one core")
    parser.add_argument("--stages", default=",".join(STAGES), help="comma-separated subset")
    parser.add_argument(
        "--per-line", action="store_true", help="switch the whole-file fast path off (before)"
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.per_line:
        os.environ["PARSE_INSTRUCTIONS_PER_LINE"] = "1"
    if args.child:
        _work(args.child[0], int(args.child[1]), int(args.child[2]))
        return
    costs = {
        stage: _stage_cost(stage, args.files, args.low, args.high)
        for stage in args.stages.split(",")
    }
    for stage, cost in costs.items():
        print(f"{stage:<10} {cost:>12,.0f} instructions/file")
    if len(costs) < len(STAGES):
        return
    mixed = sum(costs.values()) / 2
    print(f"{'mixed':<10} {mixed:>12,.0f} instructions/file (parse + build, R1/R2 alternating)")
    print(f"implied at {args.ips / 1e9:.1f}G instructions/s: {args.ips / mixed:,.0f} files/s")


if __name__ == "__main__":
    main()
