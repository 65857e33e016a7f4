"""Live cost independent of history (issue 13): tonight's reads are bounded by gaming day.

One real materialization of tonight's gaming day (every daily asset and its checks, through the
code location's asset job, as the landing sensor's runs do) is captured statement by statement
on the warehouse engine, twice: with 2 other days in the warehouse and again after 6 older days
were added. Two assertions:

* **static**: no SELECT/UPDATE/DELETE reads a day table (or a table that grows with history)
  without a bound by day (rule: ``day_bounds``), except the cited entries of
  ``day_bound_allowlist``; a finding names the statement and the project code that sent it;
* **behavioural**: the run issues the same statements, with the same number of bound
  parameters and (PostgreSQL) the same rows returned for every bounded statement, whatever the
  history: a key list or a read that grows with history fails here even if it looks bounded.

SQLite and PostgreSQL. The 10-versus-200-days figures are in ``bench/live_day_cost.py``.
"""

from __future__ import annotations

import importlib
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import select

from slomix_pipeline.runner import materialize_range
from slomix_pipeline.sample_data import generate_landing_zone
from slomix_pipeline.warehouse import schema
from slomix_pipeline.warehouse import schema_sessions as ss
from slomix_pipeline.warehouse.engine import open_warehouse
from slomix_pipeline_tests.warehouse.day_bound_allowlist import ALLOWED, HISTORY_WIDE_WRITERS
from slomix_pipeline_tests.warehouse.day_bounds import analyse, day_tables
from slomix_pipeline_tests.warehouse.statement_capture import Capture, capture_statements

TONIGHT = date(2026, 9, 1)
HISTORY = 8  # nights before tonight in the landing zone
FIRST_BUILT = 2  # of which the most recent ones are in the warehouse for the first capture


def generate_history(zone: Path, nights: int, rounds_per_night: int = 2) -> list[date]:
    """``nights`` short nights ending the day before :data:`TONIGHT`, then a full night
    tonight (every source: stats, Lua, proximity, endstats); the history days, oldest first."""
    start = TONIGHT - timedelta(days=nights)
    generate_landing_zone(
        zone,
        seed=7,
        nights=nights,
        start_date=start,
        rounds_per_night=rounds_per_night,
        include_malformed=False,
    )
    generate_landing_zone(zone, seed=7, nights=1, start_date=TONIGHT)
    return [start + timedelta(days=i) for i in range(nights)]


def unbounded(capture: Capture) -> list[str]:
    """Every finding not in the allow-list, as 'table: reason at call site\\n  SQL'."""
    out = []
    for s in capture.reads():
        for finding in analyse(s.stmt) if s.stmt is not None else []:
            if (s.site_key, finding.table) in ALLOWED:
                continue
            sql = " ".join(s.sql.split())[:400]
            out.append(f"{finding.table}: {finding.reason} at {s.site}\n  {sql}")
    return out


def allowed_keys(capture: Capture) -> set[tuple[str, str]]:
    return {
        (s.site_key, f.table)
        for s in capture.reads()
        if s.stmt is not None
        for f in analyse(s.stmt)
    }


def cost_profile(capture: Capture) -> tuple[Counter, Counter, Counter]:
    """(statements, bound parameters, rows returned or written) per call site; history-wide
    reads (allow-listed) and writers (``HISTORY_WIDE_WRITERS``) count as statements only."""
    statements: Counter = Counter()
    parameters: Counter = Counter()
    rows: Counter = Counter()
    for s in capture.statements:
        site = f"{s.owner} -> {s.site_key}"
        statements[site] += 1
        if (s.stmt is not None and analyse(s.stmt)) or s.owner in HISTORY_WIDE_WRITERS:
            continue
        parameters[site] += s.parameters
        rows[site] += s.rows or 0
    return statements, parameters, rows


def _tonight_run(instance: dg.DagsterInstance, url: str) -> Capture:
    with capture_statements(open_warehouse(url)) as capture:
        run = materialize_range([TONIGHT], instance)
    assert run.success, run
    return capture


def test_tonight_reads_are_day_bounded_and_independent_of_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warehouse_url: str
) -> None:
    zone = tmp_path / "zone"
    history = generate_history(zone, HISTORY)
    monkeypatch.setenv("SLOMIX_DATA_DIR", str(zone))
    monkeypatch.setenv("SLOMIX_DATABASE_URL", warehouse_url)
    with dg.instance_for_test() as instance:
        assert materialize_range([*history[-FIRST_BUILT:], TONIGHT], instance).success
        few = _tonight_run(instance, warehouse_url)
        assert materialize_range(history[:-FIRST_BUILT], instance).success
        many = _tonight_run(instance, warehouse_url)

    with open_warehouse(warehouse_url).connect() as conn:
        days = set(conn.execute(select(ss.gaming_sessions.c.gaming_day).distinct()).scalars())
    assert days == {*history, TONIGHT}, "every history day is in the warehouse"

    # the capture saw the whole graph: every daily asset's module sent statements
    sites = {s.site_key.rsplit(".", 1)[0] for s in many.statements}
    # each family's modules (ingest/stats_*, lua_*, proximity*, endstats, link*, session*)
    for family in ("stats_", "lua_", "proximity", "endstats", "link", "session"):
        assert any(s.startswith(f"slomix_pipeline.ingest.{family}") for s in sites), family
    assert "slomix_pipeline.ingest.datasets" in sites
    read_tables = {t.name for s in many.reads() if s.stmt is not None for t in _froms(s.stmt)}
    assert {schema.rounds.name, ss.session_player_stats.name} <= read_tables

    for capture in (few, many):
        findings = unbounded(capture)
        assert not findings, "reads without a day bound:\n" + "\n".join(findings)

    few_cost, many_cost = cost_profile(few), cost_profile(many)
    for what, a, b in zip(("statements", "parameters", "rows"), few_cost, many_cost, strict=True):
        grew = {k: (a[k], b[k]) for k in set(a) | set(b) if a[k] != b[k]}
        assert not grew, (
            f"{what} per call site changed with {HISTORY - FIRST_BUILT} more days: {grew}"
        )


def _froms(stmt):  # type: ignore[no-untyped-def]
    from slomix_pipeline_tests.warehouse.day_bounds import tables_read

    return [schema.metadata.tables[n] for n in tables_read(stmt) if n in schema.metadata.tables]


def test_every_allow_list_entry_names_a_function_and_a_table() -> None:
    """A renamed function or table cannot leave a stale exemption behind."""
    for (site, table), reason in ALLOWED.items():
        module_name, function = site.rsplit(".", 1)
        module = importlib.import_module(module_name)
        if function != "<dictcomp>":
            assert hasattr(module, function), site
        assert table in schema.metadata.tables, table
        assert len(reason) > 40, (site, table)
    for site, reason in HISTORY_WIDE_WRITERS.items():
        module_name, function = site.rsplit(".", 1)
        assert hasattr(importlib.import_module(module_name), function), site
        assert len(reason) > 40, site
    assert "rounds" in day_tables() and "players" not in day_tables()
