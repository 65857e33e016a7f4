"""Is a warehouse statement bounded by gaming day? A strict rule on SQLAlchemy statement objects.

Why statement objects and not SQL text: every warehouse statement of the project is built with
SQLAlchemy Core, so the tables, columns and predicates are known exactly (no dialect parsing,
no guessing aliases), and the same rule holds on SQLite and PostgreSQL.

The rule (docs/architecture.md, "Day-bounded reads"):

* A **day table** is a warehouse table with a ``gaming_day`` column, except the dataset tables
  keyed by player (:data:`PLAYER_KEYED`, where the day is an attribute: "the day it was set").
  A **history table** is a table that grows with history without a day column: the dataset
  tables (players, GUID map, careers, boards). Small fixed-size tables are exempt.
* Every reference to a day table in a SELECT, UPDATE or DELETE (also a SELECT nested in an
  INSERT) must be **anchored**:
  - a predicate on one of its *day keys* (:data:`DAY_KEYS`: the gaming day, or an identifier
    that belongs to exactly one gaming day: round, session, map play, Lua round, source file)
    against constants: ``=``, ``IN (...)``, ``BETWEEN``, or both a lower and an upper
    comparison; a time column (``*_unix``) counts when bounded on both sides (a time window);
  - or ``IN (<subquery>)`` on a day key where the subquery is itself bounded;
  - or an equality on a day key with another reference that is anchored (a join).
  Keys passed as constants were, by construction of the code under test, obtained by an earlier
  statement; the behavioural check (the same statements, rows and parameters for 10 or 200
  days of history) catches a key list that grows with history.
* A history table reference is anchored by a constant predicate on a player key
  (:data:`PLAYER_KEYS`), or by an equality on one with an anchored reference.
* Anything else is a finding: the table, the statement and the call site.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Delete, Insert, Select, Table, Update
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import (
    BinaryExpression,
    BindParameter,
    BooleanClauseList,
    ClauseElement,
    ColumnClause,
    Grouping,
    TextClause,
)
from sqlalchemy.sql.selectable import Alias, Join, ScalarSelect, Subquery

from slomix_pipeline.warehouse import all_tables

PLAYER_KEYED = frozenset({"player_records", "session_award_tallies"})
"""Dataset tables keyed by player whose ``gaming_day`` says when, not which partition."""

EXEMPT = frozenset({"dataset_state", "dataset_dirty_players", "alembic_version"})
"""Tables of bounded size: one settings row; the dirty-player queue, emptied by each careers
run."""

DAY_KEYS = frozenset(
    {"gaming_day", "round_id", "lua_round_id", "session_id", "map_play_id", "match_id"}
    | {"source_file", "file_name"}
)
"""Columns whose value belongs to one gaming day (plus ``id`` of ``rounds`` and
``lua_round_teams``, see :func:`day_keys`)."""

PLAYER_KEYS = frozenset({"guid", "canonical_guid", "player_guid"})
"""Columns that bound a history table to some players (a season or a metric does not)."""

_EQ = {operators.eq, operators.in_op}
_LOWER = {operators.ge, operators.gt}
_UPPER = {operators.le, operators.lt}
_FLIP = {operators.ge: operators.le, operators.gt: operators.lt}
_FLIP.update({v: k for k, v in list(_FLIP.items())})


def _tables() -> dict[str, Table]:
    return dict(all_tables.metadata.tables)


def day_tables() -> frozenset[str]:
    """Tables partitioned by gaming day (a ``gaming_day`` column, not keyed by player)."""
    return frozenset(
        n for n, t in _tables().items() if "gaming_day" in t.c and n not in PLAYER_KEYED
    )


def history_tables() -> frozenset[str]:
    """Tables without a day that grow with history (every player ever seen, every season)."""
    return frozenset(_tables()) - day_tables() - EXEMPT - {"discord_posts"}


def day_keys(table: Table) -> frozenset[str]:
    keys = {c.name for c in table.c if c.name in DAY_KEYS}
    if table.name in {"rounds", "lua_round_teams"}:
        keys.add("id")
    return frozenset(keys)


@dataclass(frozen=True, slots=True)
class Finding:
    table: str
    reason: str


@dataclass(slots=True)
class _Scope:
    """The table references of one SELECT/UPDATE/DELETE and its conjunctive predicates."""

    refs: list[Any] = field(default_factory=list)  # Table or Alias-of-Table objects
    conjuncts: list[ClauseElement] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    bounded_subqueries: set[int] = field(default_factory=set)


def _base(ref: Any) -> Table | None:
    if isinstance(ref, Table):
        return ref
    if isinstance(ref, Alias) and isinstance(ref.element, Table):
        return ref.element
    return None


def _split_and(clause: ClauseElement | None) -> Iterator[ClauseElement]:
    if clause is None:
        return
    if isinstance(clause, Grouping):
        yield from _split_and(clause.element)
    elif isinstance(clause, BooleanClauseList) and clause.operator is operators.and_:
        for c in clause.clauses:
            yield from _split_and(c)
    else:
        yield clause


def _constant(clause: Any) -> bool:
    """Only bound parameters or literals (no column, no subquery) inside ``clause``."""
    if isinstance(clause, BindParameter):
        return True
    if isinstance(clause, (ColumnClause, Select, ScalarSelect, Subquery)):
        return False
    children = list(clause.get_children())
    return bool(children) and all(_constant(c) for c in children)


def _column(clause: Any) -> ColumnClause | None:
    while isinstance(clause, Grouping):
        clause = clause.element
    if isinstance(clause, ColumnClause) and clause.table is not None:
        return clause
    return None


def _select_of(clause: Any) -> Select | None:
    while isinstance(clause, Grouping):
        clause = clause.element
    if isinstance(clause, ScalarSelect):
        return clause.element
    if isinstance(clause, Subquery):
        return clause.element
    if isinstance(clause, Select):
        return clause
    return None


def _add_from(scope: _Scope, item: Any) -> None:
    if isinstance(item, Join):
        _add_from(scope, item.left)
        _add_from(scope, item.right)
        scope.conjuncts.extend(_split_and(item.onclause))
    elif _base(item) is not None:
        scope.refs.append(item)
    elif isinstance(item, Subquery) and isinstance(item.element, Select):
        scope.findings.extend(analyse(item.element))


def _anchor_columns(ref: Any, name: str) -> frozenset[str]:
    table = _base(ref)
    assert table is not None
    if name in day_tables():
        return day_keys(table)
    return frozenset(c.name for c in table.c if c.name in PLAYER_KEYS)


def _anchored(scope: _Scope) -> set[int]:
    """Ids of the references anchored by constants, bounded subqueries or joins."""
    anchored: set[int] = set()
    ranges: dict[tuple[int, str], set[Any]] = {}
    edges: list[tuple[ColumnClause, ColumnClause]] = []
    for clause in scope.conjuncts:
        if not isinstance(clause, BinaryExpression):
            continue
        left, right, op = _column(clause.left), _column(clause.right), clause.operator
        if left is None and right is not None and op in _FLIP:
            left, right, op = right, None, _FLIP[op]
            clause_value: Any = clause.left
        else:
            clause_value = clause.right
        if left is None:
            continue
        if right is not None:
            if op is operators.eq:
                edges.append((left, right))
            continue
        sub = _select_of(clause_value)
        ref = left.table
        if sub is not None and op is operators.in_op:
            if not analyse(sub) and _selects_bounded(sub):
                ranges.setdefault((id(ref), left.name), set()).add("eq")
            continue
        if not _constant(clause_value):
            continue
        if op in _EQ or op is operators.between_op:
            ranges.setdefault((id(ref), left.name), set()).add("eq")
        elif op in _LOWER:
            ranges.setdefault((id(ref), left.name), set()).add("lower")
        elif op in _UPPER:
            ranges.setdefault((id(ref), left.name), set()).add("upper")
    names = {id(r): _base(r).name for r in scope.refs}  # type: ignore[union-attr]
    for ref in scope.refs:
        keys = _anchor_columns(ref, names[id(ref)])
        for (ref_id, column), kinds in ranges.items():
            if ref_id != id(ref):
                continue
            closed = "eq" in kinds or {"lower", "upper"} <= kinds
            time_window = column.endswith("_unix") and {"lower", "upper"} <= kinds
            if closed and (column in keys or time_window):
                anchored.add(ref_id)
    changed = True
    while changed:
        changed = False
        for a, b in edges:
            for src, dst in ((a, b), (b, a)):
                dst_ref = dst.table
                if (
                    id(src.table) in anchored
                    and id(dst_ref) not in anchored
                    and id(dst_ref) in names
                    and dst.name in _anchor_columns(dst_ref, names[id(dst_ref)])
                ):
                    anchored.add(id(dst_ref))
                    changed = True
    return anchored


def _selects_bounded(sub: Select) -> bool:
    """A subquery bounds an IN when it reads at least one anchored table (and none unbounded)."""
    return any(_base(r) is not None for r in _scope_of_select(sub).refs)


def _scope_of_select(stmt: Select) -> _Scope:
    scope = _Scope()
    for item in stmt.get_final_froms():
        _add_from(scope, item)
    scope.conjuncts.extend(_split_and(stmt.whereclause))
    return scope


def _check(scope: _Scope) -> list[Finding]:
    watched = day_tables() | history_tables()
    anchored = _anchored(scope)
    findings = list(scope.findings)
    for ref in scope.refs:
        name = _base(ref).name  # type: ignore[union-attr]
        if name in watched and id(ref) not in anchored:
            kind = "day table" if name in day_tables() else "history table"
            findings.append(Finding(name, f"{kind} read without a bound"))
    return findings


def analyse(stmt: Any) -> list[Finding]:
    """The unbounded table references of one statement (empty: bounded or not a read)."""
    if isinstance(stmt, Select):
        return _check(_scope_of_select(stmt))
    if isinstance(stmt, (Update, Delete)):
        scope = _Scope(refs=[stmt.table])
        scope.conjuncts.extend(_split_and(stmt.whereclause))
        return _check(scope)
    if isinstance(stmt, Insert):
        inner = getattr(stmt, "select", None)
        return analyse(inner) if inner is not None else []
    if isinstance(stmt, TextClause):
        words = set(stmt.text.replace("(", " ").replace(")", " ").replace(",", " ").split())
        hit = sorted(words & (day_tables() | history_tables()))
        return [Finding(t, "textual SQL on a watched table (cannot be analysed)") for t in hit]
    return []


def tables_read(stmt: Any) -> Iterable[str]:
    """Names of the tables a statement references (for reports)."""
    if isinstance(stmt, Select):
        return sorted({_base(r).name for r in _scope_of_select(stmt).refs})  # type: ignore[union-attr]
    if isinstance(stmt, (Update, Delete)):
        return [stmt.table.name]
    return []
