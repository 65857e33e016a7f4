"""Fast construction of ``frozen=True, slots=True`` dataclass records.

The parser and the differential build ~150 frozen records per file; a frozen dataclass
``__init__`` would store every field through ``object.__setattr__``. See
:func:`fast_constructor` for how the builder avoids that and why the result is a genuine
instance. (Moved out of ``formats/stats_file.py``, which is re-exporting it, to keep that
module from growing.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")


def fast_constructor(
    cls: type[T],
    derived: dict[str, str] | None = None,
    *,
    params: tuple[str, ...] | None = None,
    prelude: tuple[str, ...] = (),
) -> Callable[..., T]:
    """A constructor for a ``frozen=True, slots=True`` dataclass that skips the frozen ``__init__``.

    A frozen dataclass ``__init__`` stores every field through ``object.__setattr__`` (about
    0.1 us per field here); with ~150 records of up to 57 fields per file that alone would eat the
    parser's time budget. The builder is a plain slots class with the same slots in the same
    order, so its instances have the identical memory layout: the generated function stores the
    fields with ordinary attribute writes, then switches the instance's class to ``cls``. The
    result is a genuine ``cls`` instance, frozen, equal and hashing like ``cls(...)`` (a test
    asserts this). It takes the same parameters as ``cls`` (no defaults), except the fields named
    in ``derived``: those map to a Python expression over the other parameters, computed inside
    the builder (a derived value then costs no extra call). Without ``derived`` it falls back
    to ``cls`` itself should the layouts ever be incompatible.

    ``params`` replaces the parameter list (then every field is a formula or a parameter of
    the same name) and ``prelude`` holds statements run before the stores (local names the
    formulas read): a hot caller then builds its record in one call from what it has, instead
    of computing 57 arguments and passing them on.
    """
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    formulas = derived or {}
    unknown = set(formulas) - set(names)
    if unknown:
        raise ValueError(f"{cls.__name__} has no field(s) {sorted(unknown)}")
    # The builder subclasses ``cls`` without adding slots, so switching ``__class__`` finds the
    # layouts equal at once (a separate class with the same slots costs a comparison of both
    # slot-name tuples, ~1,500 instructions at 57 fields, per record). It stores through the
    # plain slot descriptors (also under a lazy field's descriptor) and the generic setattr.
    try:
        members = {name: _slot_member(cls, name) for name in names}
        namespace_of_builder = {
            "__slots__": (),
            "__init__": object.__init__,
            "__setattr__": object.__setattr__,
            "__delattr__": object.__delattr__,
            **members,
        }
        builder = type(f"_{cls.__name__}Builder", (cls,), namespace_of_builder)
        probe = object.__new__(builder)
        probe.__class__ = cls  # type: ignore[assignment]
    except (TypeError, KeyError):  # pragma: no cover - not a slots dataclass after all
        if formulas or params is not None:
            raise
        return cls
    if params is None:
        params = tuple(n for n in names if n not in formulas)
    stores = "".join(f"    obj.{n} = {formulas.get(n, n)}\n" for n in names)
    setup = "".join(f"    {statement}\n" for statement in prelude)
    source = (
        f"def build({', '.join(params)}):\n{setup}"
        f"    obj = _builder()\n{stores}"
        f"    obj.__class__ = _cls\n"
        f"    return obj\n"
    )
    # ``_builder()`` (type call, no arguments) allocates ~30 ns faster than object.__new__.
    namespace: dict[str, Any] = {"_builder": builder, "_cls": cls}
    exec(source, namespace)  # the same technique dataclasses uses to generate __init__
    build: Callable[..., T] = namespace["build"]
    unbound = set(names) - set(formulas) - set(build.__code__.co_varnames)  # type: ignore[attr-defined]
    if unbound:
        raise ValueError(f"{cls.__name__}: no formula, parameter or local for {sorted(unbound)}")
    build.__qualname__ = build.__name__ = f"new_{cls.__name__}"
    build.__doc__ = f"Build a frozen {cls.__name__} ({', '.join(params)})."
    return build


def _slot_member(cls: type, name: str) -> Any:
    """The slot descriptor of field ``name``, also when a lazy field's descriptor wraps it."""
    member = cls.__dict__[name]
    return getattr(member, "member", member)
