"""Every later proximity section (v4.2 … v6.10) for the sample renderer, built from the round
simulation, plus the 6.11 capability declaration.

Rows follow the grammar of ``proximity-v5-v6.md`` §2–§5 field by field; values are plausible,
derived from the simulated kills, engagements, revives and positions. What matters for the
pipeline's tests is known exactly and returned as truth: which sections were written, with how
many rows, and which flags the header declared. A section whose flag is declared off is not
written (as the tracker does); one planted ``TEAM_PUSHES`` row carries ``push_quality`` 1.42
(upstream clamped such values; the pipeline must keep and flag it).

When the spec carries ``revives_given`` (medic GUID -> count, from the stats simulation), the
``REVIVES`` section has exactly that many rows per medic, so the sample can check the cross
figure "Σ revives per medic = the stats file's revives".

"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from slomix_pipeline.formats.proximity_sections import CAPABILITY_FLAGS, LATER_SECTIONS
from slomix_pipeline.sample_data.proximity_render.section_view import SectionView
from slomix_pipeline.sample_data.proximity_render.sections_v5 import (
    accuracy_rows,
    cohesion_rows,
    crossfire_rows,
    focus_fire_rows,
    kill_outcome_rows,
    pushes_rows,
    reaction_rows,
    revives_rows,
    spawn_timing_rows,
    trades_rows,
)
from slomix_pipeline.sample_data.proximity_render.sections_v6 import (
    aim_lock_rows,
    carrier_rows,
    combat_positions_rows,
    comm_rows,
    construction_rows,
    hit_regions_rows,
    shots_rows,
    skills_rows,
    spawn_select_rows,
    vehicles_rows,
)

V5_SECTIONS = (
    "REACTION_METRICS",
    "SPAWN_TIMING",
    "TEAM_COHESION",
    "CROSSFIRE_OPPORTUNITIES",
    "FOCUS_FIRE",
    "TEAM_PUSHES",
    "TRADE_KILLS",
    "REVIVES",
    "WEAPON_ACCURACY",
    "KILL_OUTCOME",
)
"""What a V5 (5.0/5.1) tracker could write."""


def declared_flags(disabled: Sequence[str]) -> tuple[tuple[str, bool], ...]:
    """The 24 flags in the tracker's order, those in ``disabled`` off."""
    return tuple((flag, flag not in disabled) for flag in CAPABILITY_FLAGS)


def later_sections(
    sim: Any,
    *,
    format_version: int,
    declared: Sequence[tuple[str, bool]] | None,
    revives_given: Mapping[str, int] | None = None,
    only: Sequence[str] | None = None,
) -> list[tuple[str, str, list[str]]]:
    """(marker, column comment, rows) of every later section the tracker would write.

    A section is written when its flag is not declared off, it exists in the file's version
    (``only``) and it has rows (an absent ungated ``REVIVES`` of a V6 file is a true zero).
    """
    v = SectionView(sim)
    older = format_version < 6
    carrier_events, carrier_kills, carrier_returns = carrier_rows(v)
    vehicle, escort = vehicles_rows(v)
    construction, runs = construction_rows(v)
    rows: dict[str, list[str]] = {
        "REACTION_METRICS": reaction_rows(v),
        "SPAWN_TIMING": spawn_timing_rows(v, older),
        "TEAM_COHESION": cohesion_rows(v),
        "CROSSFIRE_OPPORTUNITIES": crossfire_rows(v),
        "FOCUS_FIRE": focus_fire_rows(v),
        "TEAM_PUSHES": pushes_rows(v),
        "TRADE_KILLS": trades_rows(v),
        "REVIVES": revives_rows(v, revives_given or {}),
        "WEAPON_ACCURACY": accuracy_rows(v),
        "KILL_OUTCOME": kill_outcome_rows(v),
        "HIT_REGIONS": hit_regions_rows(v),
        "COMBAT_POSITIONS": combat_positions_rows(v, older),
        "SHOT_FIRED": shots_rows(v),
        "AIM_LOCK": aim_lock_rows(v),
        "SPAWN_SELECT": spawn_select_rows(v),
        "SKILL_SNAPSHOT": skills_rows(v),
        "COMM_EVENTS": comm_rows(v),
        "CARRIER_EVENTS": carrier_events,
        "CARRIER_KILLS": carrier_kills,
        "CARRIER_RETURNS": carrier_returns,
        "VEHICLE_PROGRESS": vehicle,
        "ESCORT_CREDIT": escort,
        "CONSTRUCTION_EVENTS": construction,
        "OBJECTIVE_RUNS": runs,
    }
    off = {flag for flag, on in (declared or ()) if not on}
    out = []
    for spec in LATER_SECTIONS:
        if only is not None and spec.marker not in only:
            continue
        if spec.flag is not None and spec.flag in off:
            continue
        body = rows[spec.marker]
        if spec.marker == "SPAWN_TIMING" and older:
            names = spec.names[:10]
        elif spec.marker == "COMBAT_POSITIONS" and older:
            names = spec.names[:18]
        else:
            names = spec.names
        if body:
            out.append((spec.marker, "# " + ";".join(names), body))
    return out
