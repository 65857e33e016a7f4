"""Tabular metadata as ``MetadataValue.table``: the UI lays it out with every column visible.

Hand-written markdown tables put long columns (a quarantine reason) off-screen; a table value
carries its schema, so the UI sizes and scrolls the columns itself. Every listing of the assets
and checks (rejects, quarantine, previews, gate failures, blocked days) goes through
:func:`table`, so they look alike and stay bounded: at most ``limit`` rows, then one last row
saying how many more there were (metadata is stored with every event; it must stay small).

An empty listing is an empty table (headers only) rather than the text ``none``: a metadata key
keeps one type from run to run.
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


def table(
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    limit: int | None = None,
    total: int | None = None,
    more: str = "more not listed",
) -> dg.TableMetadataValue:
    """``rows`` under ``columns`` (numbers stay numbers, None shows empty).

    With ``limit``, the rows past it are counted in a last row (``… N more not listed`` in the
    first column, the other cells empty; the columns are then all text), so a bad backfill
    cannot grow the event log. ``total``: how many rows there were when the caller passes only
    the first ones (so it need not build rows nobody sees).
    """
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


def table_text(value: dg.TableMetadataValue) -> str:
    """Every cell of a table value as one line per row (for logs and tests to search)."""
    return "\n".join(" | ".join(str(v) for v in record.data.values()) for record in value.records)


def columns_of(value: dg.TableMetadataValue) -> list[str]:
    """The column names of a table value, in order."""
    return [c.name for c in value.schema.columns]
