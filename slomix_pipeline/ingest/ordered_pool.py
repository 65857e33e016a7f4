"""An order-keeping map over worker processes, for CPU-bound per-file work during a load.

A proximity load is one transaction on one connection, so only one process can write; but the
parsing of the next files can run elsewhere meanwhile. :func:`ordered_map` runs ``fn(context,
item)`` for every item in forked worker processes and yields the results **in item order**,
with at most ``window`` results in flight (bounded memory however many files a backfill has),
so the caller writes exactly what a serial loop would have written, in the same order.

Fork, not spawn: a spawned worker re-imports the package, numpy, pandas and Arrow (about a
second of CPU, more than parsing a day's files); a forked one shares the parent's modules. The
child only ever runs ``fn`` on its inputs and leaves with ``os._exit`` (multiprocessing's way),
so it never touches the parent's database connection or open transaction. Where fork is not the
platform's safe default (anything but Linux) or there is nothing to overlap, the map runs inline,
which gives the same results.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

__all__ = ["default_workers", "ordered_map"]

_C = TypeVar("_C")
_T = TypeVar("_T")
_R = TypeVar("_R")

_MAX_WORKERS = 4
_context: Any = None


def default_workers() -> int:
    """Worker processes for a load: the cores this process may use, at most four."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, _MAX_WORKERS))


def _set_context(context: Any) -> None:
    global _context
    _context = context


def _call(fn: Callable[[Any, Any], Any], item: Any) -> Any:
    return fn(_context, item)


def _forkable() -> bool:
    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()


def ordered_map(
    fn: Callable[[_C, _T], _R],
    context: _C,
    items: Sequence[_T],
    *,
    workers: int,
    window: int | None = None,
) -> Iterator[_R]:
    """``fn(context, item)`` for each item, in order; in ``workers`` processes when > 0.

    ``fn`` must be a module-level function and must not raise for an ordinary bad input (an
    exception in a worker is re-raised here, which ends the map). ``context`` reaches each
    worker once, when it is forked, not with every item.
    """
    if workers < 1 or len(items) < 2 or not _forkable():
        for item in items:
            yield fn(context, item)
        return
    limit = window if window is not None else 2 * workers
    pool = ProcessPoolExecutor(
        min(workers, len(items)),
        mp_context=multiprocessing.get_context("fork"),
        initializer=_set_context,
        initargs=(context,),
    )
    pending: deque[Future[_R]] = deque()
    try:
        queue = iter(items)
        for item in queue:
            pending.append(pool.submit(_call, fn, item))
            if len(pending) >= limit:
                break
        while pending:
            result = pending.popleft().result()
            for following in queue:
                pending.append(pool.submit(_call, fn, following))
                break
            yield result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
