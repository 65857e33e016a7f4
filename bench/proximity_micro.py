"""Micro-benchmark: proximity ``*_engagements.txt`` parse (and derive) throughput on one core.

Renders a realistic round with the sample-data renderer (6v6, 10 minutes, 200 ms samples: about
1.5 MB, ~25k track samples, ~220 engagements, ~100 lives), then times
``parse_proximity_file`` alone and ``parse + derive`` (the pure part of the import; the
database load comes on top). Prints MB/s (best and median of the repeats).

    .venv/bin/python bench/proximity_micro.py [--repeat R] [--interval MS] [--format 4|6]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from slomix_pipeline.domain.proximity import derive
from slomix_pipeline.formats.proximity import parse_proximity_file
from slomix_pipeline.sample_data.proximity_render import demo_spec, render_proximity_round


def _timings(fn: Callable[[], object], repeat: int) -> list[float]:
    fn()  # warm-up (imports, pandas parser setup)
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--interval", type=int, default=200, help="sample interval in ms")
    ap.add_argument("--format", type=int, default=4, choices=(4, 6), dest="format_version")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    spec = demo_spec(
        seed=args.seed,
        per_team=6,
        minutes=10.0,
        sample_interval_ms=args.interval,
        format_version=args.format_version,
    )
    rendered = render_proximity_round(spec)
    data, name = rendered.data, rendered.name
    mb = len(data) / 1e6
    parsed = parse_proximity_file(name, data)
    derived = derive(parsed)
    print(
        f"file: {name}  {mb:.2f} MB, {len(parsed.samples):,} track samples, "
        f"{len(parsed.engagements)} engagements, {len(parsed.lives)} lives, "
        f"{len(parsed.ignored_sections)} ignored sections"
    )
    print(
        f"rows: {len(derived.combat_engagements)} combat_engagement, "
        f"{len(derived.player_tracks)} player_track, {len(derived.trade_events)} trade_event, "
        f"{len(derived.support_summaries)} support_summary"
    )
    for label, fn in (
        ("parse", lambda: parse_proximity_file(name, data)),
        ("parse+derive", lambda: derive(parse_proximity_file(name, data))),
    ):
        times = _timings(fn, args.repeat)
        best, median = min(times), statistics.median(times)
        print(
            f"{label:>13}: {mb / best:6.1f} MB/s best ({best * 1000:.1f} ms), "
            f"{mb / median:6.1f} MB/s median ({median * 1000:.1f} ms) over {args.repeat} runs"
        )


if __name__ == "__main__":
    main()
