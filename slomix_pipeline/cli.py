"""``slomix-pipeline``: the operator's command line.

Subcommands:
- ``demo``: generate the sample landing zone, materialize everything, print a summary.
- ``sample-data``: only generate the sample landing zone.
- ``materialize``: materialize every asset for the gaming days found in the landing zone (or a
  given range) in one run, recorded in the Dagster instance.
- ``webhook serve``: run the STATS_READY webhook receiver.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from slomix_pipeline.config import SettingsError, load_settings


def _settings_for(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    import os

    if getattr(args, "data_dir", None):
        os.environ["SLOMIX_DATA_DIR"] = str(Path(args.data_dir).resolve())
    return load_settings()


def _cmd_sample_data(args: argparse.Namespace) -> int:
    from slomix_pipeline.sample_data import generate_landing_zone

    settings = _settings_for(args)
    if getattr(args, "stopwatch_cases", False):
        from slomix_pipeline.sample_data.stopwatch_cases import write_stopwatch_zone

        zone = write_stopwatch_zone(settings.data_dir, seed=args.seed, nights=args.nights)
        print(f"sample landing zone with the stopwatch cases written to {settings.data_dir}")
        for case, file_name in sorted(zone.cases.items()):
            print(f"  {case:<20} {file_name}")
        return 0
    report = generate_landing_zone(
        settings.data_dir,
        seed=args.seed,
        nights=args.nights,
        rounds_per_night=args.rounds_per_night,
    )
    print(f"sample landing zone written to {settings.data_dir}")
    from slomix_pipeline.sample_data.summary import describe

    print(describe(report))
    return 0


def _days_between(first: str | None, last: str | None, found: list[date]) -> list[date]:
    from slomix_pipeline.domain.gaming_day import days_in_range

    if first or last:
        start = date.fromisoformat(first) if first else found[0]
        end = date.fromisoformat(last) if last else found[-1]
        return days_in_range(start, end)
    return days_in_range(found[0], found[-1]) if found else []


def _cmd_materialize(args: argparse.Namespace, *, quiet_header: bool = False) -> int:
    settings = _settings_for(args)  # first: the defs modules read the settings when imported
    import dagster as dg

    from slomix_pipeline.config import mask_url
    from slomix_pipeline.runner import ensure_dagster_home, landed_stats_days, materialize_range
    from slomix_pipeline.summary import print_summary

    home = ensure_dagster_home(Path(".dagster_home"))
    days = _days_between(args.first, args.last, landed_stats_days(settings.data_dir, settings))
    if not days:
        print(f"no stats files in {settings.data_dir / 'local_stats'}: nothing to materialize")
        return 1
    if not quiet_header:
        print(
            f"materializing gaming days {days[0]} .. {days[-1]} "
            f"into {mask_url(settings.database_url)}"
        )
    started = time.perf_counter()
    with dg.DagsterInstance.get() as instance:
        run = materialize_range(days, instance)
    elapsed = time.perf_counter() - started
    print_summary(settings, days, elapsed, run.gates)
    status = "SUCCESS" if run.success else "FAILURE"
    print(f"\nDagster run {run.run_id}: {status} (DAGSTER_HOME={home})")
    return 0 if run.success else 2


def _cmd_demo(args: argparse.Namespace) -> int:
    from slomix_pipeline.sample_data import generate_landing_zone
    from slomix_pipeline.sample_data.backfill_cases import write_backfill_cases
    from slomix_pipeline.sample_data.generate import default_renderers

    settings = _settings_for(args)
    print(f"==> generating sample nights (seed {args.seed}) into {settings.data_dir}")
    # The nights carry the losses every real server has (restart captures, an R2 without Lua,
    # a capped warm-up, a night copied with fresh mtimes): they warn, they never block.
    generate_landing_zone(
        settings.data_dir,
        seed=args.seed,
        nights=args.nights,
        extra_renderers=(*default_renderers(), write_backfill_cases),
    )
    print(
        "==> materializing every asset for every sample gaming day (one single-run backfill, "
        "as `dg launch --assets '*' --partition-range <first>...<last>`)"
    )
    args.first = args.last = None
    code = _cmd_materialize(args, quiet_header=True)
    print(
        "\nOpen the Dagster UI on these runs:\n"
        "  DAGSTER_HOME=$PWD/.dagster_home .venv/bin/dg dev\n"
        "then browse http://127.0.0.1:3000 (Assets -> session_aggregates -> Partitions; "
        "Runs -> the __ASSET_JOB run can be re-executed)."
    )
    return code


def _cmd_webhook_serve(args: argparse.Namespace) -> int:
    from slomix_pipeline.landing.receiver import load_tokens_from_env, make_server
    from slomix_pipeline.landing.zone import WEBHOOK_FOLDER

    settings = _settings_for(args)
    tokens = load_tokens_from_env()
    if not tokens:
        print("SLOMIX_WEBHOOK_TOKENS is empty: set it to 'webhook_id:token[,id2:token2]'")
        return 1
    make_server(args.host, args.port, settings.data_dir / WEBHOOK_FOLDER, tokens).run()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="slomix-pipeline", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def with_data_dir(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument(
            "--data-dir", help="landing zone folder (default: $SLOMIX_DATA_DIR or ./data)"
        )
        return p

    demo = with_data_dir(sub.add_parser("demo", help="sample data + materialize + summary"))
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--nights", type=int, default=3)
    demo.set_defaults(func=_cmd_demo)

    sample = with_data_dir(sub.add_parser("sample-data", help="write the sample landing zone"))
    sample.add_argument("--seed", type=int, default=7)
    sample.add_argument("--nights", type=int, default=3)
    sample.add_argument("--rounds-per-night", type=int, default=None)
    sample.add_argument(
        "--stopwatch-cases",
        action="store_true",
        help="plant the stopwatch cases (long half-time, shutdown R2, ...) and a DST night",
    )
    sample.set_defaults(func=_cmd_sample_data)

    mat = with_data_dir(sub.add_parser("materialize", help="materialize all assets for a range"))
    mat.add_argument("--from", dest="first", help="first gaming day YYYY-MM-DD")
    mat.add_argument("--to", dest="last", help="last gaming day YYYY-MM-DD")
    mat.set_defaults(func=_cmd_materialize)

    webhook = sub.add_parser("webhook", help="STATS_READY webhook receiver")
    webhook_sub = webhook.add_subparsers(dest="webhook_command", required=True)
    serve = with_data_dir(webhook_sub.add_parser("serve", help="run the receiver (uvicorn)"))
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8787)
    serve.set_defaults(func=_cmd_webhook_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from slomix_pipeline.quiet import silence_maturity_warnings

    silence_maturity_warnings()
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
