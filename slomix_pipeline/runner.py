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
    Path(__file__).resolve().parent / "instance" / "dagster.yaml",  # a wheel install
    REPO_ROOT / "dagster.yaml",  # a checkout
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

    The file is the repository root's ``dagster.yaml`` (a wheel ships it as
    ``slomix_pipeline/instance/dagster.yaml``).
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
    from slomix_pipeline.instance_pool import pool_instance_connections

    # thousands of events per range run: one PostgreSQL connection, not one per event
    pool_instance_connections(instance)

    # A run killed earlier (kill -9, OOM) would otherwise hold the warehouse pool for ever.
    for reaped in reap_abandoned_runs(instance):
        what = f"worker pid {reaped.pid} gone" if reaped.pid is not None else "run had ended"
        print(f"recovered run {reaped.run_id} ({what}): marked failed, pool slots freed")
    repository = load_code_location(CODE_LOCATION_MODULE)
    definitions = repository.get_definition()
    chosen = dg.AssetSelection.from_coercible((selection or "*").split(","))
    # Discord posts are not part of a backfill: they run in their own job (docs/operations.md).
    # imported here, not at module level: importing defs/ fixes the partitions from the
    # settings, and the CLI sets SLOMIX_DATA_DIR from --data-dir only after importing this module
    from slomix_pipeline.defs.automation import PUBLISH_GROUP

    keys = (chosen - dg.AssetSelection.groups(PUBLISH_GROUP)).resolve(definitions.asset_graph)
    return run_range(repository, instance, keys, ordered[0], ordered[-1])


def load_code_location(
    module: str, working_directory: Path = REPO_ROOT
) -> ReconstructableRepository:
    """The code location ``module`` (its ``defs``), freshly loaded in this process.

    Dagster keeps the last reconstructed job definition per process (an lru_cache); the
    resources are built from the settings when the definitions load, so a process whose
    settings changed since (tests, a long-lived tool) must load them again.
    """
    ReconstructableJob.get_repository_definition.cache_clear()
    ReconstructableJob.get_definition.cache_clear()
    return ReconstructableRepository.for_module(
        module, "defs", working_directory=str(working_directory)
    )


def run_range(
    repository: ReconstructableRepository,
    instance: dg.DagsterInstance,
    keys: Iterable[dg.AssetKey],
    first: date,
    last: date,
) -> RangeRun:
    """One run of the location's implicit asset job over ``keys`` and the days first..last.

    The range launch of :func:`materialize_range` without the project's choices around it (which
    location, which assets, recovering abandoned runs), so that a bench can drive another code
    location through the very same path (``bench/dagster_floor.py``). The instance's
    connections should already be pooled (:func:`pool_instance_connections`).
    """
    job = repository.get_reconstructable_job(ASSET_JOB)
    run_id, success, verdicts = _execute_streaming(
        job, instance, sorted(keys), range_tags(first, last)
    )
    gates = tuple(verdicts[name] for name in sorted(verdicts))
    return RangeRun(run_id, success, first, last, gates)


def _execute_streaming(
    job: ReconstructableJob,
    instance: dg.DagsterInstance,
    asset_selection: list[dg.AssetKey],
    tags: dict[str, str],
) -> tuple[str, bool, dict[str, GateVerdict]]:
    """Create the run and execute it here, folding check evaluations as they stream by.

    What ``dg.execute_job`` does (the same private helpers, the same run), except that it keeps
    no list of the run's events: a seven-year range emits ~100,000 and holding them cost
    hundreds of MB. This is the iterator Dagster's own run worker (``dagster api execute_run``)
    drives.
    """
    from dagster._core.execution.api import (
        _check_execute_job_args,
        _job_with_repository_load_data,
        execute_run_iterator,
    )

    loaded, repository_load_data = _job_with_repository_load_data(job)
    loaded, run_config, run_tags, resolved_op_selection, op_selection = _check_execute_job_args(
        job_arg=loaded, run_config=QUIET_LOGS, tags=tags, op_selection=None
    )
    run = instance.create_run_for_job(
        job_def=loaded.get_definition(),
        run_config=run_config,
        op_selection=op_selection,
        resolved_op_selection=resolved_op_selection,
        tags=run_tags,
        job_code_origin=loaded.get_python_origin(),
        repository_load_data=repository_load_data,
        asset_selection=frozenset(asset_selection),
    )
    from slomix_pipeline.memory_trim import frozen_loaded_objects, release_freed_memory

    fold = VerdictFold()
    with frozen_loaded_objects():  # each step's collection walks only what the steps allocated
        for event in execute_run_iterator(loaded, run, instance):
            if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
                fold.add(event.asset_check_evaluation_data)
            elif event.event_type in _STEP_ENDS:  # steps run in this process: keep RSS flat
                release_freed_memory()
    finished = instance.get_run_by_id(run.run_id)
    success = finished is not None and finished.status == dg.DagsterRunStatus.SUCCESS
    return run.run_id, success, fold.verdicts()


_STEP_ENDS = (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE)


class VerdictFold:
    """One verdict per check over a run, folded one evaluation at a time.

    Memory grows with the failing (or acknowledged) days only, whatever the range's length.
    """

    def __init__(self) -> None:
        self._first: dict[str, dg.AssetCheckEvaluation] = {}
        self._count: dict[str, int] = {}
        self._failed: dict[str, int] = {}
        self._named: dict[str, list[tuple[str, str]]] = {}

    def add(self, evaluation: dg.AssetCheckEvaluation) -> None:
        name = evaluation.check_name
        self._first.setdefault(name, evaluation)
        self._count[name] = self._count.get(name, 0) + 1
        self._failed[name] = self._failed.get(name, 0) + (not evaluation.passed)
        if not evaluation.passed or "acknowledged" in (evaluation.description or ""):
            self._named.setdefault(name, []).append(
                (evaluation.partition or "", evaluation.description or "")
            )

    def verdicts(self) -> dict[str, GateVerdict]:
        out = {}
        for name, first in self._first.items():
            count, failed = self._count[name], self._failed[name]
            if count == 1:
                out[name] = GateVerdict(name, first.passed, first.description or "", _warn(first))
                continue
            text = f"{count - failed}/{count} days passed"
            named = sorted(self._named.get(name, []), key=lambda item: item[0])
            if named:
                text += "; " + "; ".join(f"{day}: {description}" for day, description in named)
            out[name] = GateVerdict(name, not failed, text, _warn(first))
        return out


def gate_verdicts(evaluations: Iterable[dg.AssetCheckEvaluation]) -> dict[str, GateVerdict]:
    """One verdict per check over the run: per-day evaluations folded (failing days named)."""
    fold = VerdictFold()
    for evaluation in evaluations:
        fold.add(evaluation)
    return fold.verdicts()


def _warn(evaluation: dg.AssetCheckEvaluation) -> bool:
    return evaluation.severity == dg.AssetCheckSeverity.WARN
