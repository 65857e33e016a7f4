"""Pure dataset logic: identity resolution, merges, streaks, ranking and the config files."""

from __future__ import annotations

from datetime import date

import pytest

from slomix_pipeline.domain.careers.gates import identity_failures, sum_failures
from slomix_pipeline.domain.careers.identity import resolve_identities
from slomix_pipeline.domain.careers.stats import beats, longest_win_streak, map_result, rank
from slomix_pipeline.formats.player_merges import (
    DatasetConfigError,
    PlayerMerge,
    parse_merges,
    parse_seasons,
)

A, B, C = "AAAAAAAA", "BBBBBBBB", "CCCCCCCC"


def test_full_guids_map_by_prefix_and_collisions_are_never_merged() -> None:
    fulls = [
        "aaaaaaaa" + "1" * 24,  # -> A
        "CCCCCCCC" + "2" * 24,  # two different full GUIDs share C's prefix: collision
        "CCCCCCCC" + "3" * 24,
        "DDDDDDDD" + "4" * 24,  # never in a stats file
        "short",
    ]
    result = resolve_identities([A, B, C], fulls)
    by_guid = {m.guid: m for m in result.mappings}
    assert by_guid["AAAAAAAA" + "1" * 24].canonical_guid == A
    assert by_guid["AAAAAAAA" + "1" * 24].resolution == "prefix"
    assert {by_guid["CCCCCCCC" + x * 24].resolution for x in "23"} == {"collision"}
    assert by_guid["CCCCCCCC" + "2" * 24].canonical_guid is None
    assert by_guid["DDDDDDDD" + "4" * 24].resolution == "unmatched"
    assert "short" not in by_guid


def test_a_full_length_stats_key_is_mapped_once() -> None:
    bot = "OMNIBOT0" + "A" * 24
    result = resolve_identities([bot], [bot])
    assert [(m.guid, m.kind, m.resolution) for m in result.mappings] == [(bot, "stats", "self")]


def test_a_split_stats_key_makes_its_prefix_a_collision() -> None:
    result = resolve_identities([f"{A}:1234abcd", f"{A}:deadbeef"], ["AAAAAAAA" + "9" * 24])
    full = [m for m in result.mappings if m.kind == "full"]
    assert [m.resolution for m in full] == ["collision"]


def test_merges_follow_chains_and_cycles_are_reported_not_applied() -> None:
    chain = resolve_identities([A, B, C], [], [PlayerMerge(A, B, "x"), PlayerMerge(B, C, "y")])
    assert chain.canonical_of() == {A: C, B: C, C: C}
    cycle = resolve_identities([A, B, C], [], [PlayerMerge(A, B, "x"), PlayerMerge(B, A, "y")])
    assert cycle.cycles == ((A, B),)
    assert cycle.canonical_of() == {A: A, B: B, C: C}
    unknown = resolve_identities([A], [], [PlayerMerge(A, "ZZZZZZZZ", "typo")])
    assert unknown.unknown_merges == (A,) and unknown.canonical_of() == {A: A}


def test_gates_report_unresolved_guids_cycles_and_sum_mismatches() -> None:
    failures = identity_failures([A, B], {A: A, B: None}, {A}, [(A, B)])
    assert [f.reason for f in failures] == ["merge_cycle", "unresolved_guid"]
    assert sum_failures({A: {"kills": 3}}, {A: {"kills": 3}}) == []
    bad = sum_failures({A: {"kills": 3}, B: {"kills": 1}}, {A: {"kills": 4}, C: {"kills": 0}})
    assert [f.reason for f in bad] == ["career_sum_mismatch", "career_missing", "career_orphan"]


def test_streaks_results_records_and_ranks_are_deterministic() -> None:
    assert longest_win_streak(["won", "won", "draw", "won", "won", "won", "lost"]).length == 3
    assert longest_win_streak(["won", "lost", "won"]).last_index == 0  # the earliest of a tie
    assert longest_win_streak(["lost"]).last_index is None
    assert (map_result("A", "A"), map_result("A", "B"), map_result("B", "draw")) == (
        "won",
        "lost",
        "draw",
    )
    assert map_result(None, "A") is None and map_result("A", None) is None
    assert beats(5, (2,), 4, (1,)) and beats(5, (1,), 5, (2,)) and not beats(5, (3,), 5, (2,))
    rows = [
        {"canonical_guid": "B", "is_bot": False, "rounds_played": 5, "kills": 10},
        {"canonical_guid": "A", "is_bot": False, "rounds_played": 5, "kills": 10},
        {"canonical_guid": "C", "is_bot": False, "rounds_played": 9, "kills": 10},
        {"canonical_guid": "D", "is_bot": False, "rounds_played": 1, "kills": 99},  # too few
        {"canonical_guid": "E", "is_bot": True, "rounds_played": 50, "kills": 99},  # a bot
    ]
    ranked = [(i, r["canonical_guid"]) for i, r in rank(rows, "kills", 3)]
    assert ranked == [(1, "C"), (2, "A"), (3, "B")]
    assert [(i, r["canonical_guid"]) for i, r in rank(list(reversed(rows)), "kills", 3)] == ranked


def test_merge_and_season_files_are_validated() -> None:
    merges = parse_merges(b"- guid: aaaaaaaa\n  into: BBBBBBBB\n  note: new PC\n")
    assert merges == (PlayerMerge(A, B, "new PC"),)
    assert parse_merges(b"") == ()
    for bad, message in [
        (b"- guid: A\n  into: B\n", "lacks note"),
        (b"- guid: A\n  into: a\n  note: n\n", "into itself"),
        (b"- {guid: A, into: B, note: n}\n- {guid: A, into: C, note: n}\n", "second time"),
        (b"guid: A\n", "expected a list"),
        (b"- [\n", "not valid YAML"),
    ]:
        with pytest.raises(DatasetConfigError, match=message):
            parse_merges(bad)
    seasons = parse_seasons(
        b"- {name: Q2, start: 2026-04-01, end: 2026-06-30}\n"
        b"- {name: Q1, start: 2026-01-01, end: 2026-03-31}\n"
    )
    assert [s.name for s in seasons] == ["Q1", "Q2"]
    assert seasons[0].contains(date(2026, 3, 31)) and not seasons[0].contains(date(2026, 4, 1))
    for bad, message in [
        (b"- {name: X, start: 2026-02-01, end: 2026-01-01}\n", "starts after"),
        (
            b"- {name: X, start: 2026-01-01, end: 2026-02-01}\n"
            b"- {name: Y, start: 2026-01-15, end: 2026-03-01}\n",
            "overlaps",
        ),
        (b"- {name: all-time, start: 2026-01-01, end: 2026-02-01}\n", "reserved"),
        (b"- {name: X, start: soon, end: 2026-02-01}\n", "not a date"),
    ]:
        with pytest.raises(DatasetConfigError, match=message):
            parse_seasons(bad)
