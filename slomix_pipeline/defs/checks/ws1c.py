"""WS1C gates on ``proximity_engagements``: linked files, a live sprint signal, unique keys.

``ws1c_proximity_links`` warns (never blocks) when a proximity file is not linked to a stored
round or when a day's sprint distribution is flat: proximity is an enrichment, a file whose stats
round has not landed yet must not hold back the session tables. ``ws1c_unique_keys`` blocks with
ERROR severity: a round, engagement or track stored twice would be counted twice downstream.
"""

from sqlalchemy.engine import Connection

from slomix_pipeline.defs.checks.day_gate import Days, Verdicts, day_gate_check
from slomix_pipeline.defs.resources import GatesResource
from slomix_pipeline.domain.gates.ws1c_proximity_links import (
    proximity_link_gate,
    summarize_proximity_links,
)
from slomix_pipeline.domain.gates.ws1c_unique_keys import summarize_unique_keys, unique_keys_gate
from slomix_pipeline.warehouse.gate_reads import (
    read_duplicate_keys,
    read_proximity_files,
    read_sprint_distributions,
)


def _judge_proximity_links(conn: Connection, days: Days, _gates: GatesResource) -> Verdicts:
    files = read_proximity_files(conn, days)
    sprint = read_sprint_distributions(conn, days)
    return {day: proximity_link_gate(files.get(day, []), sprint.get(day)) for day in days}


def _judge_unique_keys(conn: Connection, days: Days, _gates: GatesResource) -> Verdicts:
    keys = read_duplicate_keys(conn, days)
    return {
        day: unique_keys_gate(keys.duplicates.get(day, []), keys.checked.get(day, {}))
        for day in days
    }


ws1c_proximity_links = day_gate_check(
    name="ws1c_proximity_links",
    asset="proximity_engagements",
    description=(
        "WS1C proximity links: every proximity file is linked to a stored stats round, and a "
        "day with tracks has a sprint distribution that is not flat (WS1C-004). Warns."
    ),
    judge=_judge_proximity_links,
    summarize=summarize_proximity_links,
)

ws1c_unique_keys = day_gate_check(
    name="ws1c_unique_keys",
    asset="proximity_engagements",
    blocking=True,
    description=(
        "WS1C unique keys: no proximity round (map, round, start, end), engagement or track "
        "natural key stored twice (WS1C-003). Blocking, ERROR."
    ),
    judge=_judge_unique_keys,
    summarize=summarize_unique_keys,
)
