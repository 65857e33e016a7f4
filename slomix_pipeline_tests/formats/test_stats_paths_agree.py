"""The stats parser's fast paths are optimisations only: on every generated sample file (the
default nights, malformed files included) and on those files with hostile tokens spliced into
their player lines, parsing gives exactly what the reference path alone gives: the same records
(values and types), the same warnings, or the same rejection reason and detail."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from slomix_pipeline.formats.stats import parser as sf
from slomix_pipeline.landing.zone import STATS_FOLDER
from slomix_pipeline.sample_data.generate import generate_landing_zone
from slomix_pipeline_tests.formats.test_fuzz import HOSTILE


def _outcome(name: str, data: bytes) -> tuple[str, object]:
    try:
        return "parsed", sf.parse_stats_file(name, data)
    except sf.StatsFileRejected as exc:
        return exc.reason, exc.detail


def _typed(outcome: tuple[str, object]) -> object:
    """The outcome plus every player's field types (1 == 1.0, but an int is not a float)."""
    _kind, value = outcome
    if not isinstance(value, sf.ParsedStatsFile):
        return outcome
    return outcome, [
        [type(getattr(p, f)) for f in sf.PlayerLine.__dataclass_fields__] for p in value.players
    ]


def _reference_only(monkeypatch: pytest.MonkeyPatch, name: str, data: bytes) -> object:
    with monkeypatch.context() as patch:
        patch.setattr(sf, "parse_rows_fast", lambda rows, warnings: None)
        patch.setattr(sf, "_parse_player_line_fast", lambda line, number, warnings: None)
        return _typed(_outcome(name, data))


def _per_line_only(monkeypatch: pytest.MonkeyPatch, name: str, data: bytes) -> object:
    """The per-line fast path (with its reference fallback), the whole-file path switched off."""
    with monkeypatch.context() as patch:
        patch.setattr(sf, "parse_rows_fast", lambda rows, warnings: None)
        return _typed(_outcome(name, data))


@pytest.fixture(scope="module")
def sample_files(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, bytes]]:
    zone = tmp_path_factory.mktemp("zone")
    generate_landing_zone(zone, extra_renderers=())  # default nights, malformed files included
    files = sorted((zone / STATS_FOLDER).iterdir())
    stats = [(p.name, p.read_bytes()) for p in files if p.name.endswith("-round-1.txt")]
    stats += [(p.name, p.read_bytes()) for p in files if p.name.endswith("-round-2.txt")]
    assert len(stats) > 50
    return stats


# Legal-looking tokens at the edges of the fast path's tables and bounds: some parse, some not.
EDGES: tuple[bytes, ...] = (
    b"01",
    b"+4",
    b"9999",
    b"10000",
    b"2147483647",
    b"2147483648",
    b"0.50",
    b"1.",
    b".5",
    b"999.9",
    b"1000.0",
    b"\xd9\xa3",  # ARABIC-INDIC DIGIT THREE
    # the whole-file path's own bounds: leading zeros, long digit runs, tenths, empty tokens
    b"007",
    b"00000000007",
    b"0000000000000000007",
    b"12345678901",
    b"12.34",
    b"02.5",
    b"214748364.7",
    b"214748364.8",
    b"0.0",
    b"",
    b"5\t",
    b" 5",
)


def _spliced(
    data: bytes, rng: random.Random, tokens: tuple[bytes, ...] = HOSTILE, sep: bytes = b" "
) -> bytes:
    """One of ``tokens`` written over a random ``sep``-separated token of a random player line.

    ``sep`` b" " reaches the weapon values, b"\t" the 38 TAB fields.
    """
    lines = data.split(b"\n")
    if len(lines) < 3:
        return data + rng.choice(tokens)
    index = rng.randrange(1, len(lines) - 1)
    words = lines[index].split(sep)
    words[rng.randrange(len(words))] = rng.choice(tokens)
    lines[index] = sep.join(words)
    return b"\n".join(lines)


def test_every_sample_file_parses_as_the_reference_path_alone_parses_it(
    sample_files: list[tuple[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    kinds = []
    for name, data in sample_files:
        outcome = _outcome(name, data)
        assert _typed(outcome) == _reference_only(monkeypatch, name, data), name
        kinds.append(outcome[0])
    assert kinds.count("parsed") >= len(sample_files) // 2  # the fast path is really taken
    assert len(set(kinds)) > 1  # and the malformed sample files are among them


def test_sample_files_with_hostile_tokens_parse_as_the_reference_path_alone(
    sample_files: list[tuple[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(13)
    kinds = []
    for name, data in sample_files:
        hostile = _spliced(data, rng)
        outcome = _outcome(name, hostile)
        assert _typed(outcome) == _reference_only(monkeypatch, name, hostile), name
        kinds.append(outcome[0])
    assert "malformed_player_line" in kinds  # the splices do reach the rejection paths


def test_sample_files_with_edge_tokens_parse_as_the_reference_path_alone(
    sample_files: list[tuple[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(17)
    kinds = []
    for _ in range(3):
        for name, data in sample_files:
            edged = _spliced(data, rng, EDGES)
            outcome = _outcome(name, edged)
            assert _typed(outcome) == _reference_only(monkeypatch, name, edged), name
            kinds.append(outcome[0])
    assert "parsed" in kinds
    assert "malformed_player_line" in kinds


def test_the_whole_file_path_takes_clean_files_and_agrees_with_the_per_line_path(
    sample_files: list[tuple[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = []
    real = sf.parse_rows_fast

    def counting(rows: list[tuple[int, bytes]], warnings: list[str]) -> object:
        players = real(rows, warnings)
        taken.append(players is not None)
        return players

    for name, data in sample_files:
        with monkeypatch.context() as patch:
            patch.setattr(sf, "parse_rows_fast", counting)
            outcome = _typed(_outcome(name, data))
        assert outcome == _per_line_only(monkeypatch, name, data), name
    assert sum(taken) >= len(sample_files) // 2  # clean files go the whole-file way


@pytest.mark.parametrize("sep", [b" ", b"\t"])
def test_sample_files_with_edge_tokens_in_either_block_parse_as_the_reference_path_alone(
    sample_files: list[tuple[str, bytes]], monkeypatch: pytest.MonkeyPatch, sep: bytes
) -> None:
    rng = random.Random(19 if sep == b" " else 23)
    kinds = []
    for _ in range(3):
        for name, data in sample_files:
            edged = _spliced(data, rng, EDGES, sep)
            outcome = _outcome(name, edged)
            assert _typed(outcome) == _reference_only(monkeypatch, name, edged), name
            kinds.append(outcome[0])
    assert "parsed" in kinds
    assert "malformed_player_line" in kinds


def test_importing_the_parser_does_not_import_numpy() -> None:
    # The whole-file path imports numpy on first use, so the daemon's sensors never pay for it.
    code = (
        "import sys, slomix_pipeline.formats.stats_file, slomix_pipeline.domain.differential;"
        "assert 'numpy' not in sys.modules, 'numpy imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
