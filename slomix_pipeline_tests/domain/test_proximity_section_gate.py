"""WS1C section coverage gate (pure)."""

from __future__ import annotations

from slomix_pipeline.domain.proximity_section_gate import (
    SectionCapabilityFact,
    section_coverage_gate,
)


def fact(name: str, state: str, rows: int = 0, **kw) -> SectionCapabilityFact:
    return SectionCapabilityFact(
        kw.get("file", "a.txt"),
        kw.get("kind", "section"),
        name,
        state,
        rows,
        kw.get("broken", 0),
        kw.get("flagged", 0),
        kw.get("conflict", False),
    )


def test_coverage_counts_states_rows_and_unknown_sections() -> None:
    result = section_coverage_gate(
        [
            fact("SHOT_FIRED", "enabled", 900, flagged=2),
            fact("SHOT_FIRED", "disabled", file="b.txt"),
            fact("AIM_LOCK", "unknown", file="b.txt"),
            fact("GRENADE_ARCS", "not_understood", 4, kind="unknown_section"),
        ]
    )
    assert result.passed
    c = result.coverage
    assert c["files"] == 2
    assert (c["sections_enabled"], c["sections_disabled"], c["sections_unknown"]) == (1, 1, 1)
    assert c["files_enabled_by_section"] == {"AIM_LOCK": 0, "SHOT_FIRED": 1}
    assert c["files_disabled_by_section"] == {"SHOT_FIRED": 1}
    assert c["rows_by_section"] == {"SHOT_FIRED": 900}
    assert c["out_of_range_rows_by_section"] == {"SHOT_FIRED": 2}
    assert c["unknown_sections"] == {"GRENADE_ARCS": 1}


def test_contradicting_declaration_fails_and_dropped_lines_are_counted() -> None:
    result = section_coverage_gate(
        [fact("SHOT_FIRED", "disabled", 3, conflict=True), fact("REVIVES", "enabled", 2, broken=1)]
    )
    assert not result.passed
    assert result.reason_counts() == {"declared_off_with_rows": 1}
    assert result.subjects("declared_off_with_rows") == {"a.txt SHOT_FIRED"}
    assert result.coverage["dropped_rows_by_section"] == {"REVIVES": 1}
