"""Which posts are due (live days, gates, session close) and the publishing settings."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from slomix_pipeline.config import SettingsError
from slomix_pipeline.domain.gaming_day import local_to_epoch
from slomix_pipeline.publish.plan import DueDecision, live_days, plan_posts
from slomix_pipeline.publish.settings import load_publish_settings
from slomix_pipeline_tests.publish.worst_case import DAY, worst_map, worst_round, worst_session

TZ = ZoneInfo("Europe/Paris")


def _at(*args: int) -> int:
    return local_to_epoch(datetime(*args), TZ)


def test_live_days_are_today_and_yesterday_until_live_hours_after_it_ended() -> None:
    # 2026-03-08 03:00 belongs to gaming day 03-07 (day starts 06:00); 03-06 ended 03-07 06:00.
    assert live_days(_at(2026, 3, 8, 3, 0), TZ, 6, 12) == [date(2026, 3, 7)]
    assert live_days(_at(2026, 3, 7, 17, 59), TZ, 6, 12) == [date(2026, 3, 6), date(2026, 3, 7)]
    assert live_days(_at(2026, 3, 8, 17, 59), TZ, 6, 12) == [date(2026, 3, 7), date(2026, 3, 8)]
    assert live_days(_at(2026, 3, 8, 18, 0), TZ, 6, 12) == [date(2026, 3, 8)]
    assert live_days(_at(2026, 3, 8, 7, 0), TZ, 6, 0) == [date(2026, 3, 8)]


def _plan(verdict=lambda d: DueDecision(True), now=None, newest=None, **kw):  # type: ignore[no-untyped-def]
    session = worst_session(map_plays=2)
    return plan_posts(
        [worst_round()],
        [worst_map()],
        [session],
        verdict=verdict,
        now_unix=now if now is not None else session.end_unix + 3600,
        gap_minutes=60,
        newest_session_start=newest,
        **kw,
    )


def test_everything_due_in_time_order_when_gates_pass_and_the_session_closed() -> None:
    plan = _plan()
    assert [p.post.kind for p in plan.due] == ["round", "map", "session"]
    assert plan.held == () and plan.next_check_unix is None


def test_an_open_session_is_held_until_its_gap_elapsed_or_a_later_session_starts() -> None:
    end = worst_session().end_unix
    plan = _plan(now=end + 600)
    assert [p.post.kind for p in plan.due] == ["round", "map"]
    assert plan.next_check_unix == end + 3600
    assert [h.key for h in plan.held] == ["session:9"]
    later = _plan(now=end + 600, newest=end + 300)
    assert [p.post.kind for p in later.due] == ["round", "map", "session"]


def test_failed_gates_hold_every_post_of_the_day_with_the_reason() -> None:
    plan = _plan(verdict=lambda d: DueDecision(False, "ws1_lua_links failed"))
    assert plan.due == ()
    assert {h.key.split(":")[0] for h in plan.held} == {"round", "map", "session"}
    assert all(f"gates of {DAY.isoformat()}: ws1_lua_links failed" in h.reason for h in plan.held)


def test_a_session_crossing_the_day_boundary_needs_both_days_gates() -> None:
    session = replace(worst_session(), last_gaming_day=date(2026, 3, 8))
    plan = plan_posts(
        [],
        [],
        [session],
        verdict=lambda d: DueDecision(d == DAY, "not yet"),
        now_unix=session.end_unix + 7200,
        gap_minutes=60,
        newest_session_start=None,
    )
    assert plan.due == () and "2026-03-08" in plan.held[0].reason


def test_kinds_can_be_switched_off() -> None:
    plan = _plan(kinds=("session",))
    assert [p.post.kind for p in plan.due] == ["session"]


def test_settings_defaults_and_validation() -> None:
    s = load_publish_settings({})
    assert not s.enabled and s.kinds == {"round", "map", "session"} and s.live_hours == 12
    hooks = load_publish_settings(
        {
            "SLOMIX_DISCORD_WEBHOOK_URLS": "https://discord.com/api/webhooks/1/aaa,\n"
            "https://discord.com/api/webhooks/2/bbb",
            "SLOMIX_DISCORD_POSTS": "session",
        }
    )
    assert [h.webhook_id for h in hooks.webhooks] == ["1", "2"] and hooks.kinds == {"session"}
    assert "aaa" not in repr(hooks)
    with pytest.raises(SettingsError, match="URL #2") as err:
        load_publish_settings(
            {
                "SLOMIX_DISCORD_WEBHOOK_URLS": "https://discord.com/api/webhooks/1/a http://evil/x/supersecret"
            }
        )
    assert "supersecret" not in str(err.value)
    with pytest.raises(SettingsError, match="listed twice"):
        load_publish_settings(
            {
                "SLOMIX_DISCORD_WEBHOOK_URLS": "https://discord.com/api/webhooks/1/a https://discord.com/api/webhooks/1/b"
            }
        )
    with pytest.raises(SettingsError, match="SLOMIX_DISCORD_POSTS"):
        load_publish_settings({"SLOMIX_DISCORD_POSTS": "rounds"})
    with pytest.raises(SettingsError, match="SLOMIX_DISCORD_LIVE_HOURS"):
        load_publish_settings({"SLOMIX_DISCORD_LIVE_HOURS": "-1"})
    with pytest.raises(SettingsError, match="SLOMIX_DISCORD_PUBLISH_HISTORY"):
        load_publish_settings({"SLOMIX_DISCORD_PUBLISH_HISTORY": "maybe"})
