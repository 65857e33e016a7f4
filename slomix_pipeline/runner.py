"""Materialize every asset for a gaming-day range from the command line (demo, bench, operators).

It uses the same code location as the webserver (``slomix_pipeline.definitions``) and records the
run in a real Dagster instance, so what the CLI did is visible in the UI afterwards.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg

from slomix_pipeline.config import Settings
from slomix_pipeline.domain.gaming_day import gaming_day_of_local
from slomix_pipeline.formats.stats_file import classify_stats_filename
from slomix_pipeline.landing.zone import STATS_FOLDER, iter_landed
from slomix_pipeline.summary import GateVerdict

REPO_ROOT = Path(__file__).resolve().parents[1]
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
"""Console shows warnings (quarantined files) and errors; the full log is in the instance."""


def landed_stats_days(data_dir: Path, settings: Settings) -> list[date]:
    """The gaming days that have at least one stats file in the landing zone."""
    days = set()
    for landed in iter_landed(data_dir, STATS_FOLDER):
        name = classify_stats_filename(landed.name)
        if name is not None:
            days.add(gaming_day_of_local(name.local_time, settings.day_start_hour))
    return sorted(days)


def ensure_dagster_home(default: Path) -> Path:
    """Use ``$DAGSTER_HOME`` or ``default``, seeding it with the repository's dagster.yaml."""
    home = Path(os.environ.get("DAGSTER_HOME") or default).resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    source = REPO_ROOT / "dagster.yaml"
    if not config.exists() and source.exists():
        shutil.copyfile(source, config)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


@dataclass(frozen=True, slots=True)
class RangeRun:
    run_id: str
    success: bool
    first_day: date
    last_day: date
    gates: tuple[GateVerdict, ...] = ()


def range_tags(first: date, last: date) -> dict[str, str]:
    """Tags that make one run cover a whole partition range (what a single-run backfill sets)."""
    return {
        "dagster/asset_partition_range_start": first.isoformat(),
        "dagster/asset_partition_range_end": last.isoformat(),
    }


def materialize_range(
    days: Iterable[date],
    instance: dg.DagsterInstance,
    *,
    selection: str | None = None,
) -> RangeRun:
    """One run materializing every (or the selected) asset for the span of ``days``."""
    from slomix_pipeline.definitions import defs as load_defs

    ordered = sorted(days)
    if not ordered:
        raise ValueError("no gaming days to materialize")
    from slomix_pipeline.defs.recovery import reap_abandoned_runs

    # A run killed earlier (kill -9, OOM) would otherwise hold the warehouse pool for ever.
    for reaped in reap_abandoned_runs(instance):
        what = f"worker pid {reaped.pid} gone" if reaped.pid is not None else "run had ended"
        print(f"recovered run {reaped.run_id} ({what}): marked failed, pool slots freed")
    definitions = load_defs()
    assets = list(definitions.assets or [])
    checks = list(definitions.asset_checks or [])
    result = dg.materialize(
        [*assets, *checks],
        resources=dict(definitions.resources or {}),
        instance=instance,
        tags=range_tags(ordered[0], ordered[-1]),
        selection=selection,
        raise_on_error=False,
        run_config=QUIET_LOGS,
    )
    verdicts = {}
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.partition is None:  # the range-wide verdict, not the per-day records
            verdicts[evaluation.check_name] = GateVerdict(
                evaluation.check_name, evaluation.passed, evaluation.description or ""
            )
    gates = tuple(verdicts[name] for name in sorted(verdicts))
    return RangeRun(result.run_id, result.success, ordered[0], ordered[-1], gates)
