"""WS7 gate on ``session_aggregates``: kill assists present, three views that agree per player.

For every session owned by the day, the session totals, the per-round graph rows and the stored
R1/R2 rows of the counted rounds must agree per player on kill assists, kills, deaths and damage
given/received, with every player who played (late joiners and unassigned players included).
Blocking with ERROR severity.
"""

from sqlalchemy.engine import Connection

from slomix_pipeline.defs.checks.day_gate import Days, Verdicts, day_gate_check
from slomix_pipeline.defs.resources import GatesResource
from slomix_pipeline.domain.gates.ws7_kill_assists import kill_assists_gate, summarize_kill_assists
from slomix_pipeline.ingest.day_chunks import day_chunks
from slomix_pipeline.warehouse.gate_reads import SessionViews, read_session_views


def _judge_kill_assists(conn: Connection, days: Days, _gates: GatesResource) -> Verdicts:
    results = {}
    # a chunk's player rows at a time: the whole history's three views at once held every
    # session, graph and round row of seven years (issue 13)
    for chunk in day_chunks(days):
        views = read_session_views(conn, chunk)
        for day in chunk:
            v = views.get(day, SessionViews())
            results[day] = kill_assists_gate(
                v.sessions, v.session_rounds, v.totals, v.graphs, v.rounds
            )
    return results


ws7_kill_assists = day_gate_check(
    name="ws7_kill_assists",
    asset="session_aggregates",
    blocking=True,
    description=(
        "WS7 kill assists: kill_assists present for every player of every session; per player, "
        "session totals == sum of graph rows == sum of the stored R1/R2 rows (summary rows "
        "excluded) for kill_assists, kills, deaths and damage; late joiners included. "
        "Blocking, ERROR."
    ),
    judge=_judge_kill_assists,
    summarize=summarize_kill_assists,
)
