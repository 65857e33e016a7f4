"""Which posts are due: the day rules (live only, gates passed) and the session-close rule.

Pure: the caller passes the clock, the gate verdicts and the post records.

* **Days.** By default only *live* gaming days are published: the day in progress, and an
  earlier day while less than ``live_hours`` have passed since it ended (a night's last
  session closes after 06:00). A backfill of last month re-materializes the warehouse without
  a post. ``history=True`` (``SLOMIX_DISCORD_PUBLISH_HISTORY=1``) or days the operator names
  (run config ``days``) lift that.
* **Gates.** A post goes out only when every gate of its day(s) passed: a session or map post
  needs the gates of both the session's first and last gaming day.
* **Sessions** are posted once closed: the gap rule has elapsed since the last round
  (``end + SLOMIX_SESSION_GAP_MINUTES``) or a later session started.
* **Order**: round and map posts by time (a map post right after its R2's round post), then
  sessions; every due post is re-rendered each run, so a changed number edits its message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from slomix_pipeline.domain.gaming_day import gaming_day_bounds_epoch, gaming_day_of_epoch
from slomix_pipeline.publish.embeds import RenderedPost
from slomix_pipeline.publish.model import MapPostData, RoundPostData, SessionPostData
from slomix_pipeline.publish.render import render_map, render_round, render_session


@dataclass(frozen=True, slots=True)
class DueDecision:
    passed: bool
    reason: str = ""


Verdict = Callable[[date], DueDecision]


@dataclass(frozen=True, slots=True)
class PlannedPost:
    post: RenderedPost
    gaming_day: date


@dataclass(frozen=True, slots=True)
class HeldPost:
    key: str
    reason: str


@dataclass(frozen=True, slots=True)
class Plan:
    due: tuple[PlannedPost, ...]
    held: tuple[HeldPost, ...]
    next_check_unix: int | None  # earliest time a held session closes


def live_days(now_unix: int, tz: ZoneInfo, day_start_hour: int, live_hours: int) -> list[date]:
    """The gaming day in progress and earlier days that ended less than ``live_hours`` ago."""
    today = gaming_day_of_epoch(now_unix, tz, day_start_hour)
    days = [today]
    day = today - timedelta(days=1)
    while gaming_day_bounds_epoch(day, tz, day_start_hour)[1] + live_hours * 3600 > now_unix:
        days.append(day)
        day -= timedelta(days=1)
    return sorted(days)


def plan_posts(
    rounds: Sequence[RoundPostData],
    maps: Sequence[MapPostData],
    sessions: Sequence[SessionPostData],
    *,
    verdict: Verdict,
    now_unix: int,
    gap_minutes: int,
    newest_session_start: int | None,
    kinds: Iterable[str] = ("round", "map", "session"),
) -> Plan:
    wanted = set(kinds)
    due: list[tuple[tuple[object, ...], PlannedPost]] = []
    held: list[HeldPost] = []
    next_check: int | None = None

    def gate(key: str, days: Iterable[date]) -> bool:
        for day in sorted(set(days)):
            decision = verdict(day)
            if not decision.passed:
                held.append(HeldPost(key, f"gates of {day.isoformat()}: {decision.reason}"))
                return False
        return True

    if "round" in wanted:
        for r in rounds:
            post = render_round(r)
            if gate(post.key, [r.gaming_day]):
                due.append(((r.end_local, 0, r.round_id), PlannedPost(post, r.gaming_day)))
    if "map" in wanted:
        for m in maps:
            post = render_map(m)
            if m.end_local is not None and gate(post.key, [m.gaming_day]):
                due.append(((m.end_local, 1, m.map_play_id), PlannedPost(post, m.gaming_day)))
    if "session" in wanted:
        for s in sessions:
            key = f"session:{s.session_id}"
            closes = s.end_unix + gap_minutes * 60
            later = newest_session_start is not None and newest_session_start > s.end_unix
            if closes > now_unix and not later:
                held.append(HeldPost(key, f"session open until {closes} (unix)"))
                next_check = closes if next_check is None else min(next_check, closes)
                continue
            if gate(key, [s.gaming_day, s.last_gaming_day]):
                post = render_session(s)
                due.append(((s.end_local, 2, s.session_id), PlannedPost(post, s.gaming_day)))
    due.sort(key=lambda item: item[0])  # type: ignore[arg-type, return-value]
    return Plan(tuple(p for _, p in due), tuple(held), next_check)
