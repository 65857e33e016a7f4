"""A stats file cut exactly at a line boundary, in a three-day range, on SQLite and PostgreSQL.

The cut R1 is still a valid file with fewer players. The property: the run succeeds and builds
every day's sessions; ``stats_file_complete`` warns on the cut file's day only, naming the round,
the missing players (those the endstats side-car names) and the R2 whose rows keep both halves;
the other days pass; every day-partitioned table equals the clean run outside the cut day (the
career datasets span every day, the cut one included), and on the cut day
``rounds`` and ``processed_files`` (but for the file's size and hash) are unchanged while the
cut round's player rows are exactly the clean ones minus the missing players.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
from dagster._core.event_api import PartitionKeyFilter
from sqlalchemy import Table, select

from slomix_pipeline.config import load_settings
from slomix_pipeline.domain.identity import round_key
from slomix_pipeline.domain.maps import map_key
from slomix_pipeline.domain.stats_completeness import PLAYERS_MISSING
from slomix_pipeline.formats.acknowledgements import render_acknowledgements
from slomix_pipeline.runner import landed_stats_days, materialize_range
from slomix_pipeline.sample_data import generate_landing_zone
from slomix_pipeline.sample_data.acknowledgements import known_losses
from slomix_pipeline.sample_data.model import SimMapPlay
from slomix_pipeline.sample_data.stats_writer import endstats_file_name, stats_file_name
from slomix_pipeline.warehouse import schema, schema_datasets
from slomix_pipeline.warehouse.all_tables import metadata
from slomix_pipeline.warehouse.engine import open_warehouse
from slomix_pipeline_tests.tabledump import dump_tables

CHECK = dg.AssetCheckKey(dg.AssetKey("endstats"), "stats_file_complete")


def _victim(plays: tuple[SimMapPlay, ...]) -> SimMapPlay:
    """An R1 with a landed file, an endstats side-car and an R2, whose players all fought."""
    for play in plays:
        r1 = play.r1
        if play.r1_file_missing or play.r2 is None or endstats_file_name(r1) is None:
            continue
        if sum(1 for p in r1.players if p.versus and not p.player.is_bot) >= 3:
            return play
    raise AssertionError("the sample night has no suitable R1")


def _cut(path: Path, keep_players: int) -> set[str]:
    """Truncate the file after ``keep_players`` player lines; the GUIDs of the lines removed."""
    lines = path.read_bytes().decode("utf-8").splitlines(keepends=True)
    kept, removed = lines[: 1 + keep_players], lines[1 + keep_players :]
    path.write_bytes("".join(kept).encode("utf-8"))
    assert kept[-1].endswith("\n") and removed
    return {line.split("\\", 1)[0].upper() for line in removed}


def _by_day(engine, day) -> dict[str, list[tuple]]:
    """Every day-partitioned table's rows, split into (day, other days) by ``gaming_day``.

    The community datasets (careers, records, tallies: ``schema_datasets``) aggregate every day,
    the cut one included, so they legitimately differ on any day and are left out.
    """
    dumped = dump_tables(engine)
    careers = {t.name for t in vars(schema_datasets).values() if isinstance(t, Table)}
    out: dict[str, list[tuple]] = {}
    for table in metadata.sorted_tables:
        rows = dumped[table.name]
        if "gaming_day" not in table.c or table.name in careers:
            continue
        at = list(table.c.keys()).index("gaming_day")
        out[table.name] = [r for r in rows if r[at] != day]
        out[table.name + "@day"] = [r for r in rows if r[at] == day]
    return out


def test_cut_stats_file_is_named_on_its_day_and_nothing_else_changes(
    tmp_path, monkeypatch, warehouse_url
) -> None:
    clean = tmp_path / "clean"
    report = generate_landing_zone(clean, seed=7, nights=3)
    monkeypatch.setenv("SLOMIX_DATABASE_URL", warehouse_url)
    monkeypatch.setenv("SLOMIX_DATA_DIR", str(clean))
    settings = load_settings()
    acknowledgements = render_acknowledgements(known_losses(report.corpus, settings.server_tz))
    settings.acknowledgements_path.write_bytes(acknowledgements)
    days = landed_stats_days(clean, settings)
    assert len(days) == 3
    cut_zone = tmp_path / "cut"
    shutil.copytree(clean, cut_zone)
    night = report.corpus.nights[1]
    play = _victim(night.map_plays)
    r1_key = round_key(play.r1.file_written_local, map_key(play.r1.map_name), 1)
    r2_key = round_key(play.r2.file_written_local, map_key(play.r2.map_name), 2)
    removed = _cut(cut_zone / "local_stats" / stats_file_name(play.r1), keep_players=2)
    fought = {p.player.guid8 for p in play.r1.players if p.versus}
    missing = removed & fought
    assert missing, "the cut must remove a player the side-car names"
    engine = open_warehouse(warehouse_url)

    with dg.instance_for_test() as instance:
        run = materialize_range(days, instance)
        assert run.success and all(g.passed for g in run.gates), run.gates
    clean_tables = _by_day(engine, night.date)

    # A fresh warehouse: in the same one, the cut file would be a landed file whose bytes
    # changed (quarantined as ``changed``), a different case (test_stats_ingest.py).
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
    monkeypatch.setenv("SLOMIX_DATA_DIR", str(cut_zone))
    with dg.instance_for_test() as instance:
        run = materialize_range(days, instance)
        assert run.success, run.gates
        verdicts = {g.check: g for g in run.gates}
        assert [c for c, g in verdicts.items() if not g.passed] == ["stats_file_complete"]
        assert verdicts["stats_file_complete"].warn_only
        assert instance.get_materialized_partitions(dg.AssetKey("session_aggregates")) == {
            d.isoformat() for d in days
        }
        passed = {}
        for day in days:
            record = instance.event_log_storage.get_latest_asset_check_execution_by_key(
                [CHECK], partition_filter=PartitionKeyFilter(key=day.isoformat())
            )[CHECK]
            passed[day] = record.evaluation.passed
            if day == night.date:
                rows = [r.data for r in record.evaluation.metadata["failures"].records]
                assert [(r["subject"], r["reason"]) for r in rows] == [(r1_key, PLAYERS_MISSING)]
                detail = rows[0]["detail"]
                assert all(guid in detail for guid in missing) and r2_key in detail
                assert record.evaluation.metadata["coverage/players_missing"].value == len(missing)
        assert passed == {d: d != night.date for d in days}
    cut_tables = _by_day(engine, night.date)

    for name, rows in clean_tables.items():
        if not name.endswith("@day"):
            assert cut_tables[name] == rows, f"{name} differs outside the cut day"
    rounds_cols = list(schema.rounds.c.keys())
    key_at = rounds_cols.index("round_key")
    changed = {
        (a[key_at], rounds_cols[i])
        for a, b in zip(cut_tables["rounds@day"], clean_tables["rounds@day"], strict=True)
        for i in range(len(rounds_cols))
        if a[i] != b[i]
    }
    # Only the cut round's file facts: its hash and how many players it holds.
    assert changed == {(r1_key, c) for c in ("source_sha256", "player_count", "human_player_count")}
    files = schema.processed_files
    skip = {list(files.c.keys()).index(c) for c in ("size_bytes", "sha256", "first_seen_sha256")}

    def without_size(rows):
        return sorted(tuple(v for i, v in enumerate(r) if i not in skip) for r in rows)

    assert without_size(cut_tables["processed_files@day"]) == without_size(
        clean_tables["processed_files@day"]
    )
    with engine.connect() as conn:
        rid = conn.execute(
            select(schema.rounds.c.id).where(schema.rounds.c.round_key == r1_key)
        ).scalar_one()
    pcs = schema.player_comprehensive_stats
    cols = list(pcs.c.keys())
    rid_at, guid_at = cols.index("round_id"), cols.index("player_guid")
    sha_at = cols.index("source_sha256")  # the cut file's own hash

    def round_rows(tables):
        rows = tables["player_comprehensive_stats@day"]
        return [r[:sha_at] + r[sha_at + 1 :] for r in rows if r[rid_at] == rid]

    clean_r1, cut_r1 = round_rows(clean_tables), round_rows(cut_tables)
    assert cut_r1 == [r for r in clean_r1 if r[guid_at] not in removed]
    assert len(cut_r1) < len(clean_r1)
