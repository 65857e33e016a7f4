"""Every figure derived from a section honours that section's capability state, in the warehouse
(SQLite and PostgreSQL): ``enabled`` -> the value (a true 0 included), ``disabled`` or
``unknown`` -> NULL (``proximity-v5-v6.md`` §6.2: "show not captured, never 0")."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from slomix_pipeline.config import load_settings
from slomix_pipeline.domain.proximity import derive
from slomix_pipeline.formats.proximity import parse_proximity_file
from slomix_pipeline.formats.proximity_sections import CAPABILITY_FLAGS
from slomix_pipeline.ingest.proximity import ingest_proximity_days
from slomix_pipeline.landing.zone import PROXIMITY_FOLDER, write_atomically
from slomix_pipeline.warehouse.engine import open_warehouse
from slomix_pipeline.warehouse.schema_proximity import (
    combat_engagement,
    proximity_files,
    proximity_support_summary,
)
from slomix_pipeline.warehouse.schema_proximity_sections import (
    proximity_player_sections,
    proximity_section_capability,
)
from slomix_pipeline_tests.formats.test_proximity import ENGAGEMENT, HEADER_V4, TRACK, build

DAY = date(2026, 2, 11)
ENGAGEMENT_FIGURES = ("engagement_lines", "combat_engagements", "excluded_engagements")
SHOT = "84020;AAAA1111;8;-118;2049;24;37.25;-3.10"


def _v6(caps: dict[str, int] | None) -> list[str]:
    head = ["# PROXIMITY_TRACKER_V6", *HEADER_V4[1:]]
    if caps is not None:
        head += [
            "# tracker_version_full=6.11",
            "# test_mode=0",
            "# capabilities=" + ",".join(f"{f}:{caps.get(f, 1)}" for f in CAPABILITY_FLAGS),
        ]
    return head


FILES: dict[str, bytes] = {
    # engagement_tracking declared off: no engagement lines, tracks only.
    "2026-02-11-220202-supply-round-1_engagements.txt": build(
        header=_v6({"engagement_tracking": 0, "shot_fired": 0}), engagements=()
    ),
    # declared on, nothing happened: a measured zero.
    "2026-02-11-221202-supply-round-2_engagements.txt": build(
        header=_v6({}), engagements=(), extra=[("SHOT_FIRED", [])]
    ),
    # no declaration, no engagement row: unknown.
    "2026-02-11-222202-supply-round-1_engagements.txt": build(
        header=["# PROXIMITY_TRACKER_V5", *HEADER_V4[1:]], engagements=()
    ),
    # no declaration, rows: enabled by evidence.
    "2026-02-11-223202-supply-round-2_engagements.txt": build(
        header=["# PROXIMITY_TRACKER_V5", *HEADER_V4[1:]],
        engagements=(ENGAGEMENT,),
        extra=[("SHOT_FIRED", [SHOT])],
    ),
    # engagements on, crossfire_detection declared off: is_crossfire not measured.
    "2026-02-11-224202-supply-round-1_engagements.txt": build(
        header=_v6({"crossfire_detection": 0}), engagements=(ENGAGEMENT,)
    ),
}
STATE = dict(zip(FILES, ("disabled", "enabled", "unknown", "enabled", "enabled"), strict=True))


def _distinct(data: bytes, n: int) -> bytes:
    """The files share a header; distinct round times keep them distinct rounds."""
    return data.replace(b"=1770843", f"=177084{3 + n}".encode())


@pytest.fixture()
def loaded(tmp_path: Path, warehouse_url: str) -> dict[str, dict[str, Any]]:
    zone = tmp_path / "zone"
    for n, (name, data) in enumerate(FILES.items()):
        write_atomically(zone / PROXIMITY_FOLDER, name, _distinct(data, n))
    engine = open_warehouse(warehouse_url)
    settings = load_settings({"SLOMIX_DATA_DIR": str(zone)})
    report = ingest_proximity_days(engine, zone, [DAY], settings)
    assert report.status_counts() == {"loaded": len(FILES)}, report.reason_counts()
    out: dict[str, dict[str, Any]] = {name: {} for name in FILES}
    with engine.connect() as conn:
        for row in conn.execute(select(proximity_files)):
            out[row.source_file]["file"] = dict(row._mapping)
        for row in conn.execute(select(proximity_support_summary)):
            out[row.source_file]["support"] = dict(row._mapping)
        caps = proximity_section_capability
        query = select(caps.c.source_file, caps.c.state).where(caps.c.name == "ENGAGEMENTS")
        for source_file, state in conn.execute(query):
            out[source_file]["state"] = state
        for row in conn.execute(select(combat_engagement)):
            out[row.source_file].setdefault("engagements", []).append(dict(row._mapping))
        for row in conn.execute(select(proximity_player_sections)):
            out[row.source_file].setdefault("players", []).append(dict(row._mapping))
    engine.dispose()
    return out


def test_engagement_figures_are_null_unless_engagements_were_captured(
    loaded: dict[str, dict[str, Any]],
) -> None:
    for name, got in loaded.items():
        assert got["state"] == STATE[name], name
        figures = [got["file"][f] for f in (*ENGAGEMENT_FIGURES, "trade_events")]
        support = got["support"]
        if STATE[name] == "enabled":
            assert None not in figures, name
            assert support["support_samples"] is not None, name
        else:
            assert figures == [None] * 4, name
            assert support["support_samples"] is None, name
            assert support["support_uptime_pct"] is None, name
        # The tracks are always written: measured in every state.
        assert got["file"]["player_tracks"] == 1 and support["total_samples"] == 6, name


def test_enabled_values_are_the_counts_and_a_declared_on_empty_section_is_zero(
    loaded: dict[str, dict[str, Any]],
) -> None:
    on_empty, evidence = (loaded[n]["file"] for n in list(FILES)[1::2])
    assert [on_empty[f] for f in ENGAGEMENT_FIGURES] == [0, 0, 0]
    assert on_empty["trade_events"] == 0
    assert [evidence[f] for f in ENGAGEMENT_FIGURES] == [1, 1, 0]


def test_player_figures_follow_their_own_sections_state(
    loaded: dict[str, dict[str, Any]],
) -> None:
    shots = {name: [p["shots_fired"] for p in got["players"]] for name, got in loaded.items()}
    off, on_empty, unknown, evidence = (shots[n] for n in list(FILES)[:4])
    assert off == [None] and unknown == [None]
    assert on_empty == [0]  # declared on and no row: a true zero
    assert evidence == [1]  # undeclared, one row: enabled by evidence


def test_derive_alone_honours_the_engagements_state() -> None:
    names = list(FILES)
    off = derive(parse_proximity_file(names[0], FILES[names[0]]))
    on = derive(parse_proximity_file(names[1], FILES[names[1]]))
    assert off.support_summaries[0].support_samples is None
    assert off.support_summaries[0].support_uptime_pct is None
    assert on.support_summaries[0].support_samples == 0  # measured: nobody was in combat
    assert on.support_summaries[0].support_uptime_pct == 0.0
    forced = derive(parse_proximity_file(names[1], FILES[names[1]]), engagements_captured=False)
    assert forced.support_summaries[0].support_samples is None
    assert TRACK in FILES[names[0]].decode()


def test_crossfire_is_null_only_when_crossfire_detection_is_declared_off(
    loaded: dict[str, dict[str, Any]],
) -> None:
    undeclared, declared_off = (loaded[n] for n in list(FILES)[3:])
    (measured,) = undeclared["engagements"]  # V5, no declaration: the line's own values
    assert (measured["is_crossfire"], measured["crossfire_delay_ms"]) == (True, 400)
    assert measured["crossfire_participants"] is not None
    (off,) = declared_off["engagements"]
    assert (off["is_crossfire"], off["crossfire_delay_ms"], off["crossfire_participants"]) == (
        None,
        None,
        None,
    )
    assert declared_off["file"]["combat_engagements"] == 1  # the engagement itself was captured
