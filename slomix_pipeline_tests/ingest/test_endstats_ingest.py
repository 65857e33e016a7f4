"""Endstats ingestion end to end on SQLite and PostgreSQL: the sample nights against the
generator's truth, idempotent re-runs, split pairs merged, duplicates superseded, unlinked files
with their reason, rejected files and lines recorded."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from slomix_pipeline.config import Settings, load_settings
from slomix_pipeline.domain.identity import round_key
from slomix_pipeline.domain.maps import map_key
from slomix_pipeline.ingest.endstats import ingest_endstats_days
from slomix_pipeline.ingest.stats_files import ingest_stats_days
from slomix_pipeline.landing.zone import STATS_FOLDER, write_atomically
from slomix_pipeline.runner import landed_stats_days
from slomix_pipeline.sample_data import generate_landing_zone, round_truth
from slomix_pipeline.sample_data.endstats_render import EndstatsTruth, endstats_truth
from slomix_pipeline.sample_data.model import SimCorpus
from slomix_pipeline.warehouse import schema_endstats
from slomix_pipeline.warehouse.engine import open_warehouse
from slomix_pipeline_tests.tabledump import dump_tables

TABLES = list(schema_endstats.ENDSTATS_TABLES)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, SimCorpus]:
    zone = tmp_path_factory.mktemp("endstats_zone")
    report = generate_landing_zone(zone, seed=7, nights=3, extra_renderers=())
    return zone, report.corpus


def settings(zone: Path) -> Settings:
    return load_settings({"SLOMIX_DATA_DIR": str(zone)})


def rows(engine: Engine, table: Any) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(table))]


def load(engine: Engine, zone: Path) -> list[date]:
    days = landed_stats_days(zone, settings(zone))
    ingest_stats_days(engine, zone, days, settings(zone))
    ingest_endstats_days(engine, zone, days, settings(zone))
    return days


def test_sample_nights_match_the_truth(sample: tuple[Path, SimCorpus], warehouse_url: str) -> None:
    zone, corpus = sample
    engine = open_warehouse(warehouse_url)
    load(engine, zone)
    truth = endstats_truth(corpus)
    stats = {t.endstats_file_name: t for t in round_truth(corpus).values() if t.endstats_file_name}
    ledger = {r["source_file"]: r for r in rows(engine, schema_endstats.endstats_files)}
    assert set(ledger) == set(truth) and len(truth) > 20
    awards = Counter(r["source_file"] for r in rows(engine, schema_endstats.round_awards))
    vs = Counter(r["source_file"] for r in rows(engine, schema_endstats.round_vs_stats))
    checked_winners = 0
    by_file_award = {
        (r["source_file"], r["award_order"]): r for r in rows(engine, schema_endstats.round_awards)
    }
    for name, t in truth.items():
        row = ledger[name]
        st = stats.get(name)
        if st is None:  # the orphan's R1 side-car does not exist; every listed file has a round
            pytest.fail(f"{name} has no stats file in the truth")
        assert row["status"] == "linked", (name, row["reason"])
        assert row["round_key"] == round_key(st.local_time, map_key(st.map_name), st.round_number)
        assert (row["award_lines"], row["versus_rows"], row["subjects"]) == (
            len(t.awards),
            t.versus_rows,
            t.subjects,
        )
        assert awards[name] == len(t.awards) and vs[name] == t.versus_rows
        key_of = {p.guid32: key for key, p in st.players.items()}
        for order, expected in enumerate(t.awards, start=1):
            stored = by_file_award[(name, order)]
            assert (stored["award_name"], stored["raw_award_name"], stored["award_status"]) == (
                expected.award_name,
                expected.raw_label,
                expected.status,
            )
            assert stored["award_value_numeric"] == pytest.approx(expected.value)
            if expected.winner_guid32 is not None:
                assert stored["player_guid"] == key_of[expected.winner_guid32]
                assert stored["player_guid_status"] == "resolved"
                checked_winners += 1
    assert checked_winners > 300
    scopes = {(r["round_number"], r["scope"]) for r in rows(engine, schema_endstats.round_awards)}
    assert {(1, "r1"), (2, "r1_plus_r2"), (2, "r2_only")} <= scopes
    relabelled = [
        r
        for r in rows(engine, schema_endstats.round_awards)
        if r["award_name"] != r["raw_award_name"]
    ]
    assert relabelled and all(r["raw_award_name"] == "Most objectives stolen" for r in relabelled)


def test_versus_rows_have_subjects_and_mirror_each_other(
    sample: tuple[Path, SimCorpus], warehouse_url: str
) -> None:
    zone, _ = sample
    engine = open_warehouse(warehouse_url)
    load(engine, zone)
    vs = rows(engine, schema_endstats.round_vs_stats)
    assert vs and all(r["subject_guid_status"] == "vs_header" or r["subject_guid"] for r in vs)
    assert all(r["player_guid_status"] == "resolved" for r in vs)
    cell = {(r["round_id"], r["subject_guid"], r["player_guid"]): r for r in vs}
    for (rid, subject, opponent), r in cell.items():
        mirror = cell.get((rid, opponent, subject))
        assert mirror is not None, r
        assert (mirror["kills"], mirror["deaths"]) == (r["deaths"], r["kills"])


def test_rerun_and_per_day_runs_give_identical_tables(
    sample: tuple[Path, SimCorpus], warehouse_url: str
) -> None:
    zone, _ = sample
    engine = open_warehouse(warehouse_url)
    days = load(engine, zone)
    first = dump_tables(engine, TABLES)
    assert first["round_awards"]
    ingest_endstats_days(engine, zone, days, settings(zone))
    assert dump_tables(engine, TABLES) == first
    for day in reversed(days):
        ingest_endstats_days(engine, zone, [day], settings(zone))
    assert dump_tables(engine, TABLES) == first


def _copy(sample: tuple[Path, SimCorpus], tmp_path: Path) -> tuple[Path, dict[str, EndstatsTruth]]:
    zone = tmp_path / "zone"
    shutil.copytree(sample[0], zone)
    return zone, endstats_truth(sample[1])


def _shift(name: str, seconds: int) -> str:
    stamp = name[:17]
    hh, mm, ss = int(stamp[11:13]), int(stamp[13:15]), int(stamp[15:17]) + seconds
    return f"{stamp[:11]}{hh:02d}{mm:02d}{ss:02d}{name[17:]}"


def test_split_pair_is_merged_into_one_round(
    sample: tuple[Path, SimCorpus], tmp_path: Path, warehouse_url: str
) -> None:
    zone, truth = _copy(sample, tmp_path)
    name = next(n for n, t in truth.items() if t.round_number == 2 and int(n[15:17]) < 50)
    folder = zone / STATS_FOLDER
    text = (folder / name).read_text()
    cut = text.index("VS_HEADER")
    second = text[cut:].index("VS_HEADER", 1) + cut
    (folder / name).unlink()
    part_b = _shift(name, 1)
    write_atomically(folder, name, text[:second].encode())  # awards + first block
    write_atomically(folder, part_b, text[second:].encode())  # the other blocks, 1 s later
    engine = open_warehouse(warehouse_url)
    load(engine, zone)
    ledger = {r["source_file"]: r for r in rows(engine, schema_endstats.endstats_files)}
    a, b = ledger[name], ledger[part_b]
    assert a["status"] == b["status"] == "linked" and a["round_id"] == b["round_id"]
    assert (a["merged_with"], b["merged_with"]) == (part_b, name)
    vs = [r for r in rows(engine, schema_endstats.round_vs_stats) if r["round_id"] == a["round_id"]]
    assert len(vs) == truth[name].versus_rows  # the union, nothing lost


def test_second_file_for_a_round_is_superseded_and_unlinked_files_say_why(
    sample: tuple[Path, SimCorpus], tmp_path: Path, warehouse_url: str
) -> None:
    zone, truth = _copy(sample, tmp_path)
    folder = zone / STATS_FOLDER
    name = next(n for n, t in truth.items() if t.round_number == 1 and int(n[15:17]) < 50)
    poorer = _shift(name, 3)
    write_atomically(folder, poorer, b"Most deaths\tNobody\t3\n")
    lonely = "2026-02-10-120000-supply-round-1-endstats.txt"  # no stats round near it
    write_atomically(folder, lonely, b"Most deaths\tNobody\t3\n\nMost hugs\tX\t1\n")
    write_atomically(folder, "2026-02-10-120500-supply-round-1-endstats.txt", b"")
    engine = open_warehouse(warehouse_url)
    load(engine, zone)
    ledger = {r["source_file"]: r for r in rows(engine, schema_endstats.endstats_files)}
    assert ledger[name]["status"] == "linked"
    assert ledger[poorer]["status"] == "superseded"
    assert ledger[poorer]["reason"] == f"superseded_by: {name}"
    assert ledger[lonely]["status"] == "unlinked" and ledger[lonely]["reason"] == "no_stats_round"
    assert ledger[lonely]["rejected_lines"] == 2
    assert ledger[lonely]["rejected_details"] == "2:blank_line; 3:unknown_award"
    empty = ledger["2026-02-10-120500-supply-round-1-endstats.txt"]
    assert empty["status"] == "rejected" and empty["reason"].startswith("no_records")
    stored = [r for r in rows(engine, schema_endstats.round_awards) if r["source_file"] == poorer]
    assert stored and stored[0]["round_id"] is None  # kept, but not linked
    lonely_rows = [
        r for r in rows(engine, schema_endstats.round_awards) if r["source_file"] == lonely
    ]
    assert lonely_rows[0]["player_guid_status"] == "no_round"


def test_file_waits_unlinked_until_its_stats_file_is_loaded(
    sample: tuple[Path, SimCorpus], tmp_path: Path, warehouse_url: str
) -> None:
    """No fallback to another play of the map: the file stays unlinked with its reason, and a
    re-run after the stats file landed links it (the rule only looks at file times)."""
    zone, _ = _copy(sample, tmp_path)
    stats = {t.endstats_file_name: t for t in round_truth(sample[1]).values()}
    name, t = next((n, t) for n, t in stats.items() if n and t.round_number == 1)
    held = zone.parent / t.file_name
    (zone / STATS_FOLDER / t.file_name).rename(held)
    engine = open_warehouse(warehouse_url)
    days = load(engine, zone)
    ledger = {r["source_file"]: r for r in rows(engine, schema_endstats.endstats_files)}
    assert (ledger[name]["status"], ledger[name]["reason"]) == ("unlinked", "no_stats_round")
    held.rename(zone / STATS_FOLDER / t.file_name)
    ingest_stats_days(engine, zone, days, settings(zone))
    ingest_endstats_days(engine, zone, days, settings(zone))
    ledger = {r["source_file"]: r for r in rows(engine, schema_endstats.endstats_files)}
    assert ledger[name]["status"] == "linked"
    assert ledger[name]["round_key"] == round_key(t.local_time, map_key(t.map_name), 1)
