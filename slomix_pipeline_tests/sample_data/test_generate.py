"""The landing-zone generator: byte-identical per seed, complete, hookable, fast."""

from __future__ import annotations

from pathlib import Path

from slomix_pipeline.landing.zone import STATS_FOLDER, TEMP_PREFIX, write_atomically
from slomix_pipeline.sample_data import (
    SimCorpus,
    expected_rejects,
    generate_landing_zone,
    round_truth,
)


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    generate_landing_zone(tmp_path / "a", seed=4, nights=2)
    generate_landing_zone(tmp_path / "b", seed=4, nights=2)
    a, b = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert a and a == b


def test_different_seed_gives_different_files(tmp_path: Path) -> None:
    generate_landing_zone(tmp_path / "a", seed=4, nights=1)
    generate_landing_zone(tmp_path / "b", seed=5, nights=1)
    assert tree(tmp_path / "a") != tree(tmp_path / "b")


def test_report_matches_what_is_on_disk(tmp_path: Path) -> None:
    report = generate_landing_zone(tmp_path)
    names = {p.name for p in (tmp_path / STATS_FOLDER).iterdir()}
    assert not any(n.startswith(TEMP_PREFIX) for n in names)
    assert report.files_written == {STATS_FOLDER: len(names)}
    endstats = {n for n in names if n.endswith("-endstats.txt")}
    assert report.endstats_files == len(endstats) > 0
    assert report.malformed == expected_rejects(report.corpus)
    assert set(report.malformed.values()) == {
        "header_only",
        "truncated_file",
        "malformed_player_line",
        "invalid_header",
    }
    assert set(report.malformed) <= names
    truth = round_truth(report.corpus)
    assert set(truth) == names - endstats - set(report.malformed)
    assert report.stats_files == len(truth)
    assert report.rounds_simulated == len(report.corpus.rounds) == len(truth) + 1
    assert len(report.orphan_r2_files) == 1 and len(report.missing_r1_files) == 1
    assert report.missing_r1_files[0] not in names
    assert truth[report.orphan_r2_files[0]].is_orphan_r2
    assert truth[report.orphan_r2_files[0]].r1_file_name is None


def test_without_malformed_files(tmp_path: Path) -> None:
    report = generate_landing_zone(tmp_path, nights=1, include_malformed=False)
    names = {p.name for p in (tmp_path / STATS_FOLDER).iterdir()}
    assert report.malformed == {}
    assert not set(expected_rejects(report.corpus)) & names


def test_extra_renderers_get_the_corpus_and_the_data_dir(tmp_path: Path) -> None:
    seen: list[tuple[SimCorpus, Path]] = []

    def lua_drops(corpus: SimCorpus, data_dir: Path) -> int:
        seen.append((corpus, data_dir))
        for r in corpus.rounds[:2]:
            write_atomically(data_dir / "webhook_drops", f"{r.round_end_unix}.json", b"{}")
        return 2

    report = generate_landing_zone(tmp_path, nights=1, extra_renderers=[lua_drops, lua_drops])
    assert report.renderer_files == {"lua_drops": 2, "lua_drops#2": 2}
    assert len(seen) == 2 and seen[0][0] is report.corpus and seen[0][1] == tmp_path
    assert len(list((tmp_path / "webhook_drops").iterdir())) == 2


def test_regenerating_leaves_identical_files_untouched(tmp_path: Path) -> None:
    generate_landing_zone(tmp_path, nights=1)
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / STATS_FOLDER).iterdir()}
    generate_landing_zone(tmp_path, nights=1)
    after = {p.name: p.stat().st_mtime_ns for p in (tmp_path / STATS_FOLDER).iterdir()}
    assert before == after


def test_a_thousand_round_corpus_can_be_generated(tmp_path: Path) -> None:
    """The benchmark's corpus size works; its generation time is printed by bench/run.py."""
    report = generate_landing_zone(tmp_path, nights=3, rounds_per_night=334, extra_renderers=())
    assert report.rounds_simulated >= 1000
    assert report.stats_files >= 999
