"""One builder for every gaming-day gate check: read the run's days, judge each, emit.

Each gate module only says what differs: the guarded asset, the check's name and description,
whether it blocks, and how a connection and the run's days become one verdict per day. The
rest (partitions, the ``warehouse`` pool, resources, severity, acknowledgements, rendering) is
the same for every gate and lives here.

Severity follows blocking: a blocking gate fails with ERROR (downstream assets of the run
stop); a non-blocking one only warns.
"""

# No ``from __future__ import annotations`` in modules under defs/ (Dagster reads annotations).
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date

import dagster as dg
from sqlalchemy.engine import Connection

from slomix_pipeline.defs.checks.render import emit
from slomix_pipeline.defs.partitions import gaming_days, partition_days
from slomix_pipeline.defs.resources import GatesResource, WarehouseResource
from slomix_pipeline.defs.step_order import AFTER_THE_SESSION_PATH
from slomix_pipeline.domain.gates.verdicts import GateResult, Summarizer

Days = Sequence[date]
"""The gaming days of one check run (one partition or a range)."""
Verdicts = Mapping[date, GateResult]
"""One gate result per day of the run."""
DayJudge = Callable[[Connection, Days, GatesResource], Verdicts]
"""Reads what the gate needs for the days on the connection and returns each day's verdict."""


def day_gate_check(
    *,
    name: str,
    asset: str,
    description: str,
    judge: DayJudge,
    summarize: Summarizer,
    blocking: bool = False,
) -> dg.AssetChecksDefinition:
    """The partitioned asset check ``name`` on ``asset`` judging each day with ``judge``."""
    severity = gate_severity(blocking)

    @gate_check(name=name, asset=asset, description=description, blocking=blocking)
    def _check(
        context: dg.AssetCheckExecutionContext,
        warehouse: WarehouseResource,
        gates: GatesResource,
    ) -> Iterator[dg.AssetCheckResult | dg.AssetCheckEvaluation]:
        days = partition_days(context)
        with warehouse.get_engine().connect() as conn:
            results = judge(conn, days, gates)
        yield from emit(context, results, summarize, severity=severity, gates=gates)

    return _check


def gate_severity(blocking: bool) -> dg.AssetCheckSeverity:
    """ERROR for a blocking gate (the run's downstream steps stop), WARN otherwise."""
    return dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN


def gate_check(
    *, name: str, asset: str, description: str, blocking: bool
) -> Callable[..., dg.AssetChecksDefinition]:
    """The ``dg.asset_check`` decorator every gaming-day gate shares: the gaming-day partitions,
    the ``warehouse`` pool, and (when it does not block) a step priority after the session path.

    Apart from :func:`day_gate_check` so that ``bench/dagster_floor_location.py`` declares its
    no-work gates exactly as the project's.
    """
    return dg.asset_check(
        name=name,
        asset=asset,
        partitions_def=gaming_days,
        blocking=blocking,
        pool="warehouse",
        op_tags=None if blocking else AFTER_THE_SESSION_PATH,
        description=description,
    )
