"""The entry point :func:`derive`: one parsed proximity file in, every table's rows out."""

from __future__ import annotations

from collections import defaultdict

from slomix_pipeline.domain.proximity.classify import _classify
from slomix_pipeline.domain.proximity.engagements import _engagement_row
from slomix_pipeline.domain.proximity.params import DeriveParams
from slomix_pipeline.domain.proximity.result import ExcludedEngagement, ProximityDerived
from slomix_pipeline.domain.proximity.shared import _life_views, _Scope
from slomix_pipeline.domain.proximity.support import _support_row
from slomix_pipeline.domain.proximity.tracks import _sprint_signal, _track_rows
from slomix_pipeline.domain.proximity.trades import _trade_rows
from slomix_pipeline.domain.proximity_capabilities import ENABLED, section_states
from slomix_pipeline.formats.proximity import PlayerLife, ProximityFile


def derive(
    parsed: ProximityFile,
    *,
    round_number: int | None = None,
    round_key: str | None = None,
    params: DeriveParams | None = None,
    engagements_captured: bool | None = None,
) -> ProximityDerived:
    """Derive every table's rows from one parsed file.

    ``round_number`` overrides the header's value (pass the corrected round from
    :func:`slomix_pipeline.domain.round_identity.resolve_proximity_round`); ``round_key`` is
    the linked round's key, filled in by the caller when known.

    ``engagements_captured``: whether the ENGAGEMENTS section's capability state is ``enabled``
    (computed from the file when not given). When it is not, the support figure, which measures
    closeness to teammates *in combat*, is NULL rather than 0 (``proximity-v5-v6.md`` §6.2).
    A declared ``crossfire_detection:0`` likewise stores ``is_crossfire`` (and its delay and
    participants) as NULL.
    """
    params = params or DeriveParams()
    if engagements_captured is None:
        engagements_captured = section_states(parsed).get("ENGAGEMENTS") == ENABLED
    # crossfire_detection owns no section; the engagement lines carry its result, written by
    # every tracker before 6.11, so only a declared ``:0`` makes it "not measured".
    crossfire_captured = dict(parsed.header.capabilities).get("crossfire_detection") is not False
    header = parsed.header
    scope = _Scope(
        parsed.source_file,
        round_key,
        header.map_name,
        round_number if round_number is not None else header.round_number,
        header.round_start_unix,
        header.round_end_unix,
    )
    notes: list[str] = []
    lives_by_guid: dict[str, list[PlayerLife]] = defaultdict(list)
    for life in parsed.lives:
        lives_by_guid[life.guid].append(life)

    classified = [_classify(e, lives_by_guid) for e in parsed.engagements]
    kept = [c for c in classified if c.keep]
    excluded = tuple(
        ExcludedEngagement(c.engagement.engagement_id, c.engagement.line_no, c.exclusion or "")
        for c in classified
        if not c.keep
    )
    window = header.crossfire_window_ms
    if window is None:
        window = params.default_crossfire_window_ms
        if any(c.friendlies for c in kept):
            notes.append(f"header has no crossfire_window; recomputed crossfire with {window} ms")

    signal = _sprint_signal(parsed, params)
    if signal == "absent":
        notes.append("sprint flag never set although players ran: sprint stored as unknown")
    views = _life_views(parsed)
    support = _support_row(kept, views, scope, params, engagements_captured)
    return ProximityDerived(
        combat_engagements=tuple(
            _engagement_row(c, scope, window, crossfire_captured) for c in kept
        ),
        player_tracks=_track_rows(parsed, scope, sprint_known=signal != "absent"),
        trade_events=_trade_rows(kept, views, scope, params),
        support_summaries=(support,) if support is not None else (),
        excluded_engagements=excluded,
        sprint_signal=signal,
        notes=tuple(notes),
    )
