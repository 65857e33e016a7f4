"""Hand the memory a finished step freed back to the operating system (glibc ``malloc_trim``).

A range run executes every step in one process. CPython frees a step's objects, but the C heap
keeps the pages (rows, file bytes and parse results are many small and mid-sized allocations
spread over the heap), so the resident set only ever rises: measured on a seven-year rebuild the
process sat ~250 MB above its start-up size between steps (issue 13). ``malloc_trim(0)`` returns
every free page, wherever it sits in the heap, at a cost of milliseconds per call.

The ``gc.collect()`` before it is what costs: a full collection walks every tracked object, and
after the definitions, the job and its plan are loaded that is ~150–250 ms per call, once per
step (16 % of a 1,000-round rebuild's samples, issue 13). :func:`frozen_loaded_objects` moves
everything alive before the run (imports, definitions, plan) to the collector's permanent
generation for the run, so each collection in it only walks what the steps allocated.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache


@cache
def _trim_function():  # type: ignore[no-untyped-def]
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to do
        return None


@contextmanager
def frozen_loaded_objects() -> Iterator[None]:
    """Exclude every object alive on entry from collections until exit (``gc.freeze``).

    Used around a run's steps: the frozen objects (modules, definitions, the execution plan)
    outlive the run anyway; whatever the steps allocate is collected as usual. On exit they are
    handed back to the collector (a long-lived process, e.g. the tests, runs many ranges).
    """
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def release_freed_memory() -> bool:
    """Collect garbage, then return the heap's free pages; False where libc cannot."""
    gc.collect()
    trim = _trim_function()
    if trim is None:
        return False
    trim(0)
    return True
