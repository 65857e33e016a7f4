"""Endstats decisions: decoding the writer's bugs, R2 scopes, split pairs, round links, name
resolution within the roster, derivable-award agreement and the endstats gate."""

from __future__ import annotations

from slomix_pipeline.domain.endstats import (
    FileKey,
    RosterEntry,
    RosterIndex,
    RoundRef,
    award_disagreement,
    award_scope,
    decode_awards,
    link_round,
    split_partners,
)
from slomix_pipeline.domain.endstats_gate import (
    AwardFact,
    EndstatsFileFact,
    RoundFact,
    endstats_gate,
)
from slomix_pipeline.formats.endstats import AwardLine, VersusSubject


def award(line_no: int, label: str, name: str, value: float) -> AwardLine:
    return AwardLine(line_no, label, name, f"{value:g}", value, None)


# ------------------------------------------------------------------------- decoding (§4)


def test_bug_block_duplicate_spree_is_bogus_and_stolen_after_it_is_useless_kills() -> None:
    decoded = decode_awards(
        [
            award(1, "Longest killing spree", "Osprey", 4),
            award(2, "Most objectives stolen", "Kestrel", 2),  # genuine
            award(3, "Longest killing spree", "Osprey", 4),  # the useful-kills slot
            award(4, "Most objectives stolen", "Vireo", 5),  # really useless kills
        ],
        round_number=1,
    )
    assert [(d.award_name, d.raw_label, d.status, d.quirk) for d in decoded] == [
        ("Longest killing spree", "Longest killing spree", "awarded", None),
        ("Most objectives stolen", "Most objectives stolen", "awarded", None),
        ("Longest killing spree", "Longest killing spree", "bogus", "duplicate_spree_line"),
        ("Most useless kills", "Most objectives stolen", "awarded", "useless_kills_mislabelled"),
    ]
    assert [d.award_order for d in decoded] == [1, 2, 3, 4]


def test_bug_block_zero_spree_with_slot0_name_is_bogus() -> None:
    """§10 B: nobody had a 3-kill spree, so the slot-0 player is named with value 0."""
    decoded = decode_awards(
        [
            award(1, "Most headshot kills", "Osprey", 4),
            award(2, "Longest killing spree", "Merlin", 0),
            award(3, "Most objectives stolen", "Vireo", 5),
        ],
        round_number=1,
    )
    assert decoded[1].status == "bogus" and decoded[1].quirk == "zero_spree_line"
    assert decoded[2].award_name == "Most useless kills"


def test_stolen_not_after_a_bogus_spree_keeps_its_label() -> None:
    decoded = decode_awards(
        [award(1, "Longest killing spree", "A", 5), award(2, "Most objectives stolen", "B", 3)],
        round_number=1,
    )
    assert decoded[1].award_name == "Most objectives stolen" and decoded[1].quirk is None


def test_multikills_below_two_is_not_awarded() -> None:
    decoded = decode_awards(
        [award(1, "Most multikills", "A", 0), award(2, "Most multikills", "B", 2)], 1
    )
    assert [d.status for d in decoded] == ["not_awarded", "awarded"]


def test_r2_scope_mixes_session_and_lua_counters() -> None:
    assert award_scope("Most damage given", 1) == "r1"
    assert award_scope("Most damage given", 2) == "r1_plus_r2"
    assert award_scope("Best K/D ratio", 2) == "r1_plus_r2"
    assert award_scope("Most revives", 2) == "r2_only"
    assert award_scope("Most useless kills", 2) == "r2_only"
    assert award_scope("Full respawn king", 2) == "mixed"


# ----------------------------------------------------------------------------- split files


def key(name: str, t: int, awards: int, versus: int, rnd: int = 2) -> FileKey:
    return FileKey(name, "etl_adlernest", rnd, t, awards, versus)


def test_split_pair_is_found_and_unrelated_files_are_not() -> None:
    files = [
        key("a-230501", 100, 27, 10),
        key("b-230502", 101, 0, 20),  # the VS-only half, 1 s later
        key("c-231000", 600, 0, 20),  # too far: another play
        key("d-230503", 102, 0, 0),  # empty
        key("e-230502", 101, 0, 20, rnd=1),  # other round number
    ]
    assert split_partners(files) == {"b-230502": "a-230501"}
    assert split_partners(reversed(files)) == {"b-230502": "a-230501"}


def test_split_partner_is_the_closest_and_used_once() -> None:
    files = [key("a", 100, 5, 0), key("b", 104, 0, 3), key("c", 101, 0, 3)]
    assert split_partners(files) == {"c": "a"}


# ------------------------------------------------------------------------------ round link


def ref(rid: int, t: int, rnd: int = 1, map_key: str = "supply") -> RoundRef:
    return RoundRef(rid, f"k{rid}", map_key, rnd, t)


def test_link_picks_the_closest_round_inside_the_window_either_side() -> None:
    rounds = [ref(1, 1000), ref(2, 1003), ref(3, 1000, rnd=2), ref(4, 1001, map_key="radar")]
    before = link_round(1001, "supply", 1, rounds)  # endstats 2 s before the stats file
    assert (before.round_id, before.reason, before.delta_s) == (1, "linked", 1)
    assert link_round(1030, "supply", 1, rounds).round_id == 2


def test_no_fallback_to_an_earlier_play_of_the_map() -> None:
    """Upstream's 45-minute fallback attached a file to the previous play of the map."""
    decision = link_round(1000 + 600, "supply", 1, [ref(1, 1000)])
    assert decision.round_id is None and decision.reason == "no_stats_round"


def test_link_across_midnight_uses_epochs() -> None:
    assert link_round(86400 + 2, "supply", 1, [ref(1, 86400 - 2)]).round_id == 1


def test_equally_close_rounds_are_ambiguous_not_guessed() -> None:
    decision = link_round(1000, "supply", 1, [ref(1, 990), ref(2, 1010)])
    assert decision.round_id is None and decision.reason == "ambiguous_stats_round"
    assert link_round(None, "supply", 1, [ref(1, 1000)]).reason == "no_file_time"


# ------------------------------------------------------------------------- name -> GUID


ROSTER = [
    RosterEntry("AAAAAAAA", "^1Kes^7trel"),
    RosterEntry("BBBBBBBB", "Medic"),
    RosterEntry("CCCCCCCC", "Medic"),
    RosterEntry("OMNIBOT0abc", "[BOT]Tom"),
    RosterEntry("DDDDDDDD", "Osprey"),
]


def test_names_resolve_within_the_roster_only() -> None:
    index = RosterIndex(ROSTER)
    assert index.resolve("Kestrel") == index.resolve(" Kestrel ")
    assert index.resolve("Kestrel").guid == "AAAAAAAA"
    assert index.resolve("Kestrel").status == "resolved"
    assert (index.resolve("Medic").guid, index.resolve("Medic").status) == (None, "ambiguous")
    assert index.resolve("Stranger").status == "unresolved"
    assert index.resolve("").status == "empty_name"
    assert RosterIndex(None).resolve("Kestrel").status == "no_round"


def test_mirror_rule_uses_the_files_own_vs_header_when_the_name_is_unique() -> None:
    subjects = [VersusSubject(5, "Ospreyy", "DDDDDDDD11112222333344445555AAAA")]
    index = RosterIndex(ROSTER, subjects)
    assert index.resolve("Ospreyy").guid == "DDDDDDDD"
    assert index.resolve("Ospreyy").status == "vs_header"
    twice = [*subjects, VersusSubject(9, "Ospreyy", "EEEEEEEE11112222333344445555AAAA")]
    assert RosterIndex(ROSTER, twice).resolve("Ospreyy").status == "unresolved"


def test_subject_guid_comes_from_its_header_truncated_to_8() -> None:
    index = RosterIndex(ROSTER)
    subject = VersusSubject(1, "Kestrel", "aaaaaaaa11112222333344445555ffff")
    assert index.subject(subject).guid == "AAAAAAAA"
    assert index.subject(subject).status == "vs_header"
    bot = VersusSubject(2, "[BOT]Tom", "OMNIBOT0000000000000000000000001")
    assert index.subject(bot).guid == "OMNIBOT0abc"  # the roster's name-derived bot key
    stranger = VersusSubject(3, "Ghost", "FFFFFFFF11112222333344445555ffff")
    assert index.subject(stranger).status == "vs_header_not_in_roster"
    assert index.subject(VersusSubject(4, "Osprey", None)).guid == "DDDDDDDD"
    assert index.subject(None).status == "no_subject"


# ---------------------------------------------------------------- derivable awards and gate


def test_award_disagreement_in_each_scope() -> None:
    r1, r2 = {"damage_given": 1000, "revives_given": 3}, {"damage_given": 1417, "revives_given": 2}
    assert award_disagreement("Most damage given", 2417, "r1_plus_r2", r1, r2) is None
    assert award_disagreement("Most revives", 2, "r2_only", r1, r2) is None
    problem = award_disagreement("Most revives", 5, "r2_only", r1, r2)
    assert problem is not None and "player rows 2" in problem
    assert award_disagreement("Best K/D ratio", 9, "r1", None, r2) is None  # not derivable
    assert award_disagreement("Most deaths", 3, "r1", None, None) == "winner_not_in_round"


def round_fact(rid: int, rnd: int = 1, r1: int | None = None, t: int = 1000) -> RoundFact:
    return RoundFact(rid, f"key{rid}", "supply", rnd, t, r1, rid == 1, False)


def file_fact(name: str, rid: int | None, t: int = 1002, rnd: int = 1, **kw) -> EndstatsFileFact:
    status = kw.pop("status", "linked" if rid else "unlinked")
    reason = kw.pop("reason", "linked" if rid else "no_stats_round")
    return EndstatsFileFact(name, "supply", rnd, t, status, reason, rid, kw.pop("awards", 3))


def test_gate_passes_and_reports_completeness() -> None:
    rounds = [round_fact(1), round_fact(2, rnd=2, r1=1, t=2000)]
    players = {(1, "A"): {"deaths": 4, "revives_given": 1}, (2, "A"): {"deaths": 5}}
    awards = [
        AwardFact("f1", 1, "Most deaths", "r1", "A", 4),
        AwardFact("f2", 2, "Most deaths", "r1_plus_r2", "A", 9),
    ]
    files = [file_fact("f1", 1), file_fact("f2", 2, t=2001, rnd=2)]
    result = endstats_gate(rounds, files, awards, players)
    assert result.passed, result.failures
    assert result.coverage["rounds_with_stats"] == 2
    assert result.coverage["rounds_with_endstats"] == 2
    assert result.coverage["pct_with_lua"] == 50.0
    assert result.coverage["derivable_awards_agreeing"] == 2


def test_gate_fails_on_unlinked_awards_ambiguity_and_disagreement() -> None:
    rounds = [round_fact(1), round_fact(2, t=5000)]
    players = {(1, "A"): {"deaths": 4}}
    awards = [AwardFact("f1", 1, "Most deaths", "r1", "A", 7)]
    files = [
        file_fact("f1", 1),
        file_fact("f2", None, t=5003),  # a file for round 2 that did not link
        file_fact("f3", None, t=9000, reason="ambiguous_stats_round"),
    ]
    result = endstats_gate(rounds, files, awards, players)
    assert not result.passed
    assert result.reason_counts() == {
        "award_disagrees": 1,
        "awards_not_linked": 1,
        "file_ambiguous": 1,
    }
    assert result.subjects("awards_not_linked") == {"key2"}


def test_gate_compares_only_session_awards_of_an_orphan_r2() -> None:
    orphan = RoundFact(2, "key2", "supply", 2, 1000, None, False, False, True)
    players = {(2, "A"): {"deaths": 9, "revives_given": 5}}  # cumulative rows
    awards = [
        AwardFact("f", 2, "Most deaths", "r1_plus_r2", "A", 9),
        AwardFact("f", 2, "Most revives", "r2_only", "A", 2),  # R2 only: not comparable
    ]
    result = endstats_gate([orphan], [file_fact("f", 2, rnd=2)], awards, players)
    assert result.passed and result.coverage["derivable_awards_agreeing"] == 1
    wrong = [AwardFact("f", 2, "Most deaths", "r1_plus_r2", "A", 4)]
    assert not endstats_gate([orphan], [file_fact("f", 2, rnd=2)], wrong, players).passed
