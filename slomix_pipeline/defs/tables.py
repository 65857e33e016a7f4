"""Tabular metadata as ``MetadataValue.table``: the UI lays it out with every column visible.

Hand-written markdown tables put long columns (a quarantine reason) off-screen; a table value
carries its schema, so the UI sizes and scrolls the columns itself.
"""

from collections.abc import Sequence

import dagster as dg


def text_table(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> dg.TableMetadataValue:
    """A table of text columns (values rendered with ``str``; None as empty)."""
    return dg.MetadataValue.table(
        records=[
            dg.TableRecord(
                {c: "" if v is None else str(v) for c, v in zip(columns, row, strict=True)}
            )
            for row in rows
        ],
        schema=dg.TableSchema(columns=[dg.TableColumn(c, "string") for c in columns]),
    )
