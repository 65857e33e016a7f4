"""A player's weapon groups as flat ints, turned into weapon records only when someone reads them.

Why: a file has ~70 weapon groups and an R2 differential as many again. Built as one frozen
record each they were a fifth of the cost of parse + differential, yet the differential only
needs the numbers (R2 - R1 is one ``map(sub, ...)`` over two flat tuples) and most records are
never looked at before the warehouse turns them into rows. So the parser and the differential
store a :class:`WeaponValues` in a record's ``weapons`` slot, and :func:`lazy_weapons` makes the
``weapons`` attribute read it as the usual ``tuple`` of :class:`WeaponStats` (built once, then
cached): every reader, ``==``, ``hash``, ``repr``, ``replace`` and pickling see exactly what they
saw before. Hot paths read the flat numbers with the getter :func:`lazy_weapons` returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import sub
from typing import Any

from slomix_pipeline.formats.frozen_records import fast_constructor
from slomix_pipeline.formats.lazy_fields import lazy_field

_ZERO_GROUP = (0, 0, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class WeaponStats:
    """One weapon of one player: hits BEFORE shots (file order); ``accuracy`` = hits x 100 / shots.

    ``accuracy`` is 0.0 without shots. The parser's weapon groups and the stored per-round
    weapon rows are this one type (``WeaponLine`` in the parser, ``WeaponRoundStats`` in the
    domain), so a round whose values are taken as written (R1, orphan R2, a player who joined in
    R2, a counter reset) stores the parsed records themselves instead of copying them.
    """

    weapon_id: int
    weapon_name: str
    hits: int
    shots: int
    kills: int
    deaths: int
    headshots: int
    accuracy: float


ACCURACY_FORMULA = "hits * 100 / shots if shots else 0.0"
"""How ``WeaponStats.accuracy`` derives from hits and shots (source text for the builder)."""
new_weapon_stats = fast_constructor(WeaponStats, derived={"accuracy": ACCURACY_FORMULA})
"""Build a WeaponStats from its seven counted fields, accuracy computed (hot path)."""


@dataclass(slots=True, eq=False)
class WeaponValues:
    """Weapon ids, their ``WS_*`` names and 5 ints per weapon (hits, shots, kills, deaths,
    headshots, file order); ``rows`` caches the records once built.

    ``origin`` (differential rows only) is the R2 line's own WeaponValues: a weapon whose R2-only
    values equal the values as written reuses that line's record, an all-zero weapon the shared
    zero record, so equal rows are shared exactly as when they were built eagerly.
    """

    ids: tuple[int, ...]
    names: tuple[str, ...]
    values: tuple[int, ...]
    origin: WeaponValues | None
    rows: tuple[WeaponStats, ...] | None

    def records(self) -> tuple[WeaponStats, ...]:
        """The weapon records, built on first call."""
        rows = self.rows
        if rows is None:
            rows = self.rows = self._build()
        return rows

    def _build(self) -> tuple[WeaponStats, ...]:
        values = self.values
        origin = self.origin
        if origin is None:
            groups = iter(values)
            return tuple(map(new_weapon_stats, self.ids, self.names, *(groups,) * 5))
        written = origin.records()
        rows = []
        for i, (wid, name) in enumerate(zip(self.ids, self.names, strict=True)):
            group = values[5 * i : 5 * i + 5]
            if group == _ZERO_GROUP:
                rows.append(zero_row(wid, name))
            elif group == origin.values[5 * i : 5 * i + 5]:
                rows.append(written[i])
            else:
                rows.append(new_weapon_stats(wid, name, *group))
        return tuple(rows)


new_weapon_values = fast_constructor(WeaponValues)
"""Build a WeaponValues (ids, names, values, origin, rows) without the dataclass ``__init__``."""


def values_of_rows(rows: tuple[WeaponStats, ...]) -> WeaponValues:
    """The flat form of records built elsewhere (a hand-built record; rare)."""
    values = tuple(v for w in rows for v in (w.hits, w.shots, w.kills, w.deaths, w.headshots))
    ids = tuple(w.weapon_id for w in rows)
    names = tuple(w.weapon_name for w in rows)
    return new_weapon_values(ids, names, values, None, rows)


Totals = tuple[int, int, int, int, int]
"""(kills, deaths, headshots, shots, hits) summed over a player's weapons."""


def _totals_function(count: int) -> Callable[[tuple[int, ...]], Totals]:
    """The totals of ``count`` weapons' flat values as one generated expression.

    Why: five slices and five ``sum`` calls cost ~9,000 machine instructions a player (twice
    per R2 round); the spelled-out additions of a function made for the weapon count ~7,000.
    """

    def column(field: int) -> str:
        return " + ".join(f"v[{5 * k + field}]" for k in range(count)) or "0"

    source = (
        "def totals(v):\n"
        f"    return ({column(2)}, {column(3)}, {column(4)}, {column(1)}, {column(0)})\n"
    )
    namespace: dict[str, Any] = {}
    exec(source, namespace)  # as fast_constructor does: generated once, at import
    function: Callable[[tuple[int, ...]], Totals] = namespace["totals"]
    return function


_TOTALS_BY_COUNT: tuple[Callable[[tuple[int, ...]], Totals], ...] = tuple(
    map(_totals_function, range(29))  # a weapon mask has 28 bits: 0 to 28 weapons
)


def _difference_function(
    count: int,
) -> Callable[[tuple[int, ...], tuple[int, ...]], tuple[int, ...]]:
    """``after - before`` value by value for ``count`` weapons, as one generated tuple display.

    Why: ``tuple(map(operator.sub, after, before))`` costs ~330 machine instructions a value
    (a call through ``operator.sub`` and the generic number protocol each); the specialised
    bytecode of a spelled-out subtraction ~200.
    """
    items = "".join(f"a[{i}] - b[{i}], " for i in range(5 * count))
    namespace: dict[str, Any] = {}
    exec(f"def difference(a, b):\n    return ({items})\n", namespace)
    function: Callable[[tuple[int, ...], tuple[int, ...]], tuple[int, ...]] = namespace[
        "difference"
    ]
    return function


_DIFFERENCE_BY_COUNT = tuple(map(_difference_function, range(29)))


def difference_of(after: tuple[int, ...], before: tuple[int, ...]) -> tuple[int, ...]:
    """``after - before``, value by value, of two flat weapon values of the same weapons."""
    count = len(after) // 5
    if count < 29 and len(before) == len(after) == 5 * count:
        return _DIFFERENCE_BY_COUNT[count](after, before)
    return tuple(map(sub, after, before))  # pragma: no cover - only hand-built records


def totals_of(values: tuple[int, ...]) -> Totals:
    """(kills, deaths, headshots, shots, hits) summed over flat weapon values."""
    count = len(values) // 5
    if count < 29:
        return _TOTALS_BY_COUNT[count](values)
    return (  # more weapons than a mask holds: only a hand-built record
        sum(values[2::5]),
        sum(values[3::5]),
        sum(values[4::5]),
        sum(values[1::5]),
        sum(values[0::5]),
    )


_zero_rows: dict[tuple[int, str], WeaponStats] = {}


def zero_row(weapon_id: int, name: str) -> WeaponStats:
    """The shared all-zero record of a weapon (records are frozen: one serves every round)."""
    key = (weapon_id, name)
    row = _zero_rows.get(key)
    if row is None:
        if len(_zero_rows) >= 4096:
            _zero_rows.clear()  # bounded; only hand-built records could bring new names
        row = _zero_rows[key] = new_weapon_stats(weapon_id, name, 0, 0, 0, 0, 0)
    return row


def lazy_weapons(cls: type) -> Callable[[Any], WeaponValues]:
    """Make ``cls.weapons`` (a slots dataclass field) lazy; returns the flat-values getter.

    The getter gives the slot's WeaponValues, or builds one from records stored as a tuple.
    """
    get = lazy_field(cls, "weapons", WeaponValues)

    def flat_weapons(obj: Any) -> WeaponValues:
        raw = get(obj)
        return raw if type(raw) is WeaponValues else values_of_rows(raw)

    return flat_weapons
