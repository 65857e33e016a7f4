"""Per-day gate verdicts, read back from the Dagster instance, so one bad day blocks only itself.

Why: a single-run backfill of a year is one step per asset. Dagster's blocking checks act per
step, so one day's failing integrity gate would stop ``session_aggregates`` for every day of
the range. Instead, in a range run each check records one evaluation per day on its partition
(``defs/checks/render.py``), and the publishing asset asks this module which of its days have
a failing *integrity* gate upstream; it builds the other days and reports the blocked ones with
their reasons. A single-day run is blocked by Dagster itself (the check's step fails first).

The verdict of a day is the latest evaluation of each gate on that partition, whichever run
wrote it: a day stays blocked until its gate passes again (re-run, fixed file, or an operator
acknowledgement), like the live automation's ``all_deps_blocking_checks_passed``.
"""

# No ``from __future__ import annotations`` in modules under defs/ (Dagster reads annotations).
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import dagster as dg
from dagster._core.event_api import PartitionKeyFilter
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

from slomix_pipeline.defs.tables import Listing, table

INTEGRITY_GATES: tuple[dg.AssetCheckKey, ...] = (
    dg.AssetCheckKey(dg.AssetKey("raw_stats_files"), "ws0_round_contract"),
    dg.AssetCheckKey(dg.AssetKey("proximity_engagements"), "ws1c_unique_keys"),
    dg.AssetCheckKey(dg.AssetKey("linked_rounds"), "ws1_lua_links"),
)
"""The blocking (ERROR) gates upstream of ``session_aggregates`` (a test keeps this in sync)."""
_FAILED = AssetCheckExecutionRecordStatus.FAILED
MAX_BLOCKED_ROWS = 100
"""Rows of the ``blocked_days`` table; the rest are counted (a bad backfill stays small)."""


@dataclass(frozen=True, slots=True)
class BlockedDay:
    """A day held back, with every failing gate and its summary / reason counts."""

    day: date
    gates: tuple[tuple[str, str], ...]

    def reason(self) -> str:
        return "; ".join(f"{name}: {summary}" for name, summary in self.gates)


def blocked_days(
    instance: dg.DagsterInstance,
    days: Sequence[date],
    gates: Sequence[dg.AssetCheckKey] = INTEGRITY_GATES,
) -> dict[date, BlockedDay]:
    """The days of ``days`` whose latest evaluation of an integrity gate failed with ERROR."""
    storage = instance.event_log_storage
    keys = [d.isoformat() for d in days]
    failing: dict[date, list[tuple[str, str]]] = {}
    for key in gates:
        infos = storage.get_asset_check_partition_info([key], partition_keys=keys)
        failed = sorted(
            i.partition_key
            for i in infos
            if i.partition_key
            and i.latest_execution_status == AssetCheckExecutionRecordStatus.FAILED
        )
        for partition in failed:
            records = storage.get_latest_asset_check_execution_by_key(
                [key], partition_filter=PartitionKeyFilter(key=partition)
            )
            record = records.get(key)
            evaluation = record.evaluation if record is not None else None
            if evaluation is None or evaluation.severity != dg.AssetCheckSeverity.ERROR:
                continue
            reasons = evaluation.metadata.get("failure_reasons")
            detail = evaluation.description or "failed"
            if reasons is not None:
                detail += f" {reasons.value}"
            failing.setdefault(date.fromisoformat(partition), []).append((key.name, detail))
    return {day: BlockedDay(day, tuple(sorted(g))) for day, g in sorted(failing.items())}


def blocked_table(blocked: Sequence[BlockedDay]) -> Listing:
    """One row per blocked day and gate (a table value: the verdict column stays on screen)."""
    rows = [[b.day.isoformat(), name, summary] for b in blocked for name, summary in b.gates]
    return table(["day", "gate", "verdict"], rows, limit=MAX_BLOCKED_ROWS)
