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

Days of a range on which nothing landed (no file of any source: ``warehouse/play_days.py``) get
no per-day evaluation when the checked asset's materialization of that day recorded no row and
no file and their gate passed with nothing to report: there is nothing to judge,
and in a seven-year history they are most days (issue 13). Dagster shows the check on such a
day's partition as planned by the run but not executed ("skipped"); the run log's range line
counts them. A day with play always gets its evaluation, and a failing gate on an empty day
(which would be a bug) is recorded like any other.
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
from slomix_pipeline.domain.gates.verdicts import (
    GateFailure,
    GateResult,
    Summarizer,
    apply_acknowledgements,
    combine,
)
from slomix_pipeline.warehouse.play_days import days_with_landings

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
) -> tuple[dict[str, AssetCheckEvaluationTargetMaterializationData], set[str]]:
    """Each day's latest materialization of the checked asset (what its evaluation judges),
    and the days whose materialization recorded no row and no file (``defs/day_metadata.py``).

    Two queries for the whole range (the latest storage id per partition, then those records),
    not one per day: a seven-year range made 2,500 queries per check.
    """
    latest = context.instance.event_log_storage.get_latest_storage_id_by_partition(
        asset_key, dg.DagsterEventType.ASSET_MATERIALIZATION, set(partitions)
    )
    out: dict[str, AssetCheckEvaluationTargetMaterializationData] = {}
    empty: set[str] = set()
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
            meta = mat.asset_materialization.metadata if mat.asset_materialization else {}
            counts = [v for k, v in meta.items() if k.startswith("day_rows/")]
            if counts and "day_files" not in meta and not any(c.value for c in counts):
                empty.add(mat.partition_key or "")
    return out, empty


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
    targets, empty = _targets(context, spec.asset_key, [d.isoformat() for d in days])
    quiet = _quiet_days(context, results, empty)
    judged = [d for d in days if d not in quiet]
    for day in judged:
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
        f"{len(failed)} failed{' (' + ', '.join(failed) + ')' if failed else ''}"
        f"{f', {len(quiet)} without landings not recorded' if quiet else ''}; "
        f"{overall.summary}" + (f"\n{_per_day_table(shown)}" if shown else "")
    )


def _quiet_days(
    context: dg.AssetCheckExecutionContext,
    results: Mapping[date, GateResult],
    empty: set[str],
) -> set[date]:
    """Days with nothing to judge: no landed file of any source, no row of the checked asset,
    and a gate that passed with nothing to report. They get no evaluation."""
    warehouse = getattr(context.resources, "warehouse", None)
    candidates = [d for d in results if d.isoformat() in empty]
    if warehouse is None or not candidates:
        return set()
    with warehouse.get_engine().connect() as conn:
        played = days_with_landings(conn, min(candidates), max(candidates))
    return {
        day
        for day in candidates
        if day not in played
        and (r := results[day]).passed
        and not r.failures
        and not r.acknowledged
    }


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
