"""The one place publishing reads the quality gates' verdict for a gaming day.

Today the gates are the *blocking* asset checks upstream of the posts (WS0 round contract,
WS1C unique keys, WS1 Lua links, WS7 kill assists), recorded per partition in the Dagster
instance. A day passes when every one of them has a verdict for that day, the verdict is about
the asset's latest materialization (not an older one), and it passed; a failure with WARN
severity does not hold a post back. When the gates are reworked (integrity errors vs coverage
warnings, per-partition results), only this module changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import dagster as dg
from dagster._core.event_api import PartitionKeyFilter
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

from slomix_pipeline.publish.plan import DueDecision

_OK = AssetCheckExecutionRecordStatus.SUCCEEDED
_FAILED = AssetCheckExecutionRecordStatus.FAILED


def gate_check_keys(
    graph: dg.AssetGraph | object, targets: Iterable[dg.AssetKey]
) -> list[dg.AssetCheckKey]:
    """The blocking checks of every asset upstream of ``targets`` (the gates a post obeys)."""
    upstream = dg.AssetSelection.assets(*targets).upstream() - dg.AssetSelection.assets(*targets)
    assets = upstream.resolve(graph)  # type: ignore[arg-type]
    keys = [
        key
        for key in graph.asset_check_keys  # type: ignore[attr-defined]
        if key.asset_key in assets and graph.get_check_spec(key).blocking  # type: ignore[attr-defined]
    ]
    return sorted(keys, key=lambda k: (k.asset_key.to_user_string(), k.name))


def location_asset_graph(context: dg.AssetExecutionContext) -> object:
    """The whole code location's asset graph (a job's own graph only holds its subset).

    A run launched from the code location has it on the context; ``dg.materialize`` and
    ``execute_in_process`` runs do not, so the location's definitions are loaded instead.
    """
    try:
        return context.repository_def.asset_graph
    except Exception:  # no repository on the step context (in-process runs)
        from slomix_pipeline.definitions import defs

        return defs().resolve_asset_graph()


def _warn_only(instance: dg.DagsterInstance, key: dg.AssetCheckKey, day: str) -> bool:
    records = instance.event_log_storage.get_asset_check_execution_history(
        key, limit=1, partition_filter=PartitionKeyFilter(key=day)
    )
    evaluation = records[0].evaluation if records else None
    return evaluation is not None and evaluation.severity == dg.AssetCheckSeverity.WARN


def day_verdicts(
    instance: dg.DagsterInstance, checks: Sequence[dg.AssetCheckKey], days: Iterable[date]
) -> dict[date, DueDecision]:
    """Per gaming day: did every gate pass on the latest data? (reason says which did not)."""
    wanted = sorted(set(days))
    if not wanted:
        return {}
    infos = instance.event_log_storage.get_asset_check_partition_info(
        list(checks), partition_keys=[d.isoformat() for d in wanted]
    )
    by_key = {(i.check_key, i.partition_key): i for i in infos}
    out: dict[date, DueDecision] = {}
    for day in wanted:
        problems = []
        for key in checks:
            info = by_key.get((key, day.isoformat()))
            if info is None:
                problems.append(f"{key.name} never evaluated")
                continue
            newer = info.latest_materialization_storage_id or 0
            if newer > info.latest_check_event_storage_id:
                problems.append(f"{key.name} not evaluated on the latest data yet")
            elif info.latest_execution_status == _FAILED:
                if not _warn_only(instance, key, day.isoformat()):
                    problems.append(f"{key.name} failed")
            elif info.latest_execution_status != _OK:
                problems.append(f"{key.name} {info.latest_execution_status.value.lower()}")
        out[day] = DueDecision(not problems, "; ".join(problems) or "passed")
    return out
