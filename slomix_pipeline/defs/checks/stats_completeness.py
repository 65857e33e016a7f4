"""``stats_file_complete``: a stats file cut at a line boundary is named, per day, by evidence.

The predicate and its reasoning live in :mod:`slomix_pipeline.domain.stats_completeness`: a
player the round's endstats side-car names (kills or deaths against an enemy) must have a line in
the stats file. The check sits on ``endstats`` because that asset writes the evidence (the
side-car's subjects resolved within the linked round) and always runs after ``raw_stats_files``.
It warns: the round is kept (every line present is correct), the other rounds and the day's
sessions are built; the operator re-fetches the file or acknowledges the loss.
"""

from sqlalchemy.engine import Connection

from slomix_pipeline.defs.checks.day_gate import Days, Verdicts, day_gate_check
from slomix_pipeline.defs.resources import GatesResource
from slomix_pipeline.domain.stats_completeness import (
    stats_completeness_gate,
    summarize_stats_completeness,
)
from slomix_pipeline.warehouse.completeness_reads import read_completeness_rounds


def _judge_completeness(conn: Connection, days: Days, _gates: GatesResource) -> Verdicts:
    rounds = read_completeness_rounds(conn, days)
    return {day: stats_completeness_gate(rounds[day]) for day in days}


stats_file_complete = day_gate_check(
    name="stats_file_complete",
    asset="endstats",
    description=(
        "Stats files whole: every player the round's endstats side-car names (kills or deaths "
        "against an enemy) has a line in the round's stats file; otherwise the file was cut at "
        "a line boundary. The round is kept and named with the missing players. Warns."
    ),
    judge=_judge_completeness,
    summarize=summarize_stats_completeness,
)
