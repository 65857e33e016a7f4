"""Quality gates as pure predicates: warehouse records in, a verdict out. One module per family.

Each gate of the upstream sprint is one function; find a gate's predicate by its family:

| family | predicate | records and reason codes |
| --- | --- | --- |
| all gates | ``verdicts``: ``GateResult``, ``combine``, acknowledgements | ``verdicts`` |
| WS0 round contract | ``ws0_round_contract``, ``ws0_orphan_r2`` | ``ws0_records`` |
| WS1 Lua links | ``ws1_lua_links`` (all links), ``ws1_link_checks`` (one) | ``ws1_records`` |
| WS1 Lua coverage | :mod:`slomix_pipeline.domain.gate_coverage` (never blocks) | ``ws1_records`` |
| WS1C proximity | ``ws1c_proximity_links``, ``ws1c_unique_keys`` | ``ws1c_records`` |
| WS7 kill assists | ``ws7_kill_assists`` | ``ws7_records`` |
| freshness | ``freshness`` | ``active_hours`` |

The functions know nothing of Dagster or SQL: the readers in ``warehouse/gate_reads.py`` build
the records, the asset checks in ``defs/checks/`` render the results. Anything that depends on
the wall clock (the WS1 grace period, freshness) takes ``now_unix`` as a parameter.

Where upstream's gate was lenient, these are stricter on purpose (see ``docs/gates.md``): a
missing R2 Lua row fails WS1 (upstream passed a session with 6 of 8 rounds), WS7 compares every
player (late joiners and unassigned players included) on four more counters than kill assists,
and the round contract is checked for internal consistency, not only for being filled.

This module re-exports every family's public names, so a reader of all gates (the warehouse
readers, the gate tests) needs one import; code about one family imports that family's module.
"""

from __future__ import annotations

from slomix_pipeline.domain.gates.active_hours import (
    ActiveHours,
    parse_active_hours,
)
from slomix_pipeline.domain.gates.freshness import (
    FRESHNESS_NO_FILES,
    FRESHNESS_STALE,
    freshness_gate,
    summarize_freshness,
)
from slomix_pipeline.domain.gates.verdicts import (
    GateFailure,
    GateResult,
    Summarizer,
    apply_acknowledgements,
    combine,
)
from slomix_pipeline.domain.gates.ws0_orphan_r2 import (
    orphan_r2_gate,
    summarize_orphan_r2,
)
from slomix_pipeline.domain.gates.ws0_records import (
    NO_STATE_END_REASONS,
    SCORE_CONFIDENCES,
    SIDES,
    STOPWATCH_STATES,
    WS0_CONFIDENCE_INCONSISTENT,
    WS0_CONFIDENCE_INVALID,
    WS0_NEGATIVE_VALUE,
    WS0_ORPHAN_R2,
    WS0_SIDE_INVALID,
    WS0_STATE_INVALID,
    WS0_STATE_MISSING,
    WS0_SUMMARY_ROUND,
    ContractRound,
    ValueRow,
)
from slomix_pipeline.domain.gates.ws0_round_contract import (
    round_contract_gate,
    summarize_round_contract,
)
from slomix_pipeline.domain.gates.ws1_lua_links import (
    lua_link_gate,
    summarize_lua_links,
)
from slomix_pipeline.domain.gates.ws1_records import (
    DEFAULT_GRACE_S,
    END_REASONS,
    WS1_ENUM_INVALID,
    WS1_LINK_DANGLING,
    WS1_LINK_DISAGREEMENT,
    WS1_LINK_ROW_MISSING,
    WS1_LINKED_TWICE,
    WS1_LUA_UNLINKED,
    WS1_MAP_MISMATCH,
    WS1_ROUND_MISMATCH,
    WS1_ROUND_WITHOUT_LUA,
    WS1_START_MISMATCH,
    WS1_TIME_MISMATCH,
    LinkedRound,
    LuaRoundEnd,
    lua_label,
)
from slomix_pipeline.domain.gates.ws1c_proximity_links import (
    proximity_link_gate,
    summarize_proximity_links,
)
from slomix_pipeline.domain.gates.ws1c_records import (
    WS1C_DUPLICATE_KEY,
    WS1C_FILE_UNLINKED,
    WS1C_LINK_DANGLING,
    WS1C_SPRINT_FLAT,
    DuplicateKey,
    ProximityFileLink,
    SprintDistribution,
)
from slomix_pipeline.domain.gates.ws1c_unique_keys import (
    summarize_unique_keys,
    unique_keys_gate,
)
from slomix_pipeline.domain.gates.ws7_kill_assists import (
    kill_assists_gate,
    summarize_kill_assists,
)
from slomix_pipeline.domain.gates.ws7_records import (
    WS7_FIELDS,
    WS7_GRAPHS_VS_ROUNDS,
    WS7_KA_MISSING,
    WS7_MISSING_FROM_GRAPHS,
    WS7_MISSING_FROM_TOTALS,
    WS7_PLAYER_WITHOUT_ROUNDS,
    WS7_SUMMARY_COUNTED,
    WS7_TOTALS_VS_GRAPHS,
    PlayerValues,
    SessionRoundRef,
)
from slomix_pipeline.domain.linking.reasons import DEFAULT_TOLERANCE_S

__all__ = [
    "DEFAULT_GRACE_S",
    "DEFAULT_TOLERANCE_S",
    "END_REASONS",
    "FRESHNESS_NO_FILES",
    "FRESHNESS_STALE",
    "NO_STATE_END_REASONS",
    "SCORE_CONFIDENCES",
    "SIDES",
    "STOPWATCH_STATES",
    "WS0_CONFIDENCE_INCONSISTENT",
    "WS0_CONFIDENCE_INVALID",
    "WS0_NEGATIVE_VALUE",
    "WS0_ORPHAN_R2",
    "WS0_SIDE_INVALID",
    "WS0_STATE_INVALID",
    "WS0_STATE_MISSING",
    "WS0_SUMMARY_ROUND",
    "WS1C_DUPLICATE_KEY",
    "WS1C_FILE_UNLINKED",
    "WS1C_LINK_DANGLING",
    "WS1C_SPRINT_FLAT",
    "WS1_ENUM_INVALID",
    "WS1_LINKED_TWICE",
    "WS1_LINK_DANGLING",
    "WS1_LINK_DISAGREEMENT",
    "WS1_LINK_ROW_MISSING",
    "WS1_LUA_UNLINKED",
    "WS1_MAP_MISMATCH",
    "WS1_ROUND_MISMATCH",
    "WS1_ROUND_WITHOUT_LUA",
    "WS1_START_MISMATCH",
    "WS1_TIME_MISMATCH",
    "WS7_FIELDS",
    "WS7_GRAPHS_VS_ROUNDS",
    "WS7_KA_MISSING",
    "WS7_MISSING_FROM_GRAPHS",
    "WS7_MISSING_FROM_TOTALS",
    "WS7_PLAYER_WITHOUT_ROUNDS",
    "WS7_SUMMARY_COUNTED",
    "WS7_TOTALS_VS_GRAPHS",
    "ActiveHours",
    "ContractRound",
    "DuplicateKey",
    "GateFailure",
    "GateResult",
    "LinkedRound",
    "LuaRoundEnd",
    "PlayerValues",
    "ProximityFileLink",
    "SessionRoundRef",
    "SprintDistribution",
    "Summarizer",
    "ValueRow",
    "apply_acknowledgements",
    "combine",
    "freshness_gate",
    "kill_assists_gate",
    "lua_label",
    "lua_link_gate",
    "orphan_r2_gate",
    "parse_active_hours",
    "proximity_link_gate",
    "round_contract_gate",
    "summarize_freshness",
    "summarize_kill_assists",
    "summarize_lua_links",
    "summarize_orphan_r2",
    "summarize_proximity_links",
    "summarize_round_contract",
    "summarize_unique_keys",
    "unique_keys_gate",
]
