"""Draft -> frozen ``LuaRoundEnd``: identity checks, epoch and range bounds, pause and roster rules.

Identity fields (map, round, start/end) reject; optional figures out of the warehouse's
integer range become ``None`` plus a warning, so a garbled score never costs the round.
"""

from __future__ import annotations

from slomix_pipeline.domain.lua_end_reason import is_known_end_reason, normalise_end_reason
from slomix_pipeline.domain.lua_records import LuaRoundEnd
from slomix_pipeline.domain.lua_rejections import RejectReason
from slomix_pipeline.domain.lua_values import (
    MAX_EPOCH,
    MAX_GUID_CHARS,
    MAX_MAP_CHARS,
    MAX_NAME_CHARS,
    MAX_PLAYERS,
    SHORT_ROUND_SECONDS,
    has_control_chars,
    map_key,
    normalise_round,
    normalise_side,
)
from slomix_pipeline.formats.limits import (
    INT32_MAX,
    INT32_MIN,
    in_int32,
)
from slomix_pipeline.formats.webhook.draft import RoundDraft
from slomix_pipeline.formats.webhook.values import clean_text, reject


def _check_epoch(value: int, what: str) -> None:
    if not 0 <= value < MAX_EPOCH:
        raise reject(RejectReason.INVALID_VALUE, f"{what} = {value} is not a plausible epoch")


def _non_negative(value: int | None, what: str) -> int | None:
    if value is not None and value < 0:
        raise reject(RejectReason.INVALID_VALUE, f"{what} = {value} is negative")
    return value


def _int32_or_none(value: int | None, what: str, warnings: list[str]) -> int | None:
    """An optional figure stored in an ``integer`` column: out of range -> None plus a warning.

    Flagged, not rejected, so that a garbled score or playtime never costs the round's timing,
    and identical on SQLite and PostgreSQL (which would refuse the value).
    """
    if value is not None and not INT32_MIN <= value <= INT32_MAX:
        warnings.append(f"out_of_range:{what}")
        return None
    return value


def _bound_draft(draft: RoundDraft) -> None:
    """Clamp every optional integer of the draft to what the warehouse columns store."""
    warnings = draft.warnings
    for attribute in (
        "playtime_seconds",
        "pause_count",
        "pause_seconds",
        "warmup_seconds",
        "axis_score",
        "allies_score",
    ):
        setattr(draft, attribute, _int32_or_none(getattr(draft, attribute), attribute, warnings))
    if draft.warmup_start_unix is not None and not 0 <= draft.warmup_start_unix < MAX_EPOCH:
        warnings.append("out_of_range:warmup_start_unix")
        draft.warmup_start_unix = None
    if draft.timelimit_minutes is not None and abs(draft.timelimit_minutes) > INT32_MAX:
        warnings.append("out_of_range:timelimit_minutes")
        draft.timelimit_minutes = None
    for pause in draft.pauses or ():
        if not (in_int32(pause.n) and in_int32(pause.seconds)):
            raise reject(RejectReason.INVALID_VALUE, f"pause {pause.n}: n or sec out of range")
        if not (-1 < pause.start_unix < MAX_EPOCH and -1 < pause.end_unix < MAX_EPOCH):
            raise reject(RejectReason.INVALID_VALUE, f"pause {pause.n}: not a plausible epoch")


def _side(raw: str | None, what: str, warnings: list[str]) -> int:
    code, recognised = normalise_side(raw)
    if not recognised:
        warnings.append(f"invalid_side:{what}")
    return code


def finish_round_end(draft: RoundDraft, source: str) -> LuaRoundEnd:
    """Validate and normalise a filled draft into the frozen event (or raise ``EventRejected``)."""
    warnings = draft.warnings
    _bound_draft(draft)
    if draft.map_name is None or not draft.map_name.strip():
        raise reject(RejectReason.MISSING_FIELD, "map name missing")
    map_name = draft.map_name.strip()
    if has_control_chars(map_name):
        raise reject(RejectReason.INVALID_MAP_NAME, f"control characters in map {map_name!r:.80}")
    if len(map_name) > MAX_MAP_CHARS:
        raise reject(RejectReason.INVALID_MAP_NAME, f"map name longer than {MAX_MAP_CHARS}")
    if map_key(map_name) == "unknown":
        raise reject(RejectReason.MISSING_FIELD, "map name is the placeholder 'unknown'")

    if draft.round_raw is None:
        raise reject(RejectReason.MISSING_FIELD, "round number missing")
    round_number = normalise_round(draft.round_raw)
    if round_number is None:
        raise reject(RejectReason.INVALID_ROUND, f"round {draft.round_raw} is not 0, 1 or 2")
    if draft.round_raw == 0:
        warnings.append("round_0_mapped_to_2")

    if draft.round_end_unix is None:
        raise reject(RejectReason.MISSING_FIELD, "round end time missing")
    if draft.round_start_unix is None:
        raise reject(RejectReason.MISSING_FIELD, "round start time missing")
    start, end = draft.round_start_unix, draft.round_end_unix
    _check_epoch(end, "round_end_unix")
    _check_epoch(start, "round_start_unix")
    if end == 0:
        raise reject(RejectReason.INVALID_VALUE, "round_end_unix is 0")
    if start == 0:
        warnings.append("round_start_unknown")
    elif start > end:
        raise reject(RejectReason.INVALID_VALUE, f"round start {start} after round end {end}")

    duration = _non_negative(draft.playtime_seconds, "actual_duration_seconds")
    if duration is not None:
        if start and duration > end - start:
            warnings.append("duration_exceeds_wall_clock")
        if 0 < duration < SHORT_ROUND_SECONDS:
            warnings.append("short_round")
    timelimit = draft.timelimit_minutes
    if timelimit is not None and timelimit < 0:
        warnings.append("negative_timelimit")
        timelimit = None

    pauses = draft.pauses or ()
    pause_count = _non_negative(draft.pause_count, "pause_count")
    pause_seconds = _non_negative(draft.pause_seconds, "total_pause_seconds")
    if pauses:
        if pause_count is None:
            pause_count = len(pauses)
        elif pause_count < len(pauses):
            warnings.append("pause_count_below_events")
        if pause_seconds is None:
            pause_seconds = sum(p.seconds for p in pauses)
        elif pause_seconds != sum(p.seconds for p in pauses):
            warnings.append("pause_total_mismatch")
    elif pause_count is not None and pause_seconds is None:
        pause_seconds = 0

    end_reason = normalise_end_reason(draft.end_reason_raw)
    if draft.end_reason_raw is not None and not is_known_end_reason(draft.end_reason_raw):
        warnings.append("unrecognised_end_reason")
    winner = _side(draft.winner_raw, "winner", warnings)
    defender = _side(draft.defender_raw, "defender", warnings)
    surrender_team = _side(draft.surrender_team_raw, "surrender_team", warnings)

    axis = draft.axis_players or ()
    allies = draft.allies_players or ()
    if len(axis) + len(allies) > MAX_PLAYERS:
        raise reject(
            RejectReason.OVERSIZED_ROSTER, f"{len(axis) + len(allies)} players > {MAX_PLAYERS}"
        )
    both = {p.guid for p in axis if p.guid} & {p.guid for p in allies if p.guid}
    if both:
        warnings.append("player_on_both_sides")

    caller_guid = clean_text(draft.caller_guid, "surrender_caller", MAX_GUID_CHARS, warnings)
    caller_name = clean_text(draft.caller_name, "surrender_caller_name", MAX_NAME_CHARS, warnings)

    return LuaRoundEnd(
        source=source,
        map_name=map_name,
        map_key=map_key(map_name),
        round_number=round_number,
        round_start_unix=start,
        round_end_unix=end,
        actual_duration_seconds=duration,
        total_pause_seconds=pause_seconds,
        pause_count=pause_count,
        pauses=tuple(pauses),
        end_reason=end_reason,
        end_reason_raw=draft.end_reason_raw,
        winner_team=winner,
        defender_team=defender,
        timelimit_minutes=timelimit,
        warmup_seconds=_non_negative(draft.warmup_seconds, "warmup_seconds"),
        warmup_start_unix=draft.warmup_start_unix,
        surrender_team=surrender_team,
        surrender_caller_guid=caller_guid or None,
        surrender_caller_name=caller_name or None,
        axis_score=draft.axis_score,
        allies_score=draft.allies_score,
        axis_players=tuple(axis),
        allies_players=tuple(allies),
        spawn_stats=draft.spawn_stats or (),
        lua_version=draft.lua_version,
        message_id=draft.message_id,
        warnings=tuple(dict.fromkeys(warnings)),
    )
