"""Catalog metadata on every asset spec: tables and their columns, owners, kinds, code version.

Applied once when the definitions are built (``definitions.py``), so asset bodies stay about the
work. Multi-table assets (``raw_stats_files`` writes four tables) carry the standard
``dagster/table_name`` and ``dagster/column_schema`` keys for their *main* table (the first in
``defs/catalog.py``; the UI's Columns tab reads these) and one pair of the same two entries
per written table under ``tables/<table>/table_name`` and ``tables/<table>/column_schema``.
Splitting them into one asset per table would have forced every downstream dependency and
partition run to move in lock-step for no gain: the tables are written in one transaction.

The code version comes from the rule versions (``domain/rule_versions.py``); the storage kind
(``sqlite`` or ``postgres``) from the configured warehouse URL.
"""

from collections.abc import Mapping, Sequence

import dagster as dg
from sqlalchemy import Table

from slomix_pipeline.defs.catalog import CATALOG, OWNERS, AssetEntry
from slomix_pipeline.domain.rule_versions import RULE_VERSIONS, code_version

_STORAGE_KINDS = {"sql", "sqlite", "postgres"}


def storage_kind(database_url: str) -> str:
    """``postgres`` or ``sqlite``: the Dagster kind of the configured warehouse."""
    return "postgres" if database_url.startswith("postgresql") else "sqlite"


def _column_type(column) -> str:
    try:
        return str(column.type)
    except Exception:  # a dialect-only type: its class name still tells the reader enough
        return type(column.type).__name__


def table_schema(table: Table) -> dg.TableSchema:
    """The columns of a warehouse table with their types, comments and constraints."""
    columns = [
        dg.TableColumn(
            name=column.name,
            type=_column_type(column),
            description=column.comment,
            constraints=dg.TableColumnConstraints(
                nullable=bool(column.nullable), unique=bool(column.unique)
            ),
        )
        for column in table.columns
    ]
    keys = [c.name for c in table.primary_key.columns]
    constraints = dg.TableConstraints(other=[f"primary key ({', '.join(keys)})"] if keys else [])
    return dg.TableSchema(columns=columns, constraints=constraints)


def entry_metadata(entry: AssetEntry, versions: Mapping[str, int]) -> dict[str, object]:
    """The definition-time metadata of one asset (no secrets: table and rule names only)."""
    main = entry.tables[0]
    meta: dict[str, object] = {
        "dagster/table_name": main.name,
        "dagster/column_schema": dg.MetadataValue.table_schema(table_schema(main)),
        "rule_versions": dg.MetadataValue.json({r: versions[r] for r in sorted(entry.rules)}),
    }
    for table in entry.tables:
        meta[f"tables/{table.name}/table_name"] = dg.MetadataValue.text(table.name)
        meta[f"tables/{table.name}/column_schema"] = dg.MetadataValue.table_schema(
            table_schema(table)
        )
    return meta


def describe_spec(
    spec: dg.AssetSpec,
    database_url: str,
    versions: Mapping[str, int] | None = None,
    catalog: Mapping[str, AssetEntry] = CATALOG,
) -> dg.AssetSpec:
    """``spec`` with its catalog metadata, owners, storage kind and rule-derived code version."""
    versions = RULE_VERSIONS if versions is None else versions
    entry = catalog.get(spec.key.to_user_string())
    if entry is None:  # an asset with no catalog entry: the catalog test names it
        return spec
    kinds = {k for k in spec.kinds if k not in _STORAGE_KINDS} | {storage_kind(database_url)}
    tags = {k: v for k, v in spec.tags.items() if not k.startswith("dagster/kind/")}
    return spec.replace_attributes(
        code_version=code_version(entry.rules, versions),
        owners=sorted({*spec.owners, *OWNERS}),
        tags=tags,
        kinds=kinds,
        metadata={**spec.metadata, **entry_metadata(entry, versions)},
    )


def with_catalog(
    assets: Sequence[object], database_url: str, versions: Mapping[str, int] | None = None
) -> list[object]:
    """Every asset definition described (``describe_spec``) and pointing at its source code."""
    described = [
        a.map_asset_specs(lambda s: describe_spec(s, database_url, versions))
        if isinstance(a, dg.AssetsDefinition)
        else describe_spec(a, database_url, versions)
        if isinstance(a, dg.AssetSpec)
        else a
        for a in assets
    ]
    return list(dg.with_source_code_references(described))
