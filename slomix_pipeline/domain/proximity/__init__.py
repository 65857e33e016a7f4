"""Derivations from a parsed proximity file: rows for the four proximity warehouse tables.

``derive(parsed)`` turns a :class:`~slomix_pipeline.formats.proximity.ProximityFile` into
``combat_engagement``, ``player_track``, ``proximity_trade_event`` and
``proximity_support_summary`` rows. Column names follow the upstream schema where one exists.

Where this deliberately differs from upstream (each is covered by a test):

* **Self-kills** (``/kill`` while under fire) were stored with the victim as killer and produced
  a trade event "killer = victim". Here the killer is cleared, ``death_kind='self_kill'`` says
  what happened, no trade event is made, and an engagement with no enemy fire is not kept.
* **Friendly fire** (Feb tracker) let a teammate's hits create or join an engagement, count as
  an attacker and as a crossfire participant. Teammates are removed from the attacker list,
  their damage is reported apart (``friendly_fire_damage``), and attacker count / crossfire are
  recomputed from enemy hits with the header's crossfire window. An engagement without any enemy
  fire (teammate-only, self-kill-only, or a fall with no attacker) is excluded and listed.
* **Zero is a time, not "missing".** A spawn at ``t=0`` (common with the V6 time base) gets a
  real ``duration_ms`` and ``time_to_first_move_ms``; combat intervals starting at 0 count.
* **Sprint** comes from the tracker's sprint flag, which since the WS1C-004 fix is computed from
  the stamina drain. It is measured over periodic ``sample`` points only: the spawn point has
  no previous stamina reading and terminal points are forced to 0, so counting them (upstream)
  diluted short lives. A file whose flag is never set although players clearly ran is the old,
  dead pm_flags bit: its sprint values are stored as unknown (``None``), not as a flat 0.
* **Paths are stored as the compact text the tracker wrote** (``time,x,y,...|...``) for both
  engagements and lives, instead of upstream's JSON: no per-point work on the import path, and
  the format is documented and trivially re-parsed by readers.
* **Interval-based seconds** (stance, sprint) use the header's sample interval, never a
  hard-coded 0.2 s; without the header value they are ``None``.
* **Trade attempts** count a teammate's fire on the killer anywhere inside the trade window (his
  hit interval overlaps it), so the teammate who lands the avenging kill is always also an
  attempt; upstream required the *first* hit inside the window (success without attempt).
  The victim himself (after a revive) never counts as his own avenger.

Everything here is pure numpy/Python over the parsed records: no SQL, no files, no Dagster.

Where each rule lives (one module per derivation; this package re-exports the public names, so
importers use ``slomix_pipeline.domain.proximity``):

| module | responsibility |
| --- | --- |
| ``derivation`` | the entry point :func:`derive`: runs every derivation over one file |
| ``params`` | :class:`DeriveParams`: distances, windows, sprint thresholds |
| ``rows`` | the four table row types, ``TABLE_ROW_TYPES``, ``NATURAL_KEYS``, column order |
| ``result`` | :class:`ProximityDerived` and :class:`ExcludedEngagement` |
| ``classify`` | death kind (self / team / enemy kill, world) and which engagements are kept |
| ``engagements`` | ``combat_engagement`` rows: crossfire, friendly fire, estimated damage |
| ``tracks`` | ``player_track`` rows: distance, speed, stance, sprint and the sprint signal |
| ``trades`` | ``proximity_trade_event`` rows: opportunities, attempts, successes, isolation |
| ``combat_intervals`` | when a player counts as "in combat" (for support uptime) |
| ``support`` | ``proximity_support_summary``: uptime near a teammate in combat |
| ``shared`` | compact JSON, the per-file scope columns, sorted per-life track views |
"""

from __future__ import annotations

from slomix_pipeline.domain.proximity.derivation import derive
from slomix_pipeline.domain.proximity.params import DeriveParams
from slomix_pipeline.domain.proximity.result import ExcludedEngagement, ProximityDerived
from slomix_pipeline.domain.proximity.rows import (
    NATURAL_KEYS,
    TABLE_ROW_TYPES,
    CombatEngagementRow,
    PlayerTrackRow,
    SupportSummaryRow,
    TradeEventRow,
    row_values,
    table_columns,
)

__all__ = [
    "NATURAL_KEYS",
    "TABLE_ROW_TYPES",
    "CombatEngagementRow",
    "DeriveParams",
    "ExcludedEngagement",
    "PlayerTrackRow",
    "ProximityDerived",
    "SupportSummaryRow",
    "TradeEventRow",
    "derive",
    "row_values",
    "table_columns",
]
