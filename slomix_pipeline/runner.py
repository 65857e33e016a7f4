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
from dagster._core.definitions.reconstruct import ReconstructableJob, ReconstructableRepository

from slomix_pipeline.config import Settings
from slomix_pipeline.domain.gaming_day import gaming_day_of_local
from slomix_pipeline.formats.stats_file import classify_stats_filename
from slomix_pipeline.landing.zone import STATS_FOLDER, iter_landed
from slomix_pipeline.summary import GateVerdict

REPO_ROOT = Path(__file__).resolve().parents[1]
INSTANCE_TEMPLATES = (
    # inside the package (a checkout and a wheel alike): a dagster.yaml at the repository root
    # made `dg dev` warn that the file in its working folder is not the instance's
    Path(__file__).resolve().parent / "instance" / "dagster.yaml",
)
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
    """Use ``$DAGSTER_HOME`` or ``default``, seeding it with the project's instance file.

    The file is ``slomix_pipeline/instance/dagster.yaml``, in a checkout and in a wheel.
    """
    home = Path(os.environ.get("DAGSTER_HOME") or default).resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    source = next((p for p in INSTANCE_TEMPLATES if p.is_file()), None)
    if not config.exists() and source is not None:
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


CODE_LOCATION_MODULE = "slomix_pipeline.definitions"
ASSET_JOB = "__ASSET_JOB"
"""The code location's implicit asset job: what ``dg launch --assets`` and the UI run."""


def materialize_range(
    days: Iterable[date],
    instance: dg.DagsterInstance,
    *,
    selection: str | None = None,
) -> RangeRun:
    """One single-run backfill of every (or the selected) asset over the span of ``days``.

    The same path as ``dg launch --assets '*' --partition-range <first>...<last>``: the code
    location's implicit asset job, loaded from its module, executed in this process with the
    range tags. The run is recorded under that job's name, so the UI can re-execute it (a
    ``dg.materialize`` run belongs to an ephemeral job the UI cannot find).
    """
    ordered = sorted(days)
    if not ordered:
        raise ValueError("no gaming days to materialize")
    from slomix_pipeline.defs.recovery import reap_abandoned_runs

    # A run killed earlier (kill -9, OOM) would otherwise hold the warehouse pool for ever.
    for reaped in reap_abandoned_runs(instance):
        what = f"worker pid {reaped.pid} gone" if reaped.pid is not None else "run had ended"
        print(f"recovered run {reaped.run_id} ({what}): marked failed, pool slots freed")
    # Dagster keeps the last reconstructed job definition per process (an lru_cache); the
    # resources are built from the settings when the definitions load, so a process whose
    # settings changed since (tests, a long-lived tool) must load them again.
    ReconstructableJob.get_repository_definition.cache_clear()
    ReconstructableJob.get_definition.cache_clear()
    repository = ReconstructableRepository.for_module(
        CODE_LOCATION_MODULE, "defs", working_directory=str(REPO_ROOT)
    )
    definitions = repository.get_definition()
    chosen = dg.AssetSelection.from_coercible((selection or "*").split(","))
    # Discord posts are not part of a backfill: they run in their own job (docs/operations.md).
    # imported here, not at module level: importing defs/ fixes the partitions from the
    # settings, and the CLI sets SLOMIX_DATA_DIR from --data-dir only after importing this module
    from slomix_pipeline.defs.automation import PUBLISH_GROUP

    keys = (chosen - dg.AssetSelection.groups(PUBLISH_GROUP)).resolve(definitions.asset_graph)
    job = repository.get_reconstructable_job(ASSET_JOB)
    with dg.execute_job(
        job,
        instance=instance,
        asset_selection=sorted(keys),
        tags=range_tags(ordered[0], ordered[-1]),
        run_config=QUIET_LOGS,
        raise_on_error=False,
    ) as result:
        evaluations = [
            e.asset_check_evaluation_data
            for e in result.all_events
            if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
        ]
        run_id, success = result.run_id, result.success
    verdicts = gate_verdicts(evaluations)
    gates = tuple(verdicts[name] for name in sorted(verdicts))
    return RangeRun(run_id, success, ordered[0], ordered[-1], gates)


def gate_verdicts(evaluations: Iterable[dg.AssetCheckEvaluation]) -> dict[str, GateVerdict]:
    """One verdict per check over the run: per-day evaluations folded (failing days named)."""
    by_check: dict[str, list[dg.AssetCheckEvaluation]] = {}
    for evaluation in evaluations:
        by_check.setdefault(evaluation.check_name, []).append(evaluation)
    verdicts = {}
    for name, items in by_check.items():
        if len(items) == 1:
            only = items[0]
            verdicts[name] = GateVerdict(name, only.passed, only.description or "", _warn(only))
            continue
        failed = [e for e in items if not e.passed]
        named = sorted(
            (e for e in items if not e.passed or "acknowledged" in (e.description or "")),
            key=lambda e: e.partition or "",
        )
        text = f"{len(items) - len(failed)}/{len(items)} days passed"
        if named:
            text += "; " + "; ".join(f"{e.partition}: {e.description}" for e in named)
        verdicts[name] = GateVerdict(name, not failed, text, _warn(items[0]))
    return verdicts


def _warn(evaluation: dg.AssetCheckEvaluation) -> bool:
    return evaluation.severity == dg.AssetCheckSeverity.WARN
