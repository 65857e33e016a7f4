"""``endstats_awards_linked``: every stats round with an endstats file has its awards linked,
and derivable awards agree with the round's player rows. Warns: endstats are an enrichment.
Its coverage carries the day's completeness (share of rounds with Lua, endstats, proximity)."""

from sqlalchemy.engine import Connection

from slomix_pipeline.defs.checks.day_gate import Days, Verdicts, day_gate_check
from slomix_pipeline.defs.resources import GatesResource
from slomix_pipeline.domain.endstats_gate import endstats_gate, summarize_endstats
from slomix_pipeline.ingest.day_chunks import day_chunks
from slomix_pipeline.warehouse.endstats_reads import read_endstats_days


def _judge_endstats(conn: Connection, days: Days, _gates: GatesResource) -> Verdicts:
    results = {}
    for chunk in day_chunks(days):  # a whole history's player rows at once held ~150 MB
        per_day, players = read_endstats_days(conn, chunk)
        for day, d in per_day.items():
            results[day] = endstats_gate(d.rounds, d.files, d.awards, players, d.guid_statuses)
    return results


endstats_awards_linked = day_gate_check(
    name="endstats_awards_linked",
    asset="endstats",
    description=(
        "Endstats: every stats round with an endstats file has linked awards, and derivable "
        "awards (damage, deaths, revives, …) equal the winner's player rows in the award's "
        "scope. Coverage: per-day completeness (stats, Lua, endstats, proximity). Warns."
    ),
    judge=_judge_endstats,
    summarize=summarize_endstats,
)
