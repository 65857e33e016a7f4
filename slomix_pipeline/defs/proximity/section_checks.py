"""``ws1c_section_coverage``: the WS1C extension for the later proximity sections. Per gaming
day: files that captured each section (enabled / disabled / unknown), rows stored and flagged,
unknown sections, dropped lines; warns on files whose declaration contradicts their sections."""

# No ``from __future__ import annotations`` in modules under defs/ (Dagster reads annotations).
from collections.abc import Iterator

import dagster as dg
from sqlalchemy import select

from slomix_pipeline.defs.checks.render import emit
from slomix_pipeline.defs.partitions import gaming_days, partition_days
from slomix_pipeline.defs.resources import GatesResource, WarehouseResource
from slomix_pipeline.defs.step_order import AFTER_THE_SESSION_PATH
from slomix_pipeline.domain.proximity_section_gate import (
    SectionCapabilityFact,
    section_coverage_gate,
    summarize_section_coverage,
)
from slomix_pipeline.warehouse.schema_proximity_sections import proximity_section_capability


@dg.asset_check(
    asset="proximity_engagements",
    partitions_def=gaming_days,
    pool="warehouse",
    op_tags=AFTER_THE_SESSION_PATH,
    description=(
        "WS1C section coverage: per day, files per section state (enabled / disabled / unknown), "
        "rows stored, flagged out of range and dropped, unknown sections. Warns on files whose "
        "6.11 declaration says off while the section has rows."
    ),
)
def ws1c_section_coverage(
    context: dg.AssetCheckExecutionContext,
    warehouse: WarehouseResource,
    gates: GatesResource,
) -> Iterator[dg.AssetCheckResult | dg.AssetCheckEvaluation]:
    days = partition_days(context)
    t = proximity_section_capability
    query = select(
        t.c.gaming_day,
        t.c.source_file,
        t.c.kind,
        t.c.name,
        t.c.state,
        t.c.rows_in_file,
        t.c.broken_rows,
        t.c.out_of_range_rows,
        t.c.conflict,
    ).where(t.c.gaming_day.in_(days))
    per_day: dict = {day: [] for day in days}
    with warehouse.get_engine().connect() as conn:
        for day, *fields in conn.execute(query):
            per_day[day].append(SectionCapabilityFact(*fields))
    results = {day: section_coverage_gate(facts) for day, facts in per_day.items()}
    yield from emit(
        context,
        results,
        summarize_section_coverage,
        severity=dg.AssetCheckSeverity.WARN,
        gates=gates,
    )
