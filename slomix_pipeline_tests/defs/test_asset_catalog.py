"""Every asset carries its catalog metadata, and rule versions drive exactly the right assets."""

from __future__ import annotations

import dagster as dg
import pytest

from slomix_pipeline.definitions import defs
from slomix_pipeline.defs.asset_catalog import describe_spec, storage_kind, table_schema
from slomix_pipeline.defs.catalog import CATALOG
from slomix_pipeline.domain.rule_versions import RULE_VERSIONS, code_version
from slomix_pipeline.warehouse import schema

SQLITE = "sqlite:///x.sqlite"


def _specs() -> dict[str, dg.AssetSpec]:
    return {s.key.to_user_string(): s for s in defs().resolve_all_asset_specs()}


def test_every_asset_has_tables_columns_owners_kinds_and_a_code_version() -> None:
    specs = _specs()
    assert set(specs) == set(CATALOG), "an asset without a catalog entry (defs/catalog.py)"
    for name, spec in specs.items():
        entry = CATALOG[name]
        assert spec.metadata["dagster/table_name"] == entry.tables[0].name, name
        main_schema = spec.metadata["dagster/column_schema"].schema
        assert [c.name for c in main_schema.columns] == [c.name for c in entry.tables[0].columns]
        for table in entry.tables:
            assert spec.metadata[f"tables/{table.name}/table_name"].text == table.name
            written = spec.metadata[f"tables/{table.name}/column_schema"].schema
            assert {c.name for c in written.columns} == set(table.columns.keys()), name
        assert spec.owners == ["team:slomix-data"], name
        assert spec.code_version == code_version(entry.rules), name
        assert "python" in spec.kinds and ("sqlite" in spec.kinds or "postgres" in spec.kinds)
        assert "sql" not in spec.kinds
        assert "dagster/code_references" in spec.metadata, name


def test_column_descriptions_come_from_the_table_comments() -> None:
    described = {c.name: c for c in table_schema(schema.rounds).columns}
    commented = [c for c in schema.rounds.columns if c.comment]
    assert commented, "the rounds table carries column comments"
    for column in commented:
        assert described[column.name].description == column.comment


@pytest.mark.parametrize(
    ("rule", "affected"),
    [
        ("linking", {"linked_rounds"}),
        ("lua_truth", {"lua_round_teams", "linked_rounds"}),
        ("r2_differential", {"raw_stats_files"}),
        ("webhook_parser", {"webhook_drops"}),
        ("gates", {"session_aggregates"}),
        (
            "publish_render",
            {"discord_round_posts", "discord_map_posts", "discord_session_posts"},
        ),
    ],
)
def test_bumping_a_rule_changes_exactly_the_affected_code_versions(
    rule: str, affected: set[str]
) -> None:
    specs = _specs()
    bumped = {**RULE_VERSIONS, rule: RULE_VERSIONS[rule] + 1}
    before = {n: describe_spec(s, SQLITE).code_version for n, s in specs.items()}
    after = {n: describe_spec(s, SQLITE, bumped).code_version for n, s in specs.items()}
    assert {n for n in specs if before[n] != after[n]} == affected


def test_every_registered_rule_is_applied_by_some_asset() -> None:
    used = {rule for entry in CATALOG.values() for rule in entry.rules}
    assert used == set(RULE_VERSIONS)


def test_storage_kind_follows_the_database_url() -> None:
    assert storage_kind("postgresql+psycopg://u@h/db") == "postgres"
    assert storage_kind(SQLITE) == "sqlite"
    spec = _specs()["raw_stats_files"]
    assert "postgres" in describe_spec(spec, "postgresql+psycopg://u@h/db").kinds
