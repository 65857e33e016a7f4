"""Proximity files of the sample landing zone: names, bugs, planted cases, truth, cost."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from slomix_pipeline.formats.proximity import parse_proximity_file
from slomix_pipeline.landing.zone import PROXIMITY_FOLDER
from slomix_pipeline.sample_data import generate_landing_zone
from slomix_pipeline.sample_data import proximity_files as pf
from slomix_pipeline.sample_data.model import SimCorpus
from slomix_pipeline.sample_data.proximity_files import (
    CLOCK_DRIFT_S,
    SCENARIO_BROKEN_LINES,
    SCENARIO_CLOCK_DRIFT,
    SCENARIO_V6,
    ProximityFileTruth,
    plan_proximity_files,
    proximity_truth,
    write_proximity_files,
)
from slomix_pipeline.sample_data.proximity_render import BROKEN_LINE_KINDS
from slomix_pipeline.sample_data.simulate import simulate

NAME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}-\d{6}-.+-round-[12]_engagements\.txt$")


@pytest.fixture(scope="module")
def corpus() -> SimCorpus:
    return simulate(seed=7, nights=3)


@pytest.fixture(scope="module")
def truth(corpus: SimCorpus) -> dict[str, ProximityFileTruth]:
    return proximity_truth(corpus)


def _folder(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / PROXIMITY_FOLDER).iterdir())}


def test_every_round_lands_once_under_the_tracker_name(corpus: SimCorpus, tmp_path: Path) -> None:
    written = write_proximity_files(corpus, tmp_path)
    files = _folder(tmp_path)
    assert written == len(files) == len(corpus.rounds) == 48
    assert all(NAME_RE.match(name) for name in files)
    for planned in plan_proximity_files(corpus):
        path = tmp_path / PROXIMITY_FOLDER / pf.render_planned(planned).name
        assert path.stat().st_mtime_ns == planned.received_at * 10**9
        assert 30 <= planned.received_at - planned.round.round_end_unix <= 300


def test_same_corpus_gives_byte_identical_files_and_keeps_mtimes(
    corpus: SimCorpus, tmp_path: Path
) -> None:
    write_proximity_files(corpus, tmp_path / "a")
    write_proximity_files(corpus, tmp_path / "b")
    assert _folder(tmp_path / "a") == _folder(tmp_path / "b")
    folder = tmp_path / "a" / PROXIMITY_FOLDER
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    write_proximity_files(corpus, tmp_path / "a")
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before


def test_v4_r2_files_say_round_1_and_the_truth_knows_better(
    corpus: SimCorpus, truth: dict[str, ProximityFileTruth]
) -> None:
    v4_r2 = [t for t in truth.values() if t.format_version == 4 and t.expected_round_number == 2]
    assert len(v4_r2) >= 10
    for t in v4_r2:
        assert t.header_round_number == 1 and t.file_name.endswith("-round-1_engagements.txt")
        assert t.expected_reason in {"corrected_exact_time", "corrected_within_tolerance"}
    r1 = [t for t in truth.values() if t.expected_round_number == 1]
    assert r1 and all(t.expected_reason == "confirmed_exact_time" for t in r1)


def test_each_planted_case_lands_once(
    corpus: SimCorpus, truth: dict[str, ProximityFileTruth]
) -> None:
    by_scenario = {t.scenario: t for t in truth.values() if t.scenario}
    assert set(by_scenario) == {
        SCENARIO_V6,
        SCENARIO_BROKEN_LINES,
        SCENARIO_CLOCK_DRIFT,
        pf.SCENARIO_V6_FULL,
        pf.SCENARIO_V5_UNDECLARED,
    }
    assert sum(t.scenario is not None for t in truth.values()) == 5
    full = by_scenario[pf.SCENARIO_V6_FULL]
    assert (full.format_version, full.expected_round_number) == (6, 1)
    assert len(full.render_truth.section_rows) == 24  # every later section, each with rows
    assert full.render_truth.declared is not None and all(
        on for _, on in full.render_truth.declared
    )
    v5 = by_scenario[pf.SCENARIO_V5_UNDECLARED]
    assert (v5.format_version, v5.render_truth.declared) == (5, None)
    assert v5.expected_reason == "confirmed_exact_time"
    v6 = by_scenario[SCENARIO_V6]
    assert (v6.format_version, v6.header_round_number, v6.expected_round_number) == (6, 2, 2)
    assert v6.expected_reason == "confirmed_exact_time"
    broken = by_scenario[SCENARIO_BROKEN_LINES]
    assert sorted(r for _, r in broken.broken_lines) == sorted(BROKEN_LINE_KINDS.values())
    assert all(not t.broken_lines for t in truth.values() if t is not broken)
    drift = by_scenario[SCENARIO_CLOCK_DRIFT]
    planned = next(p for p in plan_proximity_files(corpus) if p.scenario == SCENARIO_CLOCK_DRIFT)
    assert drift.round_end_unix == planned.round.round_end_unix + CLOCK_DRIFT_S
    assert drift.expected_reason == "corrected_within_tolerance"


def test_truth_agrees_with_what_the_files_contain(
    corpus: SimCorpus, truth: dict[str, ProximityFileTruth]
) -> None:
    for planned in plan_proximity_files(corpus):
        rendered = pf.render_planned(planned)
        t = truth[rendered.name]
        parsed = parse_proximity_file(rendered.name, rendered.data)
        assert parsed.header.round_number == t.header_round_number
        assert parsed.header.round_end_unix == t.round_end_unix
        assert parsed.header.position_sample_interval_ms == planned.spec.sample_interval_ms
        assert len(parsed.engagements) == t.engagement_lines
        assert len(parsed.lives) == t.lives == len(t.sprint_percentages)
        assert tuple((b.line_no, b.reason) for b in parsed.broken_lines) == t.broken_lines
        assert t.trade_events >= t.traded >= 0
        assert any(v for v in t.sprint_percentages.values()), rendered.name  # somebody sprinted


def test_stats_file_of_the_same_round_is_named_except_the_missing_r1(
    corpus: SimCorpus, truth: dict[str, ProximityFileTruth]
) -> None:
    missing = [t for t in truth.values() if t.stats_file_name is None]
    assert len(missing) == 1 and missing[0].expected_round_number == 1
    named = [t for t in truth.values() if t.stats_file_name]
    assert len({t.stats_file_name for t in named}) == len(named)
    for t in named:
        assert t.stats_file_name
        assert t.stats_file_name.endswith(f"-{t.map_name}-round-{t.expected_round_number}.txt")


def test_a_large_corpus_is_capped_and_spread(corpus: SimCorpus, monkeypatch) -> None:
    monkeypatch.setattr(pf, "MAX_PROXIMITY_FILES", 10)
    planned = plan_proximity_files(corpus)
    indices = [p.round_index for p in planned]
    assert len(planned) == 10 and indices == sorted(set(indices))
    assert indices[0] == 0 and indices[-1] >= len(corpus.rounds) * 8 // 10
    assert {p.scenario for p in planned if p.scenario} == {
        SCENARIO_V6,
        SCENARIO_BROKEN_LINES,
        SCENARIO_CLOCK_DRIFT,
        pf.SCENARIO_V6_FULL,
        pf.SCENARIO_V5_UNDECLARED,
    }


def test_default_generation_includes_proximity(tmp_path: Path) -> None:
    """Generation speed is a benchmark figure (bench/run.py prints it), not a unit-test assert."""
    report = generate_landing_zone(tmp_path, seed=7, nights=3)
    assert report.renderer_files["write_proximity_files"] == 48
    assert len(list((tmp_path / PROXIMITY_FOLDER).iterdir())) == 48
