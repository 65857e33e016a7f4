"""Tabular metadata as ``MetadataValue.table``: the UI lays it out with every column visible.

Hand-written markdown tables put long columns (a quarantine reason) off-screen; a table value
carries its schema, so the UI sizes and scrolls the columns itself. Every listing of the assets
and checks (rejects, quarantine, previews, gate failures, blocked days) goes through
:func:`table`, so they look alike and stay bounded: at most ``limit`` rows, then one last row
saying how many more there were (metadata is stored with every event; it must stay small).

An empty listing is the text ``none``, not an empty table: a table value carries its schema
(about 700 bytes even without rows), and most listings of a healthy day are empty (every passing
check's ``failures``).
"""

from collections.abc import Sequence

import dagster as dg


def _cell(value: object) -> str | int | float | bool:
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    return str(value).replace("\n", " ")


def _column_type(values: Sequence[object]) -> str:
    present = [v for v in values if v is not None and v != ""]
    if present and all(isinstance(v, bool) for v in present):
        return "bool"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "int"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "float"
    return "string"


Listing = dg.TableMetadataValue | dg.TextMetadataValue


def table(
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    limit: int | None = None,
    total: int | None = None,
    more: str = "more not listed",
) -> Listing:
    """``rows`` under ``columns`` (numbers stay numbers, None shows empty); ``none`` if no rows.

    With ``limit``, the rows past it are counted in a last row (``… N more not listed`` in the
    first column, the other cells empty; the columns are then all text), so a bad backfill
    cannot grow the event log. ``total``: how many rows there were when the caller passes only
    the first ones (so it need not build rows nobody sees).
    """
    if not rows and not total:
        return dg.MetadataValue.text("none")
    shown = [[_cell(v) for v in row] for row in (rows if limit is None else rows[:limit])]
    hidden = (len(rows) if total is None else total) - len(shown)
    kinds = [_column_type([row[i] for row in shown]) for i in range(len(columns))]
    if hidden > 0:
        shown = [[str(v) for v in row] for row in shown]
        shown.append([f"… {hidden} {more}"] + [""] * (len(columns) - 1))
        kinds = ["string"] * len(columns)
    return dg.MetadataValue.table(
        records=[dg.TableRecord(dict(zip(columns, row, strict=True))) for row in shown],
        schema=dg.TableSchema(
            columns=[dg.TableColumn(c, k) for c, k in zip(columns, kinds, strict=True)]
        ),
    )


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


def table_text(value: Listing) -> str:
    """Every cell of a listing as one line per row (for logs and tests to search)."""
    if isinstance(value, dg.TextMetadataValue):
        return value.text
    return "\n".join(" | ".join(str(v) for v in record.data.values()) for record in value.records)


def columns_of(value: Listing) -> list[str]:
    """The column names of a table value, in order (none for an empty listing)."""
    if isinstance(value, dg.TextMetadataValue):
        return []
    return [c.name for c in value.schema.columns]
