"""A frozen record's field stored in a compact form and read as the usual value, built once.

Why: the stats parser and the round builder keep weapon groups (and a parsed file's player
lines) as plain numbers, because most of those records are never looked at before the warehouse
turns them into rows. :func:`lazy_field` puts a data descriptor over the field's slot: a holder
object stored there reads as ``holder.records()`` (which builds and caches the records), any
other value reads as itself. So every reader, ``==``, ``hash``, ``repr``, ``replace`` and
pickling see exactly the value they saw before; hot paths read the slot itself with the getter
:func:`lazy_field` returns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class _LazyField:
    """Data descriptor over a slot: a ``holder`` instance in it reads as its ``records()``."""

    __slots__ = ("_get", "_holder", "_set", "member")

    def __init__(self, member: Any, holder: type) -> None:
        self._get = member.__get__
        self._set = member.__set__
        self._holder = holder
        self.member = member  # the slot itself, for builders that store into it directly

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        raw = self._get(obj)
        if type(raw) is self._holder:
            return raw.records()
        return raw

    def __set__(self, obj: Any, value: Any) -> None:
        self._set(obj, value)


def lazy_field(cls: type, name: str, holder: type) -> Callable[[Any], Any]:
    """Make field ``name`` of the slots class ``cls`` read ``holder`` values lazily (once).

    Returns the getter of the raw slot (the holder, or whatever else is stored there).
    """
    member = cls.__dict__[name]
    if type(member) is _LazyField:  # pragma: no cover - a module reload
        member = member.member
    setattr(cls, name, _LazyField(member, holder))
    get: Callable[[Any], Any] = member.__get__
    return get
