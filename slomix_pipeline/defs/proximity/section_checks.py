"""``ws1c_section_coverage``: the WS1C extension for the later proximity sections. Per gaming
day: files that captured each section (enabled / disabled / unknown), rows stored and flagged,
unknown sections, dropped lines; warns on files whose declaration contradicts their sections."""

from sqlalchemy import select
from sqlalchemy.engine import Connection

from slomix_pipeline.defs.checks.day_gate import Days, Verdicts, day_gate_check
from slomix_pipeline.defs.resources import GatesResource
from slomix_pipeline.domain.proximity_section_gate import (
    SectionCapabilityFact,
    section_coverage_gate,
    summarize_section_coverage,
)
from slomix_pipeline.warehouse.schema_proximity_sections import proximity_section_capability


def _judge_section_coverage(conn: Connection, days: Days, _gates: GatesResource) -> Verdicts:
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
    for day, *fields in conn.execute(query):
        per_day[day].append(SectionCapabilityFact(*fields))
    return {day: section_coverage_gate(facts) for day, facts in per_day.items()}


ws1c_section_coverage = day_gate_check(
    name="ws1c_section_coverage",
    asset="proximity_engagements",
    description=(
        "WS1C section coverage: per day, files per section state (enabled / disabled / unknown), "
        "rows stored, flagged out of range and dropped, unknown sections. Warns on files whose "
        "6.11 declaration says off while the section has rows."
    ),
    judge=_judge_section_coverage,
    summarize=summarize_section_coverage,
)
