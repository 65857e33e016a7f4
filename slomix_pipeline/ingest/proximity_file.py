"""One proximity file, pure: bytes and round candidates in; outcome, summary and rows out.

Parse, decide the round (from time, never from the name), link the stats round, derive the
rows and reject what no table could hold. No file system and no database: the workers
(:mod:`.proximity_prepare`) and the tests call it the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from slomix_pipeline.domain.maps import map_key
from slomix_pipeline.domain.proximity import derive
from slomix_pipeline.domain.proximity_capabilities import ENABLED, capability_rows, states_of
from slomix_pipeline.domain.round_identity import (
    DEFAULT_TOLERANCE_S,
    RoundIdentityDecision,
    resolve_proximity_round,
)
from slomix_pipeline.formats.proximity import (
    ProximityFile,
    ProximityFileRejected,
    parse_proximity_file,
)
from slomix_pipeline.ingest.outcomes import FileOutcome
from slomix_pipeline.ingest.proximity_checks import _out_of_range, _unusable
from slomix_pipeline.ingest.proximity_result import (
    KIND,
    SOURCE,
    ProximityFileResult,
    ProximityFileSummary,
)
from slomix_pipeline.ingest.proximity_rounds import RoundCandidates, link_stats_round
from slomix_pipeline.ingest.proximity_sections import section_rows
from slomix_pipeline.landing.zone import sha256_hex

_MAX_BROKEN_DETAILS = 100
_REPLACEMENT_CHAR = "\ufffd".encode()
NUL = b"\x00"


def _joined(items: Sequence[str], limit: int | None = None) -> str | None:
    if not items:
        return None
    shown = list(items if limit is None else items[:limit])
    if limit is not None and len(items) > limit:
        shown.append(f"... {len(items) - limit} more")
    return "; ".join(shown)


def _warnings(
    parsed: ProximityFile,
    decision: RoundIdentityDecision,
    linked: bool,
    extra: Sequence[str],
) -> tuple[str, ...]:
    out = list(extra)
    if parsed.broken_lines:
        reasons = Counter(b.reason for b in parsed.broken_lines)
        detail = ",".join(f"{r}={n}" for r, n in sorted(reasons.items()))
        out.append(f"broken_lines:{len(parsed.broken_lines)} ({detail})")
    if not decision.resolved:
        out.append(f"round_unresolved:{decision.reason}")
    elif decision.round_number != decision.header_round_number:
        out.append(
            f"round_corrected:{decision.header_round_number}->{decision.round_number}:"
            f"{decision.reason}"
        )
    if decision.resolved and not linked:
        out.append("no_stats_round_linked")
    return tuple(out)


def process_proximity_file(
    name: str,
    data: bytes,
    gaming_day: date,
    candidates: RoundCandidates,
    *,
    day_source: str = "round_end_unix",
    day_note: str | None = None,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
    sha256: str | None = None,
) -> ProximityFileResult:
    """Parse, identify, link and derive one file (pure: bytes and candidates in, rows out).

    ``sha256`` may pass the digest of ``data`` when the caller already computed it.
    """
    sha = sha256 or sha256_hex(data)
    base = {"file_name": name, "gaming_day": gaming_day, "size_bytes": len(data), "sha256": sha}
    extra: list[str] = []
    if day_note:
        extra.append(f"day:{day_note}")
    text = data
    if NUL in data:
        # PostgreSQL text cannot hold NUL; it is as unreadable as an undecodable byte.
        extra.append(f"nul_bytes_replaced:{data.count(NUL)}")
        text = data.replace(NUL, _REPLACEMENT_CHAR)
    try:
        parsed = parse_proximity_file(name, text)
    except ProximityFileRejected as exc:
        reason = str(exc)
        return ProximityFileResult(
            FileOutcome(source=SOURCE, kind=KIND, status="rejected", reason=reason, **base)
        )
    except Exception as exc:  # the parser raises only its rejection; be safe anyway
        reason = f"parse_error: {type(exc).__name__}: {exc}"
        return ProximityFileResult(
            FileOutcome(source=SOURCE, kind=KIND, status="rejected", reason=reason, **base)
        )
    unusable = _unusable(parsed)
    if unusable is not None:
        return ProximityFileResult(
            FileOutcome(source=SOURCE, kind=KIND, status="rejected", reason=unusable, **base)
        )
    header = parsed.header
    key = map_key(header.map_name or "")
    decision = resolve_proximity_round(
        header, candidates.for_map(key, gaming_day), tolerance_s=tolerance_s
    )
    link = None
    if decision.resolved:
        link = link_stats_round(
            header.round_end_unix,
            key,
            decision.round_number,
            candidates.stats_for_map(key, gaming_day),
            tolerance_s=tolerance_s,
        )
    ref, link_delta = link if link is not None else (None, None)
    capabilities = capability_rows(parsed)
    # Figures of a section whose capability is not ``enabled`` were not measured: NULL, not 0.
    captured = states_of(capabilities).get("ENGAGEMENTS") == ENABLED
    try:
        derived = derive(
            parsed,
            round_number=decision.round_number,
            round_key=ref.round_key if ref else None,
            engagements_captured=captured,
        )
    except Exception as exc:  # a derivation bug must not take the partition down with it
        reason = f"derive_error: {type(exc).__name__}: {exc}"
        return ProximityFileResult(
            FileOutcome(source=SOURCE, kind=KIND, status="rejected", reason=reason, **base)
        )
    too_large = _out_of_range(header, derived)
    if too_large is not None:
        return ProximityFileResult(
            FileOutcome(source=SOURCE, kind=KIND, status="rejected", reason=too_large, **base)
        )
    summary = ProximityFileSummary(
        source_file=name,
        source_sha256=sha,
        gaming_day=gaming_day,
        day_source=day_source,
        size_bytes=len(data),
        format_version=header.format_version,
        tracker_version_full=header.tracker_version_full,
        map_name=header.map_name or "",
        map_key=key,
        round_start_unix=header.round_start_unix,
        round_end_unix=header.round_end_unix,
        position_sample_interval_ms=header.position_sample_interval_ms,
        header_round_number=header.round_number,
        resolved_round_number=decision.round_number,
        round_resolved=decision.resolved,
        round_corrected=decision.resolved and decision.round_number != decision.header_round_number,
        identity_reason=decision.reason,
        identity_delta_s=decision.delta_s,
        identity_sources=",".join(decision.matched_sources) or None,
        identity_candidates=decision.candidates_considered,
        round_id=ref.round_id if ref else None,
        round_key=ref.round_key if ref else None,
        round_link_delta_s=link_delta,
        engagement_lines=_if(captured, len(parsed.engagements)),
        combat_engagements=_if(captured, len(derived.combat_engagements)),
        excluded_engagements=_if(captured, len(derived.excluded_engagements)),
        player_tracks=len(derived.player_tracks),
        track_samples=len(parsed.samples),
        trade_events=_if(captured, len(derived.trade_events)),
        support_summaries=len(derived.support_summaries),
        sprint_signal=derived.sprint_signal,
        broken_lines=len(parsed.broken_lines),
        broken_line_details=_joined(
            [f"{b.line_no}:{b.reason}" for b in parsed.broken_lines], _MAX_BROKEN_DETAILS
        ),
        ignored_sections=_joined([f"{s.name}({s.rows})" for s in parsed.ignored_sections]),
        notes=_joined([*parsed.notes, *derived.notes]),
    )
    outcome = FileOutcome(
        source=SOURCE,
        kind=KIND,
        status="loaded",
        warnings=_warnings(parsed, decision, ref is not None, extra),
        round_id=summary.round_id,
        **base,
    )
    sections = section_rows(
        parsed,
        sha256=sha,
        gaming_day=gaming_day,
        round_id=summary.round_id,
        round_key=summary.round_key,
        round_number=decision.round_number,
        capabilities=capabilities,
    )
    return ProximityFileResult(outcome, summary, derived, sections)


def _if(captured: bool, value: int) -> int | None:
    return value if captured else None
