"""Clean section lines go to PostgreSQL as written (``formats.proximity_sections.raw``); every
stored value must equal the parsed one, on SQLite and PostgreSQL, whether a section took the raw
path or the rendering of its typed values (a line the strict grammar refuses)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from slomix_pipeline.config import load_settings
from slomix_pipeline.formats.proximity import parse_proximity_file
from slomix_pipeline.formats.proximity_sections import SECTION_SPECS, SectionLines, parse_section
from slomix_pipeline.ingest.proximity import ingest_proximity_days
from slomix_pipeline.landing.zone import PROXIMITY_FOLDER, write_atomically
from slomix_pipeline.warehouse.engine import open_warehouse
from slomix_pipeline.warehouse.schema_proximity_sections import SECTION_TABLE_OF
from slomix_pipeline_tests.formats.test_proximity import HEADER_V4, build
from slomix_pipeline_tests.formats.test_proximity_sections import EXAMPLES

NAME = "2026-02-11-220202-supply-round-1_engagements.txt"
DAY = date(2026, 2, 11)
# Lines the grammar accepts with the awkward values PostgreSQL must read exactly as Python did.
CLEAN_EDGES = {
    "COMM_EVENTS": [
        '77301;A1B2C3D4;"Quote" \\back, comma;ALLIES;vsay;',  # quote, backslash, NULL arg
        "77302;A1B2C3D4;;ALLIES;say; padded x",  # empty NOT NULL text, spaces kept
        "+77303;A1B2C3D4;J\ufffdo;AXIS;say;ok",  # sign, a replacement character
    ],
    "SHOT_FIRED": ["0084020;A1B2C3D4;8;-0;2049;24;-0.0;5.", "1;B;8;1;2;3;0.1;-89.999999999999"],
    "REACTION_METRICS": ["43;A1B2C3D4;Joe;ALLIES;MEDIC;killed;2;;;;81250;84100;2850"],
}
# Lines Python reads but the grammar refuses: their section is rendered from typed values.
UNCLEAN = {
    "HIT_REGIONS": ["91201;A1B2C3D4;Joe;B2C3D4E5;Rambo;8;0;5_0"],  # int() takes the underscore
    "TEAM_PUSHES": ["95001;97000;AXIS;1e-400;0.707;-0.707;.5;0.581;4;x"],  # underflow, '.5'
    "SPAWN_SELECT": ["61201;A1B2C3D4;Joe;ALLIES;\u0664;903450"],  # an Arabic-Indic four
    # A carriage return inside a name: a line end to PostgreSQL's CSV reader, so never raw.
    "TRADE_KILLS": ["80101;81351;1250;C3D4E5F6;A\rce;B2C3D4E5;Rambo;A1B2C3D4;Joe"],
}


def sections() -> dict[str, list[str]]:
    out = {marker: [line] for marker, line in EXAMPLES.items()}
    for extra in (CLEAN_EDGES, UNCLEAN):
        for marker, lines in extra.items():
            out[marker] = out[marker] + lines
    return out


def data() -> bytes:
    header = ["# PROXIMITY_TRACKER_V6", *HEADER_V4[1:]]
    return build(header=header, extra=list(sections().items()))


def test_the_grammar_decides_which_sections_go_raw() -> None:
    parsed = parse_proximity_file(NAME, data())
    assert parsed.broken_lines == ()
    raw = {m for m, s in parsed.sections.items() if s.raw is not None}
    never = {m for m, spec in SECTION_SPECS.items() if any(f.kind == "I" for f in spec.fields)}
    assert never == {"AIM_LOCK", "OBJECTIVE_RUNS"}
    assert raw == set(EXAMPLES) - set(UNCLEAN) - never
    shots = parsed.sections["SHOT_FIRED"]
    assert shots.raw == tuple(sections()["SHOT_FIRED"])
    assert [r[1:-1] for r in shots.rows[1:]] == [
        (84020, "A1B2C3D4", 8, 0, 2049, 24, -0.0, 5.0),
        (1, "B", 8, 1, 2, 3, 0.1, -89.999999999999),
    ]


def test_a_section_with_extra_fields_or_a_dropped_line_is_not_raw() -> None:
    spec = SECTION_SPECS["COMM_EVENTS"]
    extra = parse_section(spec, SectionLines("COMM_EVENTS", 1, None, [(2, "1;G;N;T;c;a;more")]))
    assert len(extra.rows) == 1 and extra.raw is None
    lines = [(2, EXAMPLES["COMM_EVENTS"]), (3, "x;G;N;T;c;a")]
    dropped = parse_section(spec, SectionLines("COMM_EVENTS", 1, None, lines))
    assert len(dropped.rows) == 1 and dropped.raw is None


@pytest.fixture()
def stored(tmp_path: Path, warehouse_url: str) -> dict[str, list[dict[str, Any]]]:
    zone = tmp_path / "zone"
    write_atomically(zone / PROXIMITY_FOLDER, NAME, data())
    engine = open_warehouse(warehouse_url)
    report = ingest_proximity_days(
        engine, zone, [DAY], load_settings({"SLOMIX_DATA_DIR": str(zone)})
    )
    assert report.status_counts() == {"loaded": 1}
    out: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        for marker, table in SECTION_TABLE_OF.items():
            query = select(table).order_by(table.c.source_line)
            out[marker] = [dict(r._mapping) for r in conn.execute(query)]
    engine.dispose()
    return out


def test_every_stored_value_equals_the_parsed_one(stored: dict[str, list[dict[str, Any]]]) -> None:
    parsed = parse_proximity_file(NAME, data())
    compared = 0
    for marker, section in parsed.sections.items():
        names = ("source_line", *section.spec.names, "out_of_range")
        expected = [dict(zip(names, row, strict=True)) for row in section.rows]
        got = [{name: r[name] for name in names} for r in stored[marker]]
        assert got == expected, marker
        for row in got:  # types too: -0.0 == 0 would hide an integer stored for a float
            for name, value in row.items():
                compared += 1
                assert type(value) is type(expected[got.index(row)][name]), (marker, name)
        assert {r["source_file"] for r in stored[marker]} == {NAME}
        assert {(r["gaming_day"], r["round_id"], r["round_number"]) for r in stored[marker]} == {
            (DAY, None, 1)
        }  # no stats round here: unlinked, the header's round kept
    assert compared > 300
    comm = {r["source_line"]: r for r in stored["COMM_EVENTS"]}
    assert [r["player_name"] for r in comm.values()][1:] == [
        '"Quote" \\back, comma',
        "",
        "J\ufffdo",
    ]
    assert [r["arg"] for r in comm.values()][1:] == [None, " padded x", "ok"]
