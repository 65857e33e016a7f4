"""Landing-zone change detection: the tick plan, the cursor, and the day rules per folder."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import pytest

from slomix_pipeline.config import load_settings
from slomix_pipeline.ingest.lua_events import plan_lua_source_days
from slomix_pipeline.ingest.proximity import plan_proximity_days
from slomix_pipeline.ingest.stats_files import plan_stats_days
from slomix_pipeline.landing.inventory import (
    LandingCursor,
    LandingStamp,
    QueuedDay,
    day_resolver,
    file_set_digest,
    plan_tick,
    scan_folder,
    stats_day,
)
from slomix_pipeline.landing.zone import (
    GAMETIMES_FOLDER,
    PROXIMITY_FOLDER,
    STATS_FOLDER,
    WEBHOOK_FOLDER,
    write_atomically,
)
from slomix_pipeline.sample_data import generate_landing_zone

S = 1_000_000_000  # one second in ns
T0 = 1_800_000_000 * S
FIRST = date(2026, 1, 1)
LAST = date(2026, 12, 31)
OVERLAP = 30 * S


def stamp(name: str, ctime_ns: int, *, size: int = 10, mtime_ns: int | None = None) -> LandingStamp:
    return LandingStamp(name, size, ctime_ns if mtime_ns is None else mtime_ns, ctime_ns)


def day_from_name(s: LandingStamp) -> date:
    """Test rule: the file name starts with its day."""
    return date.fromisoformat(s.name[:10])


def tick(stamps, cursor=None, *, now_ns, first=FIRST, last=LAST, max_requests=25):
    return plan_tick(
        stamps,
        cursor or LandingCursor(),
        now_ns=now_ns,
        day_of=day_from_name,
        first_day=first,
        last_day=last,
        max_requests=max_requests,
        overlap_ns=OVERLAP,
    )


# ----------------------------------------------------------------------------------- planning


def test_new_files_give_one_request_per_day_with_deterministic_run_keys() -> None:
    stamps = [
        stamp("2026-02-10-a", T0 - 100 * S),
        stamp("2026-02-10-b", T0 - 90 * S),
        stamp("2026-02-11-a", T0 - 80 * S),
    ]
    plan = tick(stamps, now_ns=T0)
    assert [(r.partition_key, r.files) for r in plan.requests] == [
        ("2026-02-11", 1),
        ("2026-02-10", 2),
    ]
    day10 = plan.requests[1]
    assert day10.digest == file_set_digest(stamps[:2])
    assert day10.run_key == f"2026-02-10:{day10.digest[:24]}"
    again = tick(list(reversed(stamps)), now_ns=T0 + 7 * S)
    assert [r.run_key for r in again.requests] == [r.run_key for r in plan.requests]


def test_retick_with_the_stored_cursor_requests_nothing() -> None:
    stamps = [stamp("2026-02-10-a", T0 - 5 * S), stamp("2026-02-10-b", T0 - 1 * S)]
    first = tick(stamps, now_ns=T0)
    assert len(first.requests) == 1
    stored = first.cursor.to_json()
    second = tick(stamps, LandingCursor.from_json(stored), now_ns=T0 + 5 * S)
    assert second.requests == ()
    assert second.new_files == 0
    # ...and again after the overlap window has passed (the cursor forgets old names).
    third = tick(stamps, second.cursor, now_ns=T0 + 120 * S)
    assert third.requests == ()
    assert third.cursor.seen == {}


def test_a_failed_tick_re_evaluated_from_the_old_cursor_asks_for_the_same_run_keys() -> None:
    base = tick([stamp("2026-02-10-a", T0 - 50 * S)], now_ns=T0)
    landed = [stamp("2026-02-10-a", T0 - 50 * S), stamp("2026-02-11-x", T0 + 3 * S)]
    attempt1 = tick(landed, base.cursor, now_ns=T0 + 5 * S)
    attempt2 = tick(landed, base.cursor, now_ns=T0 + 10 * S)  # cursor of attempt1 was lost
    assert [r.run_key for r in attempt1.requests] == [r.run_key for r in attempt2.requests]
    assert [r.partition_key for r in attempt1.requests] == ["2026-02-11"]


def test_cursor_survives_a_restart_as_json() -> None:
    cursor = LandingCursor(
        horizon_ns=T0,
        seen={"b": T0 - 1, "a": T0 - 2},
        queued={"2026-02-12": QueuedDay("ab" * 32, 3)},
    )
    text = cursor.to_json()
    assert LandingCursor.from_json(text) == cursor
    assert LandingCursor.from_json(text).to_json() == text
    assert LandingCursor.from_json(None) == LandingCursor()
    with pytest.raises(ValueError, match="unknown version"):
        LandingCursor.from_json('{"v": 99}')


def test_file_with_the_same_coarse_timestamp_landing_after_the_tick_is_not_skipped() -> None:
    # Two files share one (coarse) ctime; only the first was visible when the folder was listed.
    a = stamp("2026-02-10-a", T0)
    b = stamp("2026-02-10-b", T0)
    first = tick([a], now_ns=T0)
    second = tick([a, b], first.cursor, now_ns=T0 + 5 * S)
    assert [(r.partition_key, r.files) for r in second.requests] == [("2026-02-10", 1)]
    assert second.requests[0].digest == file_set_digest([b])


def test_file_renamed_in_during_the_scan_with_an_older_ctime_is_picked_up_next_tick() -> None:
    # The clock was read at T0; the rename happened while the folder was being listed, and the
    # coarse file clock stamped it a little *before* T0. It was not in this tick's listing.
    late = stamp("2026-02-11-late", T0 - 3_000_000)
    first = tick([stamp("2026-02-10-a", T0 - 10 * S)], now_ns=T0)
    second = tick([stamp("2026-02-10-a", T0 - 10 * S), late], first.cursor, now_ns=T0 + 5 * S)
    assert [r.partition_key for r in second.requests] == ["2026-02-11"]


def test_old_mtime_does_not_hide_a_newly_landed_file() -> None:
    first = tick([stamp("2026-02-10-a", T0 - 10 * S)], now_ns=T0)
    copied = stamp("2026-02-12-copied", T0 + 2 * S, mtime_ns=1_500_000_000 * S)  # cp -p
    second = tick([stamp("2026-02-10-a", T0 - 10 * S), copied], first.cursor, now_ns=T0 + 5 * S)
    assert [r.partition_key for r in second.requests] == ["2026-02-12"]


def test_a_replaced_file_is_new_again() -> None:
    first = tick([stamp("2026-02-10-a", T0 - 10 * S)], now_ns=T0)
    replaced = stamp("2026-02-10-a", T0 + 1 * S, size=99)
    second = tick([replaced], first.cursor, now_ns=T0 + 5 * S)
    assert [r.partition_key for r in second.requests] == ["2026-02-10"]
    assert second.requests[0].run_key != first.requests[0].run_key


def test_days_outside_the_partitions_are_reported_or_kept_for_later() -> None:
    stamps = [
        stamp("2025-12-30-old", T0 - 10 * S),
        stamp("2026-02-10-a", T0 - 9 * S),
        stamp("2027-01-01-future", T0 - 8 * S),
    ]
    plan = tick(stamps, now_ns=T0)
    assert [r.partition_key for r in plan.requests] == ["2026-02-10"]
    assert plan.before_first_day == (("2025-12-30-old", date(2025, 12, 30)),)
    assert plan.waiting_days == ("2027-01-01",)
    # The future day's partition opens: requested from the cursor alone, no new files needed.
    later = tick(stamps, plan.cursor, now_ns=T0 + 5 * S, last=date(2027, 1, 1))
    assert [r.partition_key for r in later.requests] == ["2027-01-01"]
    assert later.requests[0].digest == file_set_digest([stamps[2]])
    assert later.cursor.queued == {}


def test_per_tick_cap_requests_newest_days_first_and_keeps_the_rest() -> None:
    stamps = [stamp(f"2026-02-{day:02d}-x", T0 - day * S) for day in range(10, 15)]
    plan = tick(stamps, now_ns=T0, max_requests=2)
    assert [r.partition_key for r in plan.requests] == ["2026-02-14", "2026-02-13"]
    assert plan.waiting_days == ("2026-02-10", "2026-02-11", "2026-02-12")
    # A new file for a queued day is folded into that day's single request.
    extra = stamp("2026-02-10-y", T0 + 1 * S)
    nxt = tick([*stamps, extra], plan.cursor, now_ns=T0 + 5 * S, max_requests=10)
    assert [(r.partition_key, r.files) for r in nxt.requests] == [
        ("2026-02-12", 1),
        ("2026-02-11", 1),
        ("2026-02-10", 2),
    ]


def test_vanished_files_are_neither_requested_nor_remembered() -> None:
    stamps = [stamp("2026-02-10-gone", T0 - 1 * S)]
    plan = plan_tick(
        stamps,
        LandingCursor(),
        now_ns=T0,
        day_of=lambda s: None,
        first_day=FIRST,
        last_day=LAST,
        max_requests=5,
    )
    assert plan.requests == () and plan.new_files == 0
    assert "2026-02-10-gone" not in plan.cursor.seen


# ----------------------------------------------------------------------------------- scanning


def test_scan_skips_temporaries_hidden_files_but_not_folders(tmp_path: Path) -> None:
    """Folders and symlinks are stamped (the run records them as quarantined, issue 12)."""
    folder = tmp_path / STATS_FOLDER
    write_atomically(folder, "2026-02-10-210000-supply-round-1.txt", b"x")
    (folder / ".landing-abc").write_bytes(b"partial")
    (folder / ".sftp_ledger.jsonl").write_bytes(b"{}")
    (folder / "sub").mkdir()
    names = [s.name for s in scan_folder(folder)]
    assert names == ["2026-02-10-210000-supply-round-1.txt", "sub"]
    assert scan_folder(tmp_path / "missing") == []


def test_backdated_mtime_still_shows_a_fresh_ctime(tmp_path: Path) -> None:
    before = time.time_ns() - 5 * S  # generous: file clocks are coarser than time_ns
    path = tmp_path / "f.txt"
    path.write_bytes(b"x")
    os.utime(path, ns=(S, S))  # what cp -p / rsync -t do: mtime far in the past
    (found,) = scan_folder(tmp_path)
    assert found.mtime_ns == S
    assert found.ctime_ns > before  # the kernel set ctime to "now"; user space cannot backdate it


# ---------------------------------------------------------------------------------- day rules


def test_stats_day_uses_the_name_time_and_the_day_start() -> None:
    settings = load_settings({})
    late = LandingStamp("2026-02-11-013000-supply-round-2.txt", 1, 0, 0)
    side = LandingStamp("2026-02-11-063000-supply-round-1-endstats.txt", 1, 0, 0)
    assert stats_day(late, settings) == date(2026, 2, 10)  # 01:30 belongs to the night before
    assert stats_day(side, settings) == date(2026, 2, 11)


@pytest.fixture(scope="module")
def sample_zone(tmp_path_factory) -> Path:
    zone = tmp_path_factory.mktemp("zone")
    generate_landing_zone(zone, seed=7, nights=2)
    # A body that is no round end belongs to its landing day: land one with a known mtime.
    path = write_atomically(zone / WEBHOOK_FOLDER, "other_" + "0" * 64 + ".json", b"{}")
    os.utime(path, (1_771_000_000, 1_771_000_000))
    return zone


def _sensor_days(zone: Path, folder: str) -> dict[str, date]:
    day_of = day_resolver(folder, zone, load_settings())
    return {s.name: day_of(s) for s in scan_folder(zone / folder)}


def test_sensor_days_agree_with_every_ingestion(sample_zone: Path) -> None:
    settings = load_settings()
    stats = _sensor_days(sample_zone, STATS_FOLDER)
    report = plan_stats_days(sample_zone, sorted(set(stats.values())), settings, {})
    assert {o.file_name: o.gaming_day for o in report.outcomes} == stats

    for folder, source in ((WEBHOOK_FOLDER, "webhook"), (GAMETIMES_FOLDER, "gametime")):
        sensor = _sensor_days(sample_zone, folder)
        lua = plan_lua_source_days(sample_zone, sorted(set(sensor.values())), settings, source)
        assert {o.file_name: o.gaming_day for o in lua.outcomes} == sensor, folder
    assert _sensor_days(sample_zone, WEBHOOK_FOLDER)["other_" + "0" * 64 + ".json"] == date(
        2026, 2, 13
    )

    proximity = _sensor_days(sample_zone, PROXIMITY_FOLDER)
    planned, _ = plan_proximity_days(sample_zone, sorted(set(proximity.values())), settings)
    assert {p.landed.name: p.gaming_day for p in planned} == proximity
    assert len(proximity) > 10
