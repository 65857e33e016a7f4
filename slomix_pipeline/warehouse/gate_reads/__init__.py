"""SELECTs behind the quality gates: the rows of a set of gaming days, as gate records.

Each reader returns records of :mod:`slomix_pipeline.domain.gates` grouped by gaming day, so an
asset check can judge every partition of a range on its own. Work that would move many rows
into Python is done in SQL instead: negative values are filtered with one ``OR`` over the
metric columns, duplicate natural keys are found with ``GROUP BY ... HAVING count(*) > 1``, and
the sprint distribution is summarised per day; only the offending rows and the counts travel.

One module per gate family, like ``domain/gates/``:

| module | reads |
|---|---|
| ``ws0`` | round contract rows, negative values |
| ``ws1`` | the link window (rounds and Lua round ends of a day and its neighbours) |
| ``ws1c`` | proximity files, sprint distributions, duplicate natural keys |
| ``ws7`` | the three per-player session views |
| ``freshness`` | the newest stored round |
| ``common`` | the day filter every read applies |
"""

from slomix_pipeline.warehouse.gate_reads.freshness import read_newest_round
from slomix_pipeline.warehouse.gate_reads.ws0 import (
    NegativeValues,
    read_contract_rounds,
    read_negative_values,
)
from slomix_pipeline.warehouse.gate_reads.ws1 import LinkWindow, read_link_window
from slomix_pipeline.warehouse.gate_reads.ws1c import (
    KeyCheck,
    read_duplicate_keys,
    read_proximity_files,
    read_sprint_distributions,
)
from slomix_pipeline.warehouse.gate_reads.ws7 import SessionViews, read_session_views

__all__ = [
    "KeyCheck",
    "LinkWindow",
    "NegativeValues",
    "SessionViews",
    "read_contract_rounds",
    "read_duplicate_keys",
    "read_link_window",
    "read_negative_values",
    "read_newest_round",
    "read_proximity_files",
    "read_session_views",
    "read_sprint_distributions",
]
