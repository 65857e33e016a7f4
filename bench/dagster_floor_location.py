"""A code location shaped like the project's rebuild graph whose steps do no work.

Why: ``bench/dagster_floor.py`` measures what Dagster OSS itself costs for a ranged rebuild
(planning, per-day planned events, per-day materializations, per-day check evaluations, step
bookkeeping) with zero asset work, so that the whole-history target of issue 13 can be judged
against a floor that is a number. Same shape as ``slomix_pipeline.defs`` minus the publish group
(which a rebuild leaves out): the same 12 gaming-day assets and dependencies, each with
``BackfillPolicy.single_run()`` and the ``warehouse`` pool; the same 13 checks on them, blocking
or not, with the same step priorities:

* 10 per-day gates, declared as ``defs/checks/day_gate.py`` declares them and emitting through
  the project's own :func:`~slomix_pipeline.defs.checks.render.emit` (one
  ``AssetCheckEvaluation`` per judged day with its target materialization, the same metadata),
  every day passing;
* ``players_resolve`` and ``careers_match_sessions``: partitioned, one result per run (what
  ``defs/datasets/checks.py`` returns over a range);
* ``stats_freshness``: unpartitioned, one result per run.

The assets, gates and partitions are declared with the project's own helpers (``day_asset``,
``gate_check``, ``gaming_days``): the first partition is ``SLOMIX_PARTITION_START`` (the
project's default is the first landed day).
``FLOOR_PLAY_DAYS``, when set, names a file of ISO days (one a line): the gates judge only those
days, as the project's gates skip days without landings; unset, every day is judged.
A test compares this shape with the project's graph
(``slomix_pipeline_tests/test_dagster_floor.py``).
"""

# No ``from __future__ import annotations``: Dagster reads the check functions' annotations.
import os
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg

from slomix_pipeline.defs.checks.day_gate import gate_check, gate_severity
from slomix_pipeline.defs.checks.render import emit
from slomix_pipeline.defs.day_asset import day_asset
from slomix_pipeline.defs.partitions import gaming_days, partition_days
from slomix_pipeline.defs.step_order import AFTER_THE_SESSION_PATH
from slomix_pipeline.domain.gates.verdicts import GateFailure, GateResult

ASSETS: Mapping[str, tuple[str, ...]] = {
    "raw_stats_files": (),
    "gametime_files": (),
    "webhook_drops": (),
    "endstats": ("raw_stats_files",),
    "lua_round_teams": ("gametime_files", "webhook_drops"),
    "proximity_engagements": ("lua_round_teams", "raw_stats_files"),
    "linked_rounds": ("proximity_engagements", "lua_round_teams", "raw_stats_files"),
    "session_aggregates": ("linked_rounds",),
    "players": ("proximity_engagements", "lua_round_teams", "endstats", "session_aggregates"),
    "careers": ("endstats", "players", "session_aggregates"),
    "leaderboards": ("careers",),
    "season_exports": ("careers",),
}
"""The rebuild's assets and their dependencies (``slomix_pipeline.defs`` minus publish)."""

AFTER_THE_SESSION = frozenset({"endstats"})
"""Assets declared with ``AFTER_THE_SESSION_PATH`` (``defs/endstats/assets.py``)."""

DAY_GATES: Sequence[tuple[str, str, bool]] = (
    ("raw_stats_files", "ws0_round_contract", True),
    ("raw_stats_files", "ws0_orphan_r2", False),
    ("endstats", "stats_file_complete", False),
    ("endstats", "endstats_awards_linked", False),
    ("linked_rounds", "ws1_lua_links", True),
    ("linked_rounds", "ws1_lua_coverage", False),
    ("proximity_engagements", "ws1c_unique_keys", True),
    ("proximity_engagements", "ws1c_proximity_links", False),
    ("proximity_engagements", "ws1c_section_coverage", False),
    ("session_aggregates", "ws7_kill_assists", True),
)
"""(asset, check, blocking) of the per-day gates (``day_gate_check``)."""

RUN_CHECKS: Sequence[tuple[str, str]] = (
    ("players", "players_resolve"),
    ("careers", "careers_match_sessions"),
)
"""Blocking partitioned checks that return one result per run (``defs/datasets/checks.py``)."""

UNPARTITIONED_CHECK = ("raw_stats_files", "stats_freshness")
"""The unpartitioned, non-blocking freshness check (``defs/checks/freshness.py``)."""


def _play_days() -> frozenset[date] | None:
    path = os.environ.get("FLOOR_PLAY_DAYS")
    if not path:
        return None
    lines = Path(path).read_text().split()
    return frozenset(date.fromisoformat(line) for line in lines)


PLAY_DAYS = _play_days()


def _summary(_coverage: Mapping[str, Any], _failures: Sequence[GateFailure]) -> str:
    return "no work: passed"


PASSED = GateResult(True, (), {}, "no work: passed")


class _NoAcknowledgements:
    """What ``emit`` asks of the gates resource: no operator acknowledgements."""

    def acknowledgement_notes(self, _check_name: str) -> dict[tuple[str, str], str]:
        return {}


def _asset(name: str, deps: Sequence[str]) -> dg.AssetsDefinition:
    @day_asset(
        name=name,
        deps=list(deps),
        group_name="floor",
        description="No work: returns at once.",
        op_tags=AFTER_THE_SESSION_PATH if name in AFTER_THE_SESSION else None,
    )
    def _no_work() -> dg.MaterializeResult:
        return dg.MaterializeResult()

    return _no_work


def _day_gate(asset: str, name: str, blocking: bool) -> dg.AssetChecksDefinition:
    severity = gate_severity(blocking)

    @gate_check(name=name, asset=asset, description="No work: every day passes.", blocking=blocking)
    def _check(
        context: dg.AssetCheckExecutionContext,
    ) -> Iterator[dg.AssetCheckResult | dg.AssetCheckEvaluation]:
        days = partition_days(context)
        judged = [d for d in days if PLAY_DAYS is None or d in PLAY_DAYS]
        # a range without play still gets one evaluation: emit() needs a day to summarise
        results = {day: PASSED for day in judged or days[:1]}
        yield from emit(context, results, _summary, severity=severity, gates=_NoAcknowledgements())

    return _check


def _run_check(asset: str, name: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        name=name, asset=asset, partitions_def=gaming_days, blocking=True, pool="warehouse"
    )
    def _check() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=True, metadata={"summary": "no work: passed"})

    return _check


def _freshness() -> dg.AssetChecksDefinition:
    asset, name = UNPARTITIONED_CHECK

    @dg.asset_check(name=name, asset=asset, op_tags=AFTER_THE_SESSION_PATH)
    def _check() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=True, severity=dg.AssetCheckSeverity.WARN)

    return _check


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        assets=[_asset(name, deps) for name, deps in ASSETS.items()],
        asset_checks=[
            *(_day_gate(*gate) for gate in DAY_GATES),
            *(_run_check(*check) for check in RUN_CHECKS),
            _freshness(),
        ],
        executor=dg.in_process_executor,
    )
