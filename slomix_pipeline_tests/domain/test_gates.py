"""The gate predicates on constructed records: one passing case and one failing case per reason.

Every failing case asserts the exact subjects named, so a gate that fails for the wrong round
(or names too many) is caught.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from slomix_pipeline.domain import gate_coverage as gc
from slomix_pipeline.domain import gates as g

# ------------------------------------------------------------------------------------- WS0


def _round(key: str = "2026-02-10-220000-supply-R1", **kw: object) -> g.ContractRound:
    base = g.ContractRound(
        round_key=key,
        round_number=1,
        defender_team=1,
        winner_team=2,
        score_confidence="verified_header",
        round_stopwatch_state="TIME_SET",
        time_limit_seconds=600,
        actual_time_seconds=420,
        side_reasons=(),
        is_orphan_r2=False,
        source_file=f"{key}.txt",
    )
    return replace(base, **kw)


GOOD_R2 = _round(
    "2026-02-10-221000-supply-R2",
    round_number=2,
    round_stopwatch_state=None,
    actual_time_seconds=0,  # the engine leaves R2's time unset: "times unknown"
)


def test_round_contract_passes_and_counts_side_reasons() -> None:
    missing = _round(
        "2026-02-10-223000-goldrush-R1",
        winner_team=0,
        score_confidence="missing",
        side_reasons=("winner_missing",),
    )
    result = g.round_contract_gate(
        [_round(), GOOD_R2, missing],
        [g.ValueRow("2026-02-10-220000-supply-R1", "GUID1", {"kills": 3, "deaths": 0})],
    )
    assert result.passed, result.failures
    assert result.coverage["rounds"] == 3
    assert result.coverage["value_rows_checked"] == 1
    assert result.coverage["side_reasons"] == {"winner_missing": 1}
    assert result.coverage["stopwatch_state"] == {"TIME_SET": 2, "none (times unknown)": 1}
    assert result.summary == "Round contract filled and consistent for 3/3 rounds"


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (dict(round_number=0), g.WS0_SUMMARY_ROUND),
        (dict(defender_team=3), g.WS0_SIDE_INVALID),
        (dict(winner_team=None), g.WS0_SIDE_INVALID),
        (dict(score_confidence=None), g.WS0_CONFIDENCE_INVALID),
        (dict(score_confidence="trusted"), g.WS0_CONFIDENCE_INVALID),
        (dict(winner_team=0), g.WS0_CONFIDENCE_INCONSISTENT),  # verified with an unknown side
        (dict(side_reasons=("defender_non_numeric",)), g.WS0_CONFIDENCE_INCONSISTENT),
        (dict(score_confidence="missing"), g.WS0_CONFIDENCE_INCONSISTENT),
        (dict(score_confidence="ambiguous"), g.WS0_CONFIDENCE_INCONSISTENT),
        (dict(round_stopwatch_state="HOLD"), g.WS0_STATE_INVALID),
        (dict(round_stopwatch_state=None), g.WS0_STATE_MISSING),
    ],
)
def test_round_contract_fails_for_each_reason(bad: dict[str, object], reason: str) -> None:
    broken = _round("2026-02-10-230000-radar-R1", **bad)
    result = g.round_contract_gate([_round(), GOOD_R2, broken])
    assert not result.passed
    assert result.reason_counts() == {reason: 1}
    assert result.subjects() == {"2026-02-10-230000-radar-R1"}


def test_round_contract_names_negative_values_per_row() -> None:
    rows = [
        g.ValueRow("2026-02-10-221000-supply-R2", "GUID1", {"kills": 2, "damage_given": -40}),
        g.ValueRow("2026-02-10-221000-supply-R2", "GUID2 WS_MP40", {"hits": -1, "shots": -3}),
        g.ValueRow("2026-02-10-221000-supply-R2", "GUID3", {"kills": 0}),
    ]
    result = g.round_contract_gate([GOOD_R2], rows, value_rows_checked=24)
    assert result.subjects(g.WS0_NEGATIVE_VALUE) == {
        "2026-02-10-221000-supply-R2 GUID1",
        "2026-02-10-221000-supply-R2 GUID2 WS_MP40",
    }
    details = {f.subject: f.detail for f in result.failures}
    assert details["2026-02-10-221000-supply-R2 GUID2 WS_MP40"] == "hits=-1, shots=-3"
    assert result.coverage["value_rows_checked"] == 24


def test_orphan_r2_gate_reports_each_orphan() -> None:
    orphan = replace(GOOD_R2, round_key="2026-02-10-231500-radar-R2", is_orphan_r2=True)
    passing = g.orphan_r2_gate([_round(), GOOD_R2])
    assert passing.passed and passing.summary == "Every R2 has its R1: 1/1 R2 rounds paired"
    failing = g.orphan_r2_gate([_round(), GOOD_R2, orphan])
    assert failing.subjects(g.WS0_ORPHAN_R2) == {"2026-02-10-231500-radar-R2"}
    assert failing.coverage == {"r2_rounds": 2, "r2_paired": 1}


# ------------------------------------------------------------------------------------- WS1

NOW = 1_770_800_000  # well after every constructed round
T = 1_770_700_000


def _lr(rid: int, key: str, lua: int | None, **kw: object) -> g.LinkedRound:
    base = g.LinkedRound(
        round_id=rid,
        round_key=key,
        map_key="supply",
        round_number=1,
        file_time_unix=T + rid * 1000,
        lua_round_id=lua,
        link_reason="linked" if lua is not None else "never_received",
    )
    return replace(base, **kw)


def _lua(lid: int, rid: int | None, end: int, **kw: object) -> g.LuaRoundEnd:
    base = g.LuaRoundEnd(
        lua_round_id=lid,
        label=f"lua {lid}",
        map_key="supply",
        round_number=1,
        round_start_unix=end - 600,
        round_end_unix=end,
        end_reason="NORMAL",
        winner_team=1,
        defender_team=2,
        round_id=rid,
        link_reason="linked" if rid is not None else "never_received",
    )
    return replace(base, **kw)


def _pair(rid: int, lid: int, round_number: int = 1) -> tuple[g.LinkedRound, g.LuaRoundEnd]:
    r = _lr(rid, f"round {rid}", lid, round_number=round_number)
    return r, _lua(lid, rid, r.file_time_unix - 5, round_number=round_number)


def _ws1(rounds, lua, **kw):  # type: ignore[no-untyped-def]
    return g.lua_link_gate(rounds, lua, now_unix=kw.pop("now_unix", NOW), **kw)


def test_lua_links_pass_with_coverage() -> None:
    pairs = [_pair(i, 100 + i, 1 + i % 2) for i in range(1, 9)]
    result = _ws1([p[0] for p in pairs], [p[1] for p in pairs])
    assert result.passed, result.failures
    assert result.summary == "Lua linked 8/8 rounds, 8/8 Lua round ends linked"


def test_a_missing_r2_is_a_classified_coverage_loss_not_an_integrity_failure() -> None:
    pairs = [_pair(i, 100 + i, 1 + i % 2) for i in range(1, 9)]
    rounds = [p[0] for p in pairs]
    lua = [p[1] for p in pairs]
    # Two R2s (ids 1 and 3 are round 2) never got their Lua row: the R2 race.
    for rid in (1, 3):
        rounds[rid - 1] = replace(rounds[rid - 1], lua_round_id=None, link_reason="never_received")
    lua = [x for x in lua if x.round_id not in (1, 3)]
    assert _ws1(rounds, lua).passed  # nothing downstream is wrong: timing from the stats file
    cov = gc.lua_coverage_gate(rounds, lua, now_unix=NOW)
    assert cov.subjects() == {"round 1", "round 3"}
    assert cov.reason_counts() == {gc.R2_LUA_RACE: 2}
    assert "never_received" in cov.failures[0].detail
    assert "timing from the stats file" in cov.failures[0].detail
    assert cov.coverage["loss_classes"] == {gc.R2_LUA_RACE: 2}
    assert cov.summary.startswith("Lua coverage 6/8 rounds")
    r1 = replace(rounds[1], lua_round_id=None, link_reason="never_received")
    assert gc.classify_round_without_lua(r1) == gc.LUA_NEVER_RECEIVED
    tie = replace(rounds[1], lua_round_id=None, link_reason="ambiguous")
    assert gc.classify_round_without_lua(tie) == gc.LINK_UNDECIDED


def test_lua_captures_without_a_round_are_classified() -> None:
    restart = _lua(1, None, T, actual_duration_seconds=20)
    shutdown = _lua(2, None, T, actual_duration_seconds=300, winner_team=0, end_reason="surrender")
    lost = _lua(3, None, T, actual_duration_seconds=600)
    cov = gc.lua_coverage_gate([], [restart, shutdown, lost], now_unix=NOW)
    assert {f.subject: f.reason for f in cov.failures} == {
        "lua 1": gc.RESTART_CAPTURE,
        "lua 2": gc.SHUTDOWN_CAPTURE,
        "lua 3": gc.STATS_FILE_MISSING,
    }
    assert cov.coverage["benign_losses"] == 2
    assert cov.coverage["lua_without_round"] == 3
    # 30 s is no longer a restart capture (upstream's ghost threshold is < 30 s).
    assert gc.classify_lua_without_round(replace(restart, actual_duration_seconds=30)) == (
        gc.STATS_FILE_MISSING
    )


def test_rounds_and_lua_rows_inside_the_grace_period_are_pending() -> None:
    r = _lr(1, "round 1", None, link_reason="late_pending")
    x = _lua(9, None, T + 500, link_reason="late_pending")
    result = _ws1([r], [x], now_unix=T + 1000 + 60, grace_s=15 * 60)
    assert result.passed
    assert result.coverage["rounds_pending"] == 1 and result.coverage["lua_pending"] == 1
    early = gc.lua_coverage_gate([r], [x], now_unix=T + 1000 + 60, grace_s=15 * 60)
    assert early.passed and early.coverage["rounds_due"] == 0
    # Once the grace is over the same rows are coverage losses, each with its class.
    late = gc.lua_coverage_gate([r], [x], now_unix=T + 1000 + 15 * 60)
    assert late.reason_counts() == {gc.LUA_NEVER_RECEIVED: 1, gc.STATS_FILE_MISSING: 1}
    assert late.subjects() == {"round 1", "lua 9"}
    assert _ws1([r], [x], now_unix=T + 1000 + 15 * 60).passed


def test_a_later_lua_start_is_accepted_only_when_the_timelimit_cap_explains_it() -> None:
    r, x = _pair(1, 101)
    start = x.round_start_unix
    proximity_start = start - 40  # the cap moved the Lua start 40 s forward
    r = replace(r, round_start_unix=proximity_start)
    capped = replace(x, actual_duration_seconds=600, timelimit_minutes=10.0, warmup_seconds=55)
    ok = _ws1([r], [capped])
    assert ok.passed, ok.failures
    assert ok.coverage["start_cap_shifts"] == 1
    # Playtime below the limit: the cap did not fire, so 40 s apart is a real mismatch.
    short = replace(capped, actual_duration_seconds=590)
    assert _ws1([r], [short]).reason_counts() == {g.WS1_START_MISMATCH: 1}
    # Too little warm-up to hold the excess.
    cold = replace(capped, warmup_seconds=5)
    assert _ws1([r], [cold]).reason_counts() == {g.WS1_START_MISMATCH: 1}
    # An earlier Lua start is never the cap (it only moves the start forward).
    early = replace(r, round_start_unix=start + 40)
    assert _ws1([early], [capped]).reason_counts() == {g.WS1_START_MISMATCH: 1}


def test_missing_link_rows_fail() -> None:
    r = _lr(1, "round 1", None, link_reason=None)
    x = _lua(9, None, T - 7000, link_reason=None)
    result = _ws1([r], [x])
    assert result.reason_counts() == {g.WS1_LINK_ROW_MISSING: 2}
    assert result.subjects() == {"round 1", "lua 9"}


def test_round_linked_twice_and_link_disagreement() -> None:
    r1, x1 = _pair(1, 101)
    r2, x2 = _pair(2, 102)
    intruder = replace(x2, round_id=1)  # Lua 102 also claims round 1; round 2 still says 102
    result = _ws1([r1, r2], [x1, intruder])
    assert result.subjects(g.WS1_LINKED_TWICE) == {"round 1"}
    assert result.subjects(g.WS1_LINK_DISAGREEMENT) == {"round 2", "lua 102"}


def test_dangling_links_fail() -> None:
    r1, _ = _pair(1, 101)
    stray = _lua(7, 99, T - 5000)
    result = _ws1([r1], [stray])
    assert result.subjects(g.WS1_LINK_DANGLING) == {"round 1", "lua 7"}


@pytest.mark.parametrize(
    ("lua_change", "reason"),
    [
        (dict(map_key="goldrush"), g.WS1_MAP_MISMATCH),
        (dict(round_number=2), g.WS1_ROUND_MISMATCH),
    ],
)
def test_link_integrity_map_and_round(lua_change: dict[str, object], reason: str) -> None:
    r, x = _pair(1, 101)
    result = _ws1([r], [replace(x, **lua_change)])
    assert result.reason_counts() == {reason: 1}
    assert result.subjects() == {"round 1"}


def test_link_integrity_time_with_the_dst_second_reading() -> None:
    r, x = _pair(1, 101)
    far = replace(x, round_end_unix=r.file_time_unix - 31)
    assert _ws1([r], [replace(x, round_end_unix=r.file_time_unix - 30)]).passed
    result = _ws1([r], [far])
    assert result.reason_counts() == {g.WS1_TIME_MISMATCH: 1}
    assert "-31 s" in result.failures[0].detail
    # In a DST repeated hour the file time has a second reading, an hour later.
    shifted = replace(x, round_end_unix=r.file_time_unix + 3600 - 4)
    ambiguous = replace(r, alt_file_time_unix=r.file_time_unix + 3600)
    assert _ws1([ambiguous], [shifted]).passed


def test_link_integrity_start_times_only_when_both_known() -> None:
    r, x = _pair(1, 101)
    assert _ws1([replace(r, round_start_unix=None)], [x]).passed
    assert _ws1([replace(r, round_start_unix=x.round_start_unix)], [x]).passed
    # The tracker may stamp the start a second apart from the Lua: tolerated by default ...
    drift = replace(r, round_start_unix=x.round_start_unix + 1)
    assert _ws1([drift], [x]).passed
    strict = _ws1([drift], [x], start_tolerance_s=0)
    assert strict.reason_counts() == {g.WS1_START_MISMATCH: 1}
    # ... but a link to another round's start (a replayed map) fails.
    result = _ws1([replace(r, round_start_unix=x.round_start_unix - 31)], [x])
    assert result.reason_counts() == {g.WS1_START_MISMATCH: 1}
    assert result.subjects() == {"round 1"}
    assert "31 s apart" in result.failures[0].detail


@pytest.mark.parametrize(
    "change",
    [
        dict(end_reason="objective"),
        dict(winner_team=3),
        dict(defender_team=-1),
        dict(round_number=0),
    ],
)
def test_lua_enum_sanity(change: dict[str, object]) -> None:
    x = _lua(9, None, T - 100, link_reason="never_received", **change)
    result = _ws1([], [x], now_unix=T)  # inside the grace: only the enum is judged
    assert result.reason_counts() == {g.WS1_ENUM_INVALID: 1}
    assert result.subjects() == {"lua 9"}


def test_context_rows_resolve_links_across_days_without_being_judged() -> None:
    r, x = _pair(1, 101)
    unlinked_neighbour = _lua(55, None, T - 50_000)
    result = _ws1([r], [], context_lua=[x, unlinked_neighbour])
    assert result.passed
    assert result.coverage["lua_rows"] == 0


# ------------------------------------------------------------------------------------ WS1C


def _pf(name: str, round_id: int | None = 1, exists: bool = True) -> g.ProximityFileLink:
    return g.ProximityFileLink(name, round_id, exists, "exact", "present", 90)


def _sprint(**kw: object) -> g.SprintDistribution:
    base = g.SprintDistribution("2026-02-10", 180, 180, 120, 0.0, 62.5)
    return replace(base, **kw)


def test_proximity_links_pass() -> None:
    result = g.proximity_link_gate([_pf("a.txt"), _pf("b.txt", 2)], _sprint())
    assert result.passed
    assert result.summary == "Proximity linked 2/2 files, 120/180 tracks with sprint > 0"


def test_proximity_files_unlinked_or_dangling() -> None:
    result = g.proximity_link_gate(
        [_pf("a.txt"), _pf("b.txt", None), _pf("c.txt", 7, exists=False)], _sprint()
    )
    assert result.subjects(g.WS1C_FILE_UNLINKED) == {"b.txt"}
    assert result.subjects(g.WS1C_LINK_DANGLING) == {"c.txt"}


@pytest.mark.parametrize(
    "flat",
    [
        dict(valued=0, nonzero=0, minimum=None, maximum=None, files_signal_absent=2),  # WS1C-004
        dict(nonzero=0, maximum=0.0),
        dict(nonzero=180, minimum=50.0, maximum=50.0),
    ],
)
def test_flat_sprint_distribution_fails(flat: dict[str, object]) -> None:
    result = g.proximity_link_gate([_pf("a.txt")], _sprint(**flat))
    assert result.reason_counts() == {g.WS1C_SPRINT_FLAT: 1}
    assert result.subjects() == {"2026-02-10"}


def test_no_tracks_is_not_flat() -> None:
    empty = _sprint(tracks=0, valued=0, nonzero=0, minimum=None, maximum=None)
    assert g.proximity_link_gate([], empty).passed


def test_duplicate_natural_keys() -> None:
    assert g.unique_keys_gate([], {"player_track": 300, "combat_engagement": 500}).passed
    dup = g.DuplicateKey("combat_engagement", "supply R1 start 1770 id 4", 2, ("b.txt", "a.txt"))
    result = g.unique_keys_gate([dup], {"combat_engagement": 500})
    assert result.subjects(g.WS1C_DUPLICATE_KEY) == {"combat_engagement supply R1 start 1770 id 4"}
    assert result.failures[0].detail == "2 rows from a.txt, b.txt"


# ------------------------------------------------------------------------------------- WS7

S1 = {1: "2026-02-10-220000-supply-R1"}


def _vals(ka: int | None = 2, kills: int = 5, deaths: int = 3, dg: int = 900, dr: int = 800):
    return {
        "kill_assists": ka,
        "kills": kills,
        "deaths": deaths,
        "damage_given": dg,
        "damage_received": dr,
    }


def _session() -> tuple[list, list, list, list]:
    """Two counted rounds; A plays both, B joins late in round 11 only; one R0 row to ignore."""
    srounds = [
        g.SessionRoundRef(1, 10, "r10", 1, True),
        g.SessionRoundRef(1, 11, "r11", 2, True),
        g.SessionRoundRef(1, 12, "r12", 1, False),  # superseded restart: not counted
    ]
    rounds = [
        g.PlayerValues(1, "A", "alice", _vals(2), 10, 1),
        g.PlayerValues(1, "A", "alice", _vals(1), 11, 2),
        g.PlayerValues(1, "B", "bob", _vals(4), 11, 2),
        g.PlayerValues(1, "A", "alice", _vals(3), 11, 0),  # summary row: excluded
        g.PlayerValues(1, "A", "alice", _vals(9), 12, 1),  # not counted: excluded
    ]
    graphs = [replace(r, round_number=None) for r in rounds[:3]]
    totals = [
        g.PlayerValues(1, "A", "alice", _vals(3, 10, 6, 1800, 1600)),
        g.PlayerValues(1, "B", "bob", _vals(4)),
    ]
    return srounds, totals, graphs, rounds


def test_kill_assists_parity_passes_with_late_joiner() -> None:
    srounds, totals, graphs, rounds = _session()
    result = g.kill_assists_gate(S1, srounds, totals, graphs, rounds)
    assert result.passed, result.failures
    assert result.coverage["players"] == 2
    assert result.summary == (
        "1 session(s), 2 player(s): kill_assists 7 (totals) = 7 (graphs) = 7 (R1/R2 rows)"
    )


def test_kill_assists_null_fails() -> None:
    srounds, totals, graphs, rounds = _session()
    totals[1] = replace(totals[1], values=_vals(None))
    result = g.kill_assists_gate(S1, srounds, totals, graphs, rounds)
    assert result.subjects(g.WS7_KA_MISSING) == {"2026-02-10-220000-supply-R1 B (bob)"}


def test_late_joiner_missing_from_totals_and_graphs() -> None:
    srounds, totals, graphs, rounds = _session()
    result = g.kill_assists_gate(S1, srounds, totals[:1], graphs[:2], rounds)
    assert result.reason_counts() == {
        g.WS7_MISSING_FROM_GRAPHS: 1,
        g.WS7_MISSING_FROM_TOTALS: 1,
    }
    assert result.subjects() == {"2026-02-10-220000-supply-R1 B (bob)"}


def test_player_without_rounds_fails() -> None:
    srounds, totals, graphs, rounds = _session()
    ghost = g.PlayerValues(1, "C", "carol", _vals(0, 0, 0, 0, 0))
    result = g.kill_assists_gate(S1, srounds, [*totals, ghost], graphs, rounds)
    assert result.reason_counts() == {g.WS7_PLAYER_WITHOUT_ROUNDS: 1}
    assert result.subjects() == {"2026-02-10-220000-supply-R1 C (carol)"}


def test_totals_vs_graphs_and_graphs_vs_rounds() -> None:
    srounds, totals, graphs, rounds = _session()
    totals[0] = replace(totals[0], values=_vals(4, 10, 6, 1800, 1600))
    result = g.kill_assists_gate(S1, srounds, totals, graphs, rounds)
    assert result.reason_counts() == {g.WS7_TOTALS_VS_GRAPHS: 1}
    assert result.failures[0].detail == "kill_assists: totals 4 vs graphs 3"

    srounds, totals, graphs, rounds = _session()
    graphs[2] = replace(graphs[2], values=_vals(4, deaths=2))  # deaths differ from the stats row
    totals[1] = replace(totals[1], values=_vals(4, deaths=2))
    result = g.kill_assists_gate(S1, srounds, totals, graphs, rounds)
    assert result.reason_counts() == {g.WS7_GRAPHS_VS_ROUNDS: 1}
    assert result.subjects() == {"2026-02-10-220000-supply-R1 B (bob)"}
    assert result.failures[0].detail == "deaths: graphs 2 vs rounds 3"


def test_summary_rows_counted_fail() -> None:
    srounds, totals, graphs, rounds = _session()
    srounds.append(g.SessionRoundRef(1, 13, "r13-R0", 0, True))
    result = g.kill_assists_gate(S1, srounds, totals, graphs, rounds)
    assert result.reason_counts() == {g.WS7_SUMMARY_COUNTED: 1}
    assert result.subjects() == {"r13-R0"}


# ------------------------------------------------------------------------------- freshness

PARIS = ZoneInfo("Europe/Paris")


def _epoch(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=PARIS).timestamp())


def _fresh(now: str, newest: str | None, hours: str = "19:00-01:00", window_min: int = 60):
    return g.freshness_gate(
        _epoch(now),
        _epoch(newest) if newest else None,
        newest_label="round x" if newest else None,
        active_hours=g.parse_active_hours(hours),
        window_s=window_min * 60,
        tz=PARIS,
    )


def test_freshness_outside_active_hours_passes() -> None:
    result = _fresh("2026-02-10T15:00:00", "2026-02-01T22:00:00")
    assert result.passed and result.coverage["active"] is False


def test_freshness_counts_only_time_inside_the_window() -> None:
    assert _fresh("2026-02-10T19:30:00", "2026-02-09T23:00:00").passed
    assert _fresh("2026-02-10T21:00:00", "2026-02-10T20:30:00").passed
    # After midnight the window that started yesterday evening still applies.
    assert _fresh("2026-02-11T00:30:00", "2026-02-10T23:45:00").passed


def test_freshness_stale_and_no_files() -> None:
    stale = _fresh("2026-02-10T21:00:00", "2026-02-10T19:30:00")
    assert stale.reason_counts() == {g.FRESHNESS_STALE: 1}
    assert "90 min old" in stale.failures[0].detail
    late_night = _fresh("2026-02-11T00:45:00", "2026-02-10T23:30:00")
    assert late_night.subjects(g.FRESHNESS_STALE) == {"stats files"}
    none = _fresh("2026-02-10T20:30:00", None)
    assert none.reason_counts() == {g.FRESHNESS_NO_FILES: 1}


def test_an_all_day_window_does_not_restart_at_midnight() -> None:
    # A server quiet since 20:00 is late at 00:30 too: midnight is not a fresh start.
    quiet = _fresh("2026-02-11T00:30:00", "2026-02-10T20:00:00", hours="00:00-24:00")
    assert quiet.reason_counts() == {g.FRESHNESS_STALE: 1}
    assert "active all day" in quiet.failures[0].detail
    assert _fresh("2026-02-11T00:30:00", "2026-02-11T00:10:00", hours="00:00-24:00").passed
    nothing = _fresh("2026-02-11T00:05:00", None, hours="00:00-00:00")
    assert nothing.reason_counts() == {g.FRESHNESS_NO_FILES: 1}


def test_parse_active_hours() -> None:
    assert g.parse_active_hours("00:00-24:00").window_start(datetime(2026, 2, 10, 3)) is not None
    all_day = g.parse_active_hours("00:00-00:00")
    assert all_day.window_start(datetime(2026, 2, 10, 13)) == datetime(2026, 2, 10, 0, 0)
    for bad in ("19-23", "25:00-01:00", "19:00-24:30", "19:60-20:00"):
        with pytest.raises(ValueError):
            g.parse_active_hours(bad)


def test_combine_sums_coverage_and_joins_failures() -> None:
    day1 = g.orphan_r2_gate([GOOD_R2])
    day2 = g.orphan_r2_gate([replace(GOOD_R2, round_key="k2", is_orphan_r2=True)])
    both = g.combine([day1, day2], g.summarize_orphan_r2)
    assert not both.passed
    assert both.coverage == {"r2_rounds": 2, "r2_paired": 1}
    assert both.subjects() == {"k2"}
