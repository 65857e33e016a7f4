"""Listings in metadata are ``MetadataValue.table`` values: columns typed, rows bounded."""

from __future__ import annotations

import dagster as dg

from slomix_pipeline.defs.checks.render import failures_table
from slomix_pipeline.defs.lua.metadata import quarantine_table
from slomix_pipeline.defs.tables import columns_of, table, table_text
from slomix_pipeline.domain.gates import GateFailure

LONG_REASON = "malformed_json: " + "x" * 300


def test_a_table_keeps_numbers_and_every_column() -> None:
    value = table(["file", "round", "reason"], [("a.txt", 1, LONG_REASON), ("b.txt", 2, None)])
    assert isinstance(value, dg.TableMetadataValue)
    assert [(c.name, c.type) for c in value.schema.columns] == [
        ("file", "string"),
        ("round", "int"),
        ("reason", "string"),
    ]
    assert [r.data for r in value.records] == [
        {"file": "a.txt", "round": 1, "reason": LONG_REASON},
        {"file": "b.txt", "round": 2, "reason": ""},
    ]


def test_rows_past_the_limit_are_counted_not_stored() -> None:
    rows = [(f"f{i}.txt", i) for i in range(120)]
    value = table(["file", "n"], rows, limit=50, more="more files not listed")
    assert len(value.records) == 51
    assert value.records[-1].data == {"file": "… 70 more files not listed", "n": ""}
    assert {c.type for c in value.schema.columns} == {"string"}
    assert table(["file", "n"], rows[:5], total=8).records[-1].data["file"] == "… 3 more not listed"


def test_an_empty_listing_is_the_word_none_not_a_schema() -> None:
    """A table value without rows still carries its schema (~700 bytes on every passing check)."""
    value = quarantine_table([])
    assert value == dg.MetadataValue.text("none")
    assert columns_of(value) == [] and table_text(value) == "none"


def test_the_quarantine_reason_is_a_column_of_its_own() -> None:
    """The issue: the reason column of the markdown quarantine table was off-screen."""
    value = quarantine_table([("webhook", "drop-1.json", LONG_REASON)])
    (record,) = value.records
    assert record.data["reason"] == LONG_REASON
    assert table_text(value) == f"webhook | drop-1.json | {LONG_REASON}"


def test_gate_failures_are_a_bounded_table() -> None:
    failures = [GateFailure(f"round {i}", "missing_lua", f"detail {i}") for i in range(205)]
    value = failures_table(failures)
    assert columns_of(value) == ["subject", "reason", "detail"]
    assert len(value.records) == 101
    assert value.records[0].data == {
        "subject": "round 0",
        "reason": "missing_lua",
        "detail": "detail 0",
    }
    assert value.records[-1].data["subject"] == "… 105 more failure(s) not listed"
    assert failures_table([]) == dg.MetadataValue.text("none")
