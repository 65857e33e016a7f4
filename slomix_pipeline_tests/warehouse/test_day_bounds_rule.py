"""The day-bound rule itself (``day_bounds.analyse``) on statements built like the project's."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, delete, func, select, text, update

from slomix_pipeline.warehouse import schema, schema_datasets
from slomix_pipeline.warehouse import schema_sessions as ss
from slomix_pipeline_tests.warehouse.day_bounds import analyse

DAY = date(2026, 9, 1)
r, pcs = schema.rounds, schema.player_comprehensive_stats
g, gs, m = ss.session_round_graphs, ss.gaming_sessions, schema_datasets.player_guid_map


def _tables(stmt) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(f.table for f in analyse(stmt))


def test_bounded_forms_pass() -> None:
    assert _tables(select(r).where(r.c.gaming_day == DAY)) == []
    assert _tables(select(r).where(r.c.gaming_day.in_([DAY]))) == []
    assert _tables(select(r).where(r.c.gaming_day.between(DAY, DAY))) == []
    assert _tables(select(r).where(r.c.gaming_day >= DAY, r.c.gaming_day <= DAY)) == []
    assert _tables(select(r).where(r.c.id.in_([1, 2]))) == []  # keys of one day each
    window = select(r).where(r.c.file_time_unix >= 1, r.c.file_time_unix < 2)
    assert _tables(window) == []
    joined = select(g, gs).join(gs, gs.c.session_id == g.c.session_id).where(g.c.gaming_day == DAY)
    assert _tables(joined) == []
    sub = select(r.c.id).where(r.c.gaming_day == DAY)
    assert _tables(select(pcs).where(pcs.c.round_id.in_(sub))) == []
    assert _tables(delete(r).where(r.c.gaming_day.in_([DAY]))) == []
    assert _tables(select(m).where(m.c.guid.in_(["A"]))) == []  # history table by player key
    assert _tables(text("SELECT pg_advisory_lock(1)")) == []


def test_unbounded_forms_are_named() -> None:
    assert _tables(select(r)) == ["rounds"]
    assert _tables(select(r).where(r.c.gaming_day >= DAY)) == ["rounds"]  # open-ended
    assert _tables(select(r).where(r.c.map_name == "supply")) == ["rounds"]  # not a day key
    assert _tables(update(r).values(map_name="x")) == ["rounds"]
    assert _tables(select(func.count()).select_from(pcs)) == ["player_comprehensive_stats"]
    # a player's whole history: bounded by players, not by day
    careers = (
        select(g.c.kills).join(m, m.c.guid == g.c.player_guid).where(m.c.canonical_guid.in_(["A"]))
    )
    assert _tables(careers) == ["session_round_graphs"]
    # a join on a non-key column does not carry the bound
    loose = select(g, gs).join(gs, and_(gs.c.start_unix == g.c.kills)).where(g.c.gaming_day == DAY)
    assert _tables(loose) == ["gaming_sessions"]
    assert _tables(select(m)) == ["player_guid_map"]
    assert _tables(text("SELECT * FROM rounds")) == ["rounds"]
