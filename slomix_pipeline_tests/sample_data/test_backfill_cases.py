"""The backfill cases are planted deterministically and change only what they say they change."""

from __future__ import annotations

import json
from pathlib import Path

from slomix_pipeline.landing.zone import GAMETIMES_FOLDER, WEBHOOK_FOLDER
from slomix_pipeline.sample_data import generate_landing_zone
from slomix_pipeline.sample_data.backfill_cases import (
    CAP_SHIFT_S,
    IMPORT_DELAY_S,
    RESTART_PLAYTIME_S,
    plan_backfill_cases,
    write_backfill_cases,
)
from slomix_pipeline.sample_data.generate import default_renderers


def test_cases_are_planted_as_planned(tmp_path: Path) -> None:
    zone = tmp_path / "zone"
    renderers = (*default_renderers(), write_backfill_cases)
    report = generate_landing_zone(zone, seed=7, nights=4, extra_renderers=renderers)
    cases = plan_backfill_cases(report.corpus)
    assert cases == plan_backfill_cases(report.corpus)  # pure and deterministic
    assert len(cases.restart_captures) == 4
    assert len(cases.r2_without_lua) == 2 and len(cases.capped_warmups) == 2
    for _day, spec in cases.restart_captures:
        assert spec.actual_duration_seconds == RESTART_PLAYTIME_S and spec.winner == 0
    rewritten = {(folder, name) for folder, name, *_ in cases.written}
    for folder, name in set(cases.removed) - rewritten:
        assert not (zone / folder / name).exists()
    imported = (max(r.round_end_unix for r in report.corpus.rounds) + IMPORT_DELAY_S) * 10**9
    for folder, name, data, at in cases.written:
        path = zone / folder / name
        # Its landing time, or the import time when it belongs to the night copied afresh.
        assert path.read_bytes() == data and path.stat().st_mtime_ns in (at * 10**9, imported)
    for _day, _key, spec in cases.capped_warmups:
        assert spec.actual_duration_seconds == round(spec.timelimit_minutes * 60)
        gametime = next(
            json.loads(data)
            for folder, name, data, _ in cases.written
            if folder == GAMETIMES_FOLDER and name.endswith(f"-{spec.round_end_unix}.json")
        )
        assert gametime["meta"]["round_start_unix"] == spec.round_start_unix
        assert gametime["meta"]["warmup_seconds"] >= CAP_SHIFT_S
    assert any(folder == WEBHOOK_FOLDER for folder, *_ in cases.written)
