"""Gate results -> Dagster check results: failure tables, coverage metadata, one per partition.

A check run on one gaming day yields one ``AssetCheckResult``: Dagster records it on that
partition and, for a blocking check failing with ERROR, stops the downstream steps of the run.

A check run over a single-run range judges each gaming day on its own and yields one
``AssetCheckEvaluation`` per day, carrying its partition key *and* the storage id of that day's
latest materialization of the asset (without it Dagster 1.13 treats the evaluation as stale and
the check's Partitions tab shows nothing). No range-wide result is yielded: a failing day must
not stop the other days. In a range the per-day evaluations are therefore not step-blocking;
the publishing asset (``session_aggregates``) reads them and blocks exactly the failing days
(:mod:`slomix_pipeline.defs.verdicts`). The whole range's verdict goes to the run log.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any

import dagster as dg
from dagster._core.definitions.asset_checks.asset_check_evaluation import (
    AssetCheckEvaluationTargetMaterializationData,
)

from slomix_pipeline.defs.resources import GatesResource
from slomix_pipeline.defs.tables import Listing, table
from slomix_pipeline.domain.gates import (
    GateFailure,
    GateResult,
    Summarizer,
    apply_acknowledgements,
    combine,
)

MAX_TABLE_ROWS = 100
"""Failures listed per table; the rest are counted (metadata stays small on a bad backfill)."""


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A markdown table, for the run log only (metadata uses table values: ``defs/tables.py``)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def failures_table(failures: Sequence[GateFailure], limit: int = MAX_TABLE_ROWS) -> Listing:
    """The failures as a table value (subject, reason, detail), the rest counted; ``none``."""
    return table(
        ["subject", "reason", "detail"],
        [[f.subject, f.reason, f.detail] for f in failures[:limit]],
        total=len(failures),
        more="more failure(s) not listed",
    )


def _coverage_value(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return dg.MetadataValue.text(str(value))
    if isinstance(value, int | float):
        return value
    if isinstance(value, Mapping):
        return dg.MetadataValue.json(dict(value))
    return dg.MetadataValue.text(str(value))


def gate_metadata(result: GateResult, days: Sequence[date]) -> dict[str, Any]:
    """Summary, failure table and reason counts, then every coverage figure."""
    meta: dict[str, Any] = {
        "days": dg.MetadataValue.text(", ".join(d.isoformat() for d in days)),
        "summary": dg.MetadataValue.text(result.summary),
        "failures": failures_table(result.failures),
        "failure_count": len(result.failures),
        "failure_reasons": dg.MetadataValue.json(result.reason_counts()),
    }
    if result.acknowledged:
        meta["acknowledged"] = table(
            ["subject", "reason", "detail", "operator note"],
            [[f.subject, f.reason, f.detail, note] for f, note in result.acknowledged],
            limit=MAX_TABLE_ROWS,
        )
    for key, value in result.coverage.items():
        meta[f"coverage/{key}"] = _coverage_value(value)
    return meta


def _per_day_table(results: Mapping[date, GateResult]) -> str:
    rows = [
        [day.isoformat(), "passed" if r.passed else "FAILED", len(r.failures), r.summary]
        for day, r in sorted(results.items())
    ]
    return markdown_table(["day", "verdict", "failures", "summary"], rows)


def _targets(
    context: dg.AssetCheckExecutionContext, asset_key: dg.AssetKey, partitions: Sequence[str]
) -> dict[str, AssetCheckEvaluationTargetMaterializationData]:
    """Each day's latest materialization of the checked asset (what its evaluation judges).

    Two queries for the whole range (the latest storage id per partition, then those records),
    not one per day: a seven-year range made 2,500 queries per check.
    """
    latest = context.instance.event_log_storage.get_latest_storage_id_by_partition(
        asset_key, dg.DagsterEventType.ASSET_MATERIALIZATION, set(partitions)
    )
    out: dict[str, AssetCheckEvaluationTargetMaterializationData] = {}
    ids = sorted(latest.values())
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        records = context.instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=asset_key, storage_ids=chunk), limit=len(chunk)
        ).records
        for mat in records:
            out[mat.partition_key or ""] = AssetCheckEvaluationTargetMaterializationData(
                run_id=mat.event_log_entry.run_id,
                storage_id=mat.storage_id,
                timestamp=mat.timestamp,
            )
    return out


def emit(
    context: dg.AssetCheckExecutionContext,
    results: Mapping[date, GateResult],
    summarize: Summarizer,
    *,
    severity: dg.AssetCheckSeverity = dg.AssetCheckSeverity.ERROR,
    gates: GatesResource,
) -> Iterator[dg.AssetCheckResult | dg.AssetCheckEvaluation | dg.Output]:
    """Yield the check's results for the run's days (see the module docstring)."""
    spec = next(iter(context.check_specs))
    notes = gates.acknowledgement_notes(spec.name)
    if notes:
        results = {day: apply_acknowledgements(r, notes) for day, r in results.items()}
    days = sorted(results)
    if context.has_partition_key:
        result = results[days[0]]
        yield dg.AssetCheckResult(
            passed=result.passed,
            metadata=gate_metadata(result, days),
            severity=severity,
            description=result.summary,
        )
        return
    targets = _targets(context, spec.asset_key, [d.isoformat() for d in days])
    for day in days:
        result = results[day]
        yield dg.AssetCheckEvaluation(
            asset_key=spec.asset_key,
            check_name=spec.name,
            passed=result.passed,
            metadata=gate_metadata(result, [day]),
            severity=severity,
            description=result.summary,
            blocking=False,  # per day: the publishing asset blocks the failing days only
            partition=day.isoformat(),
            target_materialization_data=targets.get(day.isoformat()),
        )
    yield dg.Output(None)  # the check op's output: the verdicts are the per-day evaluations
    overall = combine(results.values(), summarize)
    failed = [d.isoformat() for d in days if not results[d].passed]
    log = (
        context.log.warning
        if failed and severity == dg.AssetCheckSeverity.ERROR
        else context.log.info
    )
    shown = results if len(days) <= 31 else {d: r for d, r in results.items() if not r.passed}
    log(
        f"{spec.name} over {len(days)} day(s): {len(days) - len(failed)} passed, "
        f"{len(failed)} failed{' (' + ', '.join(failed) + ')' if failed else ''}; "
        f"{overall.summary}" + (f"\n{_per_day_table(shown)}" if shown else "")
    )


def single_result(
    result: GateResult,
    *,
    severity: dg.AssetCheckSeverity = dg.AssetCheckSeverity.ERROR,
) -> dg.AssetCheckResult:
    """An unpartitioned check's result (freshness)."""
    meta = gate_metadata(result, [])
    del meta["days"]
    return dg.AssetCheckResult(
        passed=result.passed, metadata=meta, severity=severity, description=result.summary
    )
