"""Versions of the rules the pipeline applies, the source of every asset's ``code_version``.

"A rule changed, rebuild the history it shaped" is this platform's core use case. Dagster marks
a partition stale when the code version of its asset differs from the one it was materialized
with, so each asset's code version is derived from the versions of exactly the rules it applies
(``defs/catalog.py`` says which). Bump a rule's version here in the same commit that changes what
the rule produces (not for refactors that leave every output identical); the UI then shows the
affected partitions as stale and "Materialize stale" launches a backfill of exactly those.

Pure data: no Dagster, no SQL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

RULE_VERSIONS: dict[str, int] = {
    # parsers of the landed files
    "stats_parser": 1,  # formats/stats_file.py
    "webhook_parser": 1,  # formats/webhook.py
    "gametime_parser": 1,  # formats/gametime.py
    "proximity_parser": 1,  # formats/proximity.py
    # domain rules
    "gaming_day": 1,  # domain/gaming_day.py: which day a file belongs to
    "round_identity": 1,  # domain/round_identity.py
    "r2_differential": 1,  # domain/differential.py: R2 rows hold R2-only values
    "pairing": 1,  # domain/pairing.py: R1/R2 pairing window
    "lua_events": 1,  # domain/lua_events.py (merge) + lua_records/values/end_reason.py
    "lua_truth": 1,  # domain/lua_truth.py + lua_cap.py: merged round ends
    "proximity": 1,  # domain/proximity/: one module per derivation
    "linking": 1,  # domain/linking/: stats round <-> Lua round end
    "sessions": 1,  # domain/sessions.py: session gap, membership
    "aggregates": 1,  # domain/aggregates.py + scoring.py + stopwatch.py
    "gates": 1,  # domain/gates/ + gate_coverage.py: verdicts that block sessions
    "publish_render": 1,  # publish/render.py + embeds.py: what a Discord post says
    "proximity_sections": 1,  # formats/proximity_sections/ + domain/proximity_capabilities.py
    "endstats_parser": 1,  # formats/endstats.py
    "endstats": 1,  # domain/endstats*.py: award decoding, round link, roster name resolution
    "player_identity": 1,  # domain/careers identity: canonical GUIDs, merges
    "careers": 1,  # domain/careers: totals, rates, records, award tallies
    "leaderboards": 1,  # domain/careers: eligibility and tie-breaks
    "exports": 1,  # ingest/dataset_exports.py: the exported schema
}


def code_version(rules: Iterable[str], versions: Mapping[str, int] | None = None) -> str:
    """A short stable fingerprint of ``rules`` at their versions; unknown rule names fail."""
    versions = RULE_VERSIONS if versions is None else versions
    names = sorted(set(rules))
    missing = [name for name in names if name not in versions]
    if missing:
        raise KeyError(f"no version registered for rule(s) {missing} in RULE_VERSIONS")
    text = ";".join(f"{name}={versions[name]}" for name in names)
    return "r-" + hashlib.sha256(text.encode()).hexdigest()[:12]
