"""``slomix-pipeline sample-data`` prints a readable summary, not a dataclass repr."""

from __future__ import annotations

from pathlib import Path

import pytest

from slomix_pipeline.cli import main


def test_sample_data_prints_a_readable_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sample-data", "--data-dir", str(tmp_path / "zone"), "--nights", "1"]) == 0
    out = capsys.readouterr().out
    assert "GenerationReport(" not in out and "corpus" not in out
    assert "files per folder:" in out
    assert "local_stats" in out
    assert "deliberately malformed" in out
