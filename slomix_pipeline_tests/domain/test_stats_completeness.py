"""The cut-file rule: endstats subjects without a line in the stats file, nothing else."""

from __future__ import annotations

from slomix_pipeline.domain.stats_completeness import (
    NOT_IN_ROUND,
    PLAYERS_MISSING,
    CompletenessRound,
    EndstatsSubject,
    stats_completeness_gate,
)

SIDE = "2026-02-10-213010-supply-round-1-endstats.txt"


def subject(guid: str, status: str = "vs_header", name: str = "x") -> EndstatsSubject:
    return EndstatsSubject(guid, name, status, SIDE)


def test_whole_files_and_rounds_without_evidence_pass_and_are_counted() -> None:
    result = stats_completeness_gate(
        [
            CompletenessRound("r-whole", 1, 6, (subject("AAAA0001"), subject("BBBB0002"))),
            CompletenessRound("r-no-endstats", 2, 6),
        ]
    )
    assert result.passed and result.failures == ()
    assert result.coverage["rounds_checked"] == 1
    assert result.coverage["rounds_without_endstats"] == 1
    assert "1/2 rounds checked" in result.summary


def test_a_subject_not_in_the_round_names_the_round_the_players_and_the_r2() -> None:
    cut = CompletenessRound(
        "2026-02-10-213012-supply-R1",
        1,
        4,
        (
            subject("AAAA0001"),
            subject("CCCC0003", NOT_IN_ROUND, "Echo"),
            subject("DDDD0004", NOT_IN_ROUND, "Foxtrot"),
            subject("DDDD0004", NOT_IN_ROUND, "Foxtrot"),  # merged split file: counted once
        ),
        paired_r2_key="2026-02-10-214501-supply-R2",
    )
    result = stats_completeness_gate([cut])
    assert not result.passed
    (failure,) = result.failures
    assert failure.subject == "2026-02-10-213012-supply-R1"
    assert failure.reason == PLAYERS_MISSING
    assert "CCCC0003 (Echo), DDDD0004 (Foxtrot)" in failure.detail
    assert SIDE in failure.detail and "4 stored" in failure.detail
    assert "2026-02-10-214501-supply-R2 keep R1+R2" in failure.detail
    assert result.coverage["players_missing"] == 2 and result.coverage["rounds_cut"] == 1


def test_an_r2_names_no_partner_and_other_statuses_are_not_evidence() -> None:
    r2 = CompletenessRound(
        "r2",
        2,
        5,
        (subject("EEEE0005", NOT_IN_ROUND), subject("FFFF0006", "vs_header_by_name")),
    )
    (failure,) = stats_completeness_gate([r2]).failures
    assert "EEEE0005" in failure.detail and "FFFF0006" not in failure.detail
    assert "keep R1+R2" not in failure.detail
