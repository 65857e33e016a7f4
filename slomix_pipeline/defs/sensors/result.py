"""A tick as a Dagster ``SensorResult``: its run requests, next cursor and notes.

The tick fails visibly (the error in the tick's log) when a folder could not be evaluated and
nothing was requested; when another folder produced runs, the error is only logged.
"""

import logging
from datetime import date

import dagster as dg

from slomix_pipeline.defs.sensors.evaluation import ZoneTick
from slomix_pipeline.defs.sensors.zone_requests import run_request_for
from slomix_pipeline.landing.zone import printable_name


def zone_result(tick: ZoneTick, log: logging.Logger) -> dg.SensorResult:
    """The sensor result of one tick; raises when a folder failed and nothing was requested."""
    requests = [run_request_for(request) for request in tick.requests]
    notes: list[str] = []
    before_first: list[tuple[str, date]] = []
    already: list[str] = []
    for folder, folder_tick in sorted(tick.folder_ticks.items()):
        if folder_tick.ledger_error:
            log.warning(
                f"{folder}/: cannot read the processed_files ledger ({folder_tick.ledger_error})"
            )
        before_first.extend(
            (f"{folder}/{printable_name(name)}", day)
            for name, day in folder_tick.plan.before_first_day
        )
        already.extend(f"{folder}/{name}" for name in folder_tick.already_ingested)
    if before_first:
        names = ", ".join(name for name, _ in before_first[:5])
        notes.append(
            f"{len(before_first)} file(s) belong to days before the first partition "
            f"(SLOMIX_PARTITION_START) and cannot be loaded: {names}"
        )
        log.warning(notes[-1])
    if tick.waiting_days:
        notes.append(f"days waiting for a later tick: {', '.join(tick.waiting_days[:10])}")
    if already:
        notes.append(
            f"{len(already)} file(s) landed again identical to what the warehouse holds "
            f"(nothing to do): {', '.join(already[:5])}"
        )
    for folder, error in sorted(tick.errors.items()):
        log.error(f"{folder}/ could not be evaluated (retried next tick):\n{error}")
    if tick.errors and not requests:
        failed = ", ".join(f"{folder}/" for folder in sorted(tick.errors))
        last_line = next(iter(tick.errors.values())).strip().splitlines()[-1]
        raise RuntimeError(f"landing folder(s) {failed} could not be evaluated: {last_line}")
    skip = None
    if not requests:
        skip = "; ".join(notes) if notes else "no new files in the landing folders"
    return dg.SensorResult(
        run_requests=requests, cursor=tick.cursor.to_json(), skip_reason=skip or None
    )
