"""Stats ingestion end to end: the sample nights' stored rows equal the generator's truth.

Every player of every round is compared field by field (R1 values, R2-only values of paired R2s,
cumulative values of the orphan R2), including the reconnect, the join-in-R2, the bots and the
midnight pair; quarantine outcomes are compared with the generator's expected rejects.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from slomix_pipeline.config import load_settings
from slomix_pipeline.ingest.stats_files import ingest_stats_days
from slomix_pipeline.runner import landed_stats_days
from slomix_pipeline.sample_data import generate_landing_zone
from slomix_pipeline.sample_data.corpus_features import features
from slomix_pipeline.sample_data.truth import expected_rejects, round_truth
from slomix_pipeline.sample_data.truth_records import APPROXIMATE_FIELDS, EXACT_FIELDS
from slomix_pipeline.warehouse import schema
from slomix_pipeline.warehouse.engine import open_warehouse


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    zone = tmp_path_factory.mktemp("zone")
    report = generate_landing_zone(zone, seed=7, nights=3)
    return zone, report.corpus


def _ingest_all(zone: Path, url: str):
    settings = load_settings({"SLOMIX_DATA_DIR": str(zone)})
    engine = open_warehouse(url)
    report = ingest_stats_days(engine, zone, landed_stats_days(zone, settings), settings)
    return engine, report


def test_every_round_and_player_matches_truth(generated, warehouse_url: str) -> None:
    zone, corpus = generated
    truth = round_truth(corpus)
    engine, _ = _ingest_all(zone, warehouse_url)
    with engine.connect() as conn:
        rounds = {r.source_file: r for r in conn.execute(select(schema.rounds))}
        players = conn.execute(select(schema.player_comprehensive_stats)).mappings().all()
        weapons = conn.execute(select(schema.weapon_comprehensive_stats)).mappings().all()
    assert set(rounds) == set(truth), "exactly the generator's valid stats files become rounds"
    by_round: dict[int, dict[str, dict]] = {}
    for row in players:
        by_round.setdefault(row["round_id"], {})[row["player_guid"]] = dict(row)
    weapons_by: dict[tuple[int, str], dict[str, tuple[int, ...]]] = {}
    for w in weapons:
        weapons_by.setdefault((w["round_id"], w["player_guid"]), {})[w["weapon_name"]] = (
            w["hits"],
            w["shots"],
            w["kills"],
            w["deaths"],
            w["headshots"],
        )
    compared = 0
    for file_name, expected in truth.items():
        stored = rounds[file_name]
        assert stored.round_number == expected.round_number, file_name
        assert stored.is_orphan_r2 == expected.is_orphan_r2, file_name
        assert stored.r1_file_name == expected.r1_file_name, file_name
        assert stored.gaming_day == expected.gaming_day, file_name
        assert stored.round_duration_ms == expected.round_duration_ms, file_name
        assert stored.defender_team == expected.defender_team, file_name
        assert stored.winner_team == expected.winner_team, file_name
        assert stored.bot_player_count == expected.bot_player_count, file_name
        assert stored.round_status == ("orphan_r2" if expected.is_orphan_r2 else "completed")
        stored_players = by_round[stored.id]
        assert set(stored_players) == set(expected.players), file_name
        for key, p in expected.players.items():
            row = stored_players[key]
            for field in EXACT_FIELDS:
                want = getattr(p, field)
                assert row[field] == want, f"{file_name} {key} {field}: {row[field]} != {want}"
            for field, tolerance in APPROXIMATE_FIELDS.items():
                assert math.isclose(row[field], getattr(p, field), abs_tol=tolerance), (
                    f"{file_name} {key} {field}"
                )
            assert row["counter_reset"] == p.counter_reset, f"{file_name} {key}"
            assert row["joined_in_r2"] == p.joined_in_r2, f"{file_name} {key}"
            assert weapons_by.get((stored.id, key), {}) == {
                name: tuple(t) for name, t in p.weapons.items()
            }, f"{file_name} {key} weapons"
            compared += 1
    assert compared > 300
    found = features(corpus)
    for feature in (
        "reconnect_r2",
        "join_in_r2",
        "orphan_r2",
        "two_bots_same_round",
        "midnight_pair",
        "surrender",
        "full_hold_r1",
    ):
        assert found[feature], f"the sample must contain {feature}"


def test_rejects_and_sidecars_are_quarantined_not_loaded(generated, warehouse_url: str) -> None:
    zone, corpus = generated
    engine, report = _ingest_all(zone, warehouse_url)
    expected = expected_rejects(corpus)
    pf = schema.processed_files
    with engine.connect() as conn:
        outcomes = {r.file_name: r for r in conn.execute(select(pf))}
        loaded_sources = set(conn.execute(select(schema.rounds.c.source_file)).scalars())
    for name, reason in expected.items():
        assert outcomes[name].status == "rejected", name
        assert outcomes[name].reason.startswith(reason + ":"), outcomes[name].reason
        assert name not in loaded_sources
    sidecars = [n for n in outcomes if n.endswith("-endstats.txt")]
    assert sidecars and all(outcomes[n].status == "ignored" for n in sidecars)
    assert all(o.sha256 == o.first_seen_sha256 for o in outcomes.values())
    assert report.reason_counts() == {reason: 1 for reason in expected.values()}


def test_changed_file_and_renamed_copy_are_quarantined(tmp_path: Path, sqlite_url: str) -> None:
    zone = tmp_path / "zone"
    corpus = generate_landing_zone(zone, seed=3, nights=1, include_malformed=False).corpus
    truth = round_truth(corpus)
    engine, _ = _ingest_all(zone, sqlite_url)
    r1_name = next(n for n, t in truth.items() if t.round_number == 1)
    path = zone / "local_stats" / r1_name
    original = path.read_bytes()
    # A renamed mirror copy (same payload, another timestamp) must not become a second round.
    copy_name = "2026-02-10-235959" + r1_name[17:]
    shutil.copyfile(path, path.parent / copy_name)
    # The landed file is then modified in place: quarantined, the old baseline is kept.
    path.write_bytes(original[:-1] + b" \n")
    _, report = _ingest_all(zone, sqlite_url)
    outcomes = {o.file_name: o for o in report.outcomes}
    assert outcomes[r1_name].status == "changed"
    assert outcomes[r1_name].first_seen_sha256 != outcomes[r1_name].sha256
    assert "content_changed_after_landing" in outcomes[r1_name].reason
    assert (
        outcomes[copy_name].status == "loaded"
    )  # the original is quarantined, the copy is not a dup
    with engine.connect() as conn:
        sources = set(conn.execute(select(schema.rounds.c.source_file)).scalars())
    assert r1_name not in sources
    # Restoring the bytes restores the round; the copy is then the duplicate.
    path.write_bytes(original)
    _, report = _ingest_all(zone, sqlite_url)
    outcomes = {o.file_name: o for o in report.outcomes}
    assert outcomes[r1_name].status == "loaded"
    assert outcomes[copy_name].status == "rejected"
    assert outcomes[copy_name].reason == f"duplicate_payload_of: {r1_name}"
