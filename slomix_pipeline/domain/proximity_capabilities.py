"""Per file and section: was the feature on (``enabled``), off (``disabled``) or can we not tell
(``unknown``)? And the per-player figures derived from the later sections, which honour it.

Why three states (``proximity-v5-v6.md`` §6.2): a gated section is written only when its flag is
on *and* it has rows, so "flag off" and "nothing happened" leave the same file. Only the 6.11
``capabilities=`` declaration can say "off". So:

* ``enabled``: declared ``:1``, or (no declaration for that flag) the section has ≥ 1 row, or an
  ungated section (``REVIVES``, ``WEAPON_ACCURACY``) in a file whose tracker must have written it
  (a V6 file, or a V5 file of a round from 2026-03-20 on). An empty section is then a true zero.
* ``disabled``: declared ``:0``. Rows present anyway are kept and the row is flagged
  ``conflict`` (upstream let the declaration win silently).
* ``unknown``: no declaration and no rows. **Never** inferred as disabled from absence.

Unknown markers get a row with state ``not_understood`` (their rows are not imported), and flags a
newer tracker declares but this code does not know are kept as ``flag`` rows.

Every derived figure of :func:`player_figures` is ``None`` (NULL) unless its section is
``enabled``: "not captured" must never read as 0.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from slomix_pipeline.formats.proximity import ProximityFile
from slomix_pipeline.formats.proximity_sections import CAPABILITY_FLAGS, SECTION_SPECS

__all__ = [
    "DISABLED",
    "ENABLED",
    "NOT_UNDERSTOOD",
    "PLAYER_FIGURES",
    "SECTION_FLAGS",
    "UNKNOWN",
    "CapabilityRow",
    "PlayerSectionRow",
    "capability_rows",
    "player_figures",
    "section_states",
]

ENABLED, DISABLED, UNKNOWN, NOT_UNDERSTOOD = "enabled", "disabled", "unknown", "not_understood"
_UNGATED = frozenset({"REVIVES", "WEAPON_ACCURACY"})
_REVIVES_SINCE = date(2026, 3, 20)
"""Tracker 5.1 (REVIVES, WEAPON_ACCURACY) went live; a V5 file cannot tell 5.0 from 5.1."""

SECTION_FLAGS: dict[str, str | None] = {
    "ENGAGEMENTS": "engagement_tracking",
    "PLAYER_TRACKS": None,
    **{marker: spec.flag for marker, spec in SECTION_SPECS.items()},
}
"""Every known section and the flag gating it (None: no flag)."""

_V4_ROWS = {
    "ENGAGEMENTS": lambda p: len(p.engagements),
    "PLAYER_TRACKS": lambda p: len(p.lives),
    "KILL_HEATMAP": lambda p: len(p.kill_heatmap),
    "MOVEMENT_HEATMAP": lambda p: len(p.movement_heatmap),
    "OBJECTIVE_FOCUS": lambda p: len(p.objective_focus),
}


@dataclass(frozen=True, slots=True)
class CapabilityRow:
    """One ``proximity_section_capability`` row (without the warehouse columns)."""

    source_file: str
    kind: str  # section | unknown_section | flag
    name: str
    flag: str | None
    declared: bool | None
    state: str
    evidence: str  # declared | rows | ungated | none | not_modelled
    present: bool
    rows_in_file: int | None
    broken_rows: int
    out_of_range_rows: int
    conflict: bool


def _round_date(parsed: ProximityFile) -> date | None:
    start = parsed.header.round_start_unix or parsed.header.round_end_unix
    if not start or start <= 0:
        return None
    try:
        return datetime.fromtimestamp(start, UTC).date()
    except (OverflowError, OSError, ValueError):
        return None


def _ungated_written(parsed: ProximityFile) -> bool:
    version = parsed.header.format_version
    if version >= 6:
        return True
    day = _round_date(parsed)
    return version == 5 and day is not None and day >= _REVIVES_SINCE


def _rows(parsed: ProximityFile, name: str) -> int:
    if name in _V4_ROWS:
        return _V4_ROWS[name](parsed)
    section = parsed.sections.get(name)
    return len(section.rows) if section is not None else 0


def _state(
    name: str, flag: str | None, rows: int, declared: Mapping[str, bool] | None, ungated: bool
) -> tuple[str, str, bool | None, bool]:
    """(state, evidence, declared value, conflict) of one known section."""
    if flag is not None and declared is not None and flag in declared:
        value = declared[flag]
        if value:
            return ENABLED, "declared", True, False
        return DISABLED, "declared", False, rows > 0
    if rows:
        return ENABLED, "rows", None, False
    if name in _UNGATED and ungated:
        return ENABLED, "ungated", None, False
    return UNKNOWN, "none", None, False


def section_states(parsed: ProximityFile) -> dict[str, str]:
    """Known section -> state for one parsed file."""
    return {row.name: row.state for row in capability_rows(parsed) if row.kind == "section"}


def capability_rows(parsed: ProximityFile) -> list[CapabilityRow]:
    """Every known section's state, every unknown marker, every unknown declared flag."""
    caps = parsed.header.capabilities
    declared = dict(caps) if caps else None
    ungated = _ungated_written(parsed)
    markers = set(parsed.section_markers)
    broken = Counter(b.reason.split(":", 1)[0] for b in parsed.broken_lines)
    out: list[CapabilityRow] = []
    for name, flag in SECTION_FLAGS.items():
        rows = _rows(parsed, name)
        state, evidence, value, conflict = _state(name, flag, rows, declared, ungated)
        section = parsed.sections.get(name)
        out.append(
            CapabilityRow(
                parsed.source_file,
                "section",
                name,
                flag,
                value,
                state,
                evidence,
                name in markers,
                rows,
                broken.get(name.lower(), 0),
                section.out_of_range_rows if section is not None else 0,
                conflict,
            )
        )
    for item in parsed.ignored_sections:
        out.append(
            CapabilityRow(
                parsed.source_file,
                "unknown_section",
                item.name,
                None,
                None,
                NOT_UNDERSTOOD,
                "not_modelled",
                True,
                item.rows,
                0,
                0,
                False,
            )
        )
    known_flags = set(CAPABILITY_FLAGS)
    for flag, value in caps:
        if flag not in known_flags:
            state = ENABLED if value else DISABLED
            out.append(
                CapabilityRow(
                    parsed.source_file,
                    "flag",
                    flag,
                    flag,
                    value,
                    state,
                    "declared",
                    False,
                    None,
                    0,
                    0,
                    False,
                )
            )
    return out


# ---------------------------------------------------------------------- per-player figures

PLAYER_FIGURES: dict[str, tuple[str, str, str | None, str]] = {
    # figure: (section, GUID field, condition, how) -- how: count | sum:<field>
    "shots_fired": ("SHOT_FIRED", "guid", None, "count"),
    "weapon_shots": ("WEAPON_ACCURACY", "player_guid", None, "sum:shots_fired"),
    "weapon_hits": ("WEAPON_ACCURACY", "player_guid", None, "sum:hits"),
    "weapon_headshots": ("WEAPON_ACCURACY", "player_guid", None, "sum:headshots"),
    "revives_given": ("REVIVES", "medic_guid", None, "count"),
    "times_revived": ("REVIVES", "revived_guid", None, "count"),
    "head_hits": ("HIT_REGIONS", "attacker_guid", "hit_region=0", "count"),
    "aim_lock_ms": ("AIM_LOCK", "guid", None, "sum:duration_ms"),
    "lua_trades": ("TRADE_KILLS", "trader_guid", None, "count"),
    "carrier_pickups": ("CARRIER_EVENTS", "carrier_guid", None, "count"),
    "objective_actions": ("OBJECTIVE_RUNS", "engineer_guid", None, "count"),
    "kills_gibbed": ("KILL_OUTCOME", "killer_guid", "outcome=gibbed", "count"),
}
"""Per-player figure -> how it is derived from one later section (NULL unless enabled)."""


@dataclass(frozen=True, slots=True)
class PlayerSectionRow:
    """``proximity_player_sections``: one player of one file, figures NULL when not captured."""

    source_file: str
    player_guid: str
    figures: dict[str, int | None]


def _accumulate(parsed: ProximityFile) -> dict[str, dict[str, int]]:
    totals: dict[str, dict[str, int]] = defaultdict(dict)
    for figure, (marker, guid_field, condition, how) in PLAYER_FIGURES.items():
        section = parsed.sections.get(marker)
        if section is None:
            continue
        guids = section.column(guid_field)
        wanted: Any = None
        if condition is not None:
            field, _, wanted_text = condition.partition("=")
            kind = section.spec.fields[section.spec.names.index(field)].kind
            wanted = int(wanted_text) if kind == "i" else wanted_text
            conditions = section.column(field)
        amounts = section.column(how[4:]) if how.startswith("sum:") else None
        for k, guid in enumerate(guids):
            if not guid or (condition is not None and conditions[k] != wanted):
                continue
            add = 1 if amounts is None else int(amounts[k])
            per = totals[guid]
            per[figure] = per.get(figure, 0) + add
    return totals


def player_figures(parsed: ProximityFile, states: Mapping[str, str]) -> list[PlayerSectionRow]:
    """One row per player seen in the file's tracks or in a figure's section."""
    totals = _accumulate(parsed)
    guids: set[str] = {life.guid for life in parsed.lives if life.guid}
    guids.update(totals)
    out = []
    for guid in sorted(guids):
        per = totals.get(guid, {})
        figures = {
            figure: (per.get(figure, 0) if states.get(marker) == ENABLED else None)
            for figure, (marker, *_rest) in PLAYER_FIGURES.items()
        }
        out.append(PlayerSectionRow(parsed.source_file, guid, figures))
    return out


def states_of(rows: Iterable[CapabilityRow]) -> dict[str, str]:
    """Section -> state from already computed capability rows."""
    return {row.name: row.state for row in rows if row.kind == "section"}
