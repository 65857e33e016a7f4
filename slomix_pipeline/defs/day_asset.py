"""One decorator for a gaming-day warehouse asset: partitions, single-run backfills, pool.

Every asset that writes warehouse rows per gaming day is declared the same way: partitioned by
:data:`gaming_days`, a backfill of many days materialized in ONE run (each run pays seconds of
imports, and the ingestion code handles a range), and the ``warehouse`` pool so that writers
to one SQLite file take turns. ``live=True`` adds the live automation condition for assets that
follow their inputs (``defs/conditions.py``).
"""

from collections.abc import Callable, Collection, Sequence
from typing import Any

import dagster as dg

from slomix_pipeline.defs.conditions import live_update_condition
from slomix_pipeline.defs.partitions import gaming_days


def day_asset(
    *,
    group_name: str,
    description: str,
    deps: Sequence[Any] | None = None,
    kinds: Collection[str] = ("python", "sql"),
    live: bool = False,
    **more: Any,
) -> Callable[..., dg.AssetsDefinition]:
    """``dg.asset`` with the gaming-day settings above; ``more`` passes through (metadata...)."""
    if live:
        more["automation_condition"] = live_update_condition()
    return dg.asset(
        deps=deps,
        partitions_def=gaming_days,
        backfill_policy=dg.BackfillPolicy.single_run(),
        group_name=group_name,
        kinds=set(kinds),
        pool="warehouse",
        description=description,
        **more,
    )
