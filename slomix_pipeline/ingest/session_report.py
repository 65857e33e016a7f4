"""The outcome of a session build, and the change figures: merges, joins, stale neighbours.

Sessions are recomputed from the round set each time, so a late file joins its session and a
file filling a gap merges two. When that changes sessions owned by a neighbouring day, that day's
stored rows are stale until it is materialized again; the report lists such days instead of
silently rewriting partitions the run does not own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from slomix_pipeline.ingest.session_compute import SessionResult
from slomix_pipeline.ingest.session_window import WindowData


@dataclass(slots=True)
class SessionReport:
    """The outcome of one session build over ``days`` (input for asset metadata)."""

    days: list[date]
    window_days: list[date] = field(default_factory=list)
    sessions: list[SessionResult] = field(default_factory=list)
    rounds_without_links: list[int] = field(default_factory=list)
    stale_days: list[date] = field(default_factory=list)
    sessions_before: list[int] = field(default_factory=list)
    merged: dict[int, list[int]] = field(default_factory=dict)
    rounds_joined: list[int] = field(default_factory=list)
    sessions_crossing_day_boundary: list[int] = field(default_factory=list)
    rows_written: dict[str, int] = field(default_factory=dict)
    session_ids: list[int] = field(default_factory=list)
    """Every session built (``sessions`` keeps the full results of a one-chunk run only)."""

    @property
    def sessions_after(self) -> list[int]:
        return list(self.session_ids)

    @property
    def sessions_removed(self) -> list[int]:
        return sorted(set(self.sessions_before) - set(self.sessions_after))

    @property
    def sessions_added(self) -> list[int]:
        return sorted(set(self.sessions_after) - set(self.sessions_before))


def record_changes(
    report: SessionReport,
    data: WindowData,
    computed: Mapping[int, tuple[int, date]],
    run_days: set[date],
    results: Sequence[SessionResult],
    all_days: set[date],
) -> None:
    """Fill the change figures: merges, joins and neighbouring days left stale.

    A neighbouring day is stale when a session it stores no longer matches the rounds'
    sessions as computed now (it lost or gained rounds, or must not exist any more); the run's
    own days are being rewritten, so they never are.
    """
    stored = data.stored_sessions
    before_run = {
        round_id: {entry for entry in entries if entry[1] in run_days}
        for round_id, entries in stored.items()
    }
    report.sessions_before = sorted(
        set(report.sessions_before)
        | {sid for entries in before_run.values() for sid, _day in entries}
    )
    stale: set[date] = set()
    for round_id in set(stored) | set(computed):
        entries, now = stored.get(round_id, set()), computed.get(round_id)
        stale.update(day for session_id, day in entries if (session_id, day) != now)
        if now is not None and now not in entries:
            stale.add(now[1])
            if now[1] in run_days and not before_run.get(round_id):
                report.rounds_joined.append(round_id)
    report.stale_days = sorted((set(report.stale_days) | stale) - all_days)
    for result in results:
        previous = {
            sid for r in result.session.rounds for sid, _day in before_run.get(r.round_id, ())
        }
        if len(previous) > 1:
            report.merged[result.session.session_id] = sorted(previous)
    report.rounds_joined.sort()
