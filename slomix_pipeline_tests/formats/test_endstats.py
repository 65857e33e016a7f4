"""Endstats side-car parser: every award line of the catalogue, every reject reason, and each
format quirk of ``endstats.md`` (§1–§4)."""

from __future__ import annotations

from datetime import datetime

import pytest

from slomix_pipeline.formats.endstats import (
    AWARD_CATALOGUE,
    LUA,
    REJECT_REASONS,
    SESS,
    parse_endstats_file,
    parse_endstats_filename,
)

NAME = "2026-05-12-213102-supply-round-1-endstats.txt"
GUID = "0A1B2C3D4E5F60718293A4B5C6D7E8F9"

# One value text per award as the live writer formats it (§3.2), with the expected numbers.
VALUES: dict[str, tuple[str, float, float | None]] = {
    "Most kills per minute": ("1.24", 1.24, None),
    "Quickest multikill w/ light weapons": ("3 kills in 0.9s", 3.0, 0.9),
    "Farthest riflenade kill": ("21.77 m", 21.77, None),
    "Best K/D ratio": ("2.1818181818182", 2.1818181818182, None),
    "Tank/Meatshield (Refuses to die)": ("Damage received vs death ratio: 4.04x", 4.04, None),
    "Full respawn king": ("30.3 percent, 3.33 min", 30.3, 3.33),
    "Least time dead (What spawn?)": ("9.09 percent, 1.0 min", 9.09, 1.0),
    "Most playtime denied": ("212 seconds", 212.0, None),
    "Highest light weapons accuracy": ("27.31 percent", 27.31, None),
    "Highest headshot accuracy": ("33.33 percent", 33.33, None),
}


def parse(text: str, name: str = NAME):
    return parse_endstats_file(name, text.encode("utf-8"))


def test_catalogue_has_the_48_written_labels_plus_the_three_never_written() -> None:
    assert len(AWARD_CATALOGUE) == 48 + 3
    assert AWARD_CATALOGUE["Most damage given"].source == SESS
    assert AWARD_CATALOGUE["Most revives"].source == LUA
    assert "Most mortar deaths" not in AWARD_CATALOGUE  # the Lua calls it Mortarmagnet


@pytest.mark.parametrize("label", sorted(AWARD_CATALOGUE))
def test_every_award_line_parses(label: str) -> None:
    text, main, second = VALUES.get(label, ("7", 7.0, None))
    parsed = parse(f"{label}\tKestrel\t{text}\n")
    assert parsed.rejected == ()
    (award,) = parsed.awards
    assert (award.label, award.player_name, award.value_text) == (label, "Kestrel", text)
    assert award.value_numeric == pytest.approx(main)
    assert award.value_secondary == (pytest.approx(second) if second is not None else None)


def test_worked_example_a() -> None:
    """``endstats.md`` §10 A: awards, then two VS blocks with mirrored rows."""
    text = (
        "Most damage given\tKestrel\t2417\n"
        "Most deaths\tVireo\t13\n"
        "Best K/D ratio\tKestrel\t2.1818181818182\n"
        f"VS_HEADER\tKestrel\t{GUID}\n"
        "Osprey\t5\t2\n"
        "Merlin\t3\t0\n"
        "VS_HEADER\tOsprey\t9F8E7D6C5B4A39281706F5E4D3C2B1A0\n"
        "Kestrel\t2\t5\n"
        "Vireo\t1\t1\n"
    )
    parsed = parse(text)
    assert parsed.rejected == () and parsed.quality == (3, 4)
    assert [s.name for s in parsed.subjects] == ["Kestrel", "Osprey"]
    first = parsed.versus[0]
    assert first.subject is not None and first.subject.guid == GUID
    assert (first.opponent_name, first.kills, first.deaths) == ("Osprey", 5, 2)
    assert parsed.versus[2].subject is not None and parsed.versus[2].subject.name == "Osprey"


def test_file_name() -> None:
    name = parse_endstats_filename(NAME)
    assert name is not None
    assert name.written_local == datetime(2026, 5, 12, 21, 31, 2)
    assert (name.map_name, name.round_number) == ("supply", 1)
    greedy = parse_endstats_filename("2026-05-12-213102-te-round-x-round-2-endstats.txt")
    assert greedy is not None and greedy.map_name == "te-round-x"
    assert parse_endstats_filename("2026-05-12-213102-supply-round-1.txt") is None
    assert parse_endstats_filename("2026-13-12-213102-supply-round-1-endstats.txt") is None
    assert parse(text="Most deaths\tA\t3\n", name="weird.txt").file_name is None


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("", "blank_line"),
        ("Most deaths\tVireo", "too_few_fields"),
        ("Most deaths\tVireo\t13\textra", "too_many_fields"),
        ("Most hugs given\tVireo\t13", "unknown_award"),
        ("Most deaths\tVireo\tlots", "bad_value"),
        ("VS_HEADER\t\t" + GUID, "empty_subject"),
        ("Osprey\t5\tmany", "bad_count"),
        ("Osprey\t-1\t2", "bad_count"),
        ("Most deaths\tVireo\t13", "award_after_versus"),
    ],
)
def test_every_reject_reason(line: str, reason: str) -> None:
    head = "Most damage given\tKestrel\t2417\n"
    block = f"VS_HEADER\tKestrel\t{GUID}\nMerlin\t1\t0\n"
    in_versus = reason in ("bad_count", "award_after_versus", "empty_subject")
    text = head + (block if in_versus else "") + line + "\n" + "Vireo\t1\t1\n"
    parsed = parse(text)
    assert [r.reason for r in parsed.rejected] == [reason]
    assert parsed.rejected[0].line_no == (4 if in_versus else 2)
    assert parsed.awards[0].label == "Most damage given"  # the rest still loads
    assert parsed.versus[-1].opponent_name == "Vireo"
    assert reason in REJECT_REASONS


def test_quirk_crlf_line_ends_are_accepted() -> None:
    parsed = parse(f"Most deaths\tVireo\t13\r\nVS_HEADER\tVireo\t{GUID}\r\nKestrel\t1\t2\r\n")
    assert parsed.rejected == () and parsed.quality == (1, 1)
    assert parsed.awards[0].value_text == "13" and parsed.subjects[0].guid == GUID
    assert "crlf_line_ends" in parsed.notes


def test_quirk_empty_guid_leaves_a_trailing_tab_or_none() -> None:
    parsed = parse("VS_HEADER\t[BOT]Tom\t\nKestrel\t1\t0\nVS_HEADER\tBot2\nKestrel\t0\t1\n")
    assert parsed.rejected == ()
    assert [s.guid for s in parsed.subjects] == [None, None]


def test_quirk_lua54_and_luajit_integral_floats_read_alike() -> None:
    a = parse("Least time dead (What spawn?)\tA\t9.09 percent, 1.0 min\n").awards[0]
    b = parse("Least time dead (What spawn?)\tA\t9.09 percent, 1 min\n").awards[0]
    assert a.value_secondary == b.value_secondary == 1.0


def test_quirk_kd_ratio_is_not_rounded() -> None:
    award = parse("Best K/D ratio\tA\t2.3333333333333\n").awards[0]
    assert award.value_numeric == pytest.approx(7 / 3, abs=1e-12)


def test_quirk_tank_meatshield_text_gets_its_ratio() -> None:
    """Upstream stored no number for this award; the ratio is the only number in the text."""
    award = parse("Tank/Meatshield (Refuses to die)\tA\tDamage received vs death ratio: 4.04x\n")
    assert award.awards[0].value_numeric == pytest.approx(4.04)


def test_quirk_empty_winner_name_from_the_slot0_bug_is_kept() -> None:
    parsed = parse("Longest killing spree\t\t0\n")
    assert parsed.rejected == ()
    assert parsed.awards[0].player_name == "" and parsed.awards[0].value_numeric == 0


def test_quirk_headerless_versus_rows_from_old_files_load_without_subject() -> None:
    parsed = parse("Most deaths\tVireo\t13\nOsprey\t5\t2\nMerlin\t0\t3\n")
    assert parsed.rejected == ()
    assert [(v.subject, v.opponent_name) for v in parsed.versus] == [
        (None, "Osprey"),
        (None, "Merlin"),
    ]
    assert "headerless_versus_rows:2" in parsed.notes


def test_quirk_name_starting_with_an_award_name_is_a_versus_row() -> None:
    """Upstream matched awards by prefix, so this opponent was misread as an award line."""
    parsed = parse(f"VS_HEADER\tKestrel\t{GUID}\nMost deaths fan\t2\t1\n")
    assert parsed.awards == ()
    assert parsed.versus[0].opponent_name == "Most deaths fan"


def test_quirk_duplicate_spree_and_mislabelled_stolen_are_parsed_as_written() -> None:
    """Decoding is the domain's job (``domain.endstats.decode_awards``); the parser keeps both."""
    parsed = parse(
        "Longest killing spree\tOsprey\t4\n"
        "Longest killing spree\tMerlin\t0\n"
        "Most objectives stolen\tVireo\t5\n"
    )
    assert [a.label for a in parsed.awards] == [
        "Longest killing spree",
        "Longest killing spree",
        "Most objectives stolen",
    ]


def test_undecodable_bytes_are_replaced_not_fatal() -> None:
    parsed = parse_endstats_file(NAME, b"Most deaths\tVi\xffreo\t13\n")
    assert parsed.awards[0].player_name == "Vi\ufffdreo"
