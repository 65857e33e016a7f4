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

A worker freezes the garbage collector's view of what it inherited (``gc.freeze``): the parent's
modules (a run process holds Dagster, SQLAlchemy, pandas, Arrow: hundreds of thousands of
objects) are never garbage, yet every full collection the parsing triggers walked them all, and
touching them copied the shared pages into the child. That was ~13 % of a worker's CPU. It also
collects its youngest generation every 10,000 new objects instead of 700: parsing a file makes
tens of thousands of short-lived tuples, and the 700 threshold ran ~25 collections per file.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Protocol, TypeVar

__all__ = ["ClosableIterator", "default_workers", "ordered_map"]

_C = TypeVar("_C")
_T = TypeVar("_T")
_R = TypeVar("_R")

_R_co = TypeVar("_R_co", covariant=True)


class ClosableIterator(Iterator[_R_co], Protocol):
    """An iterator whose :meth:`close` releases what it holds (a generator is one)."""

    def close(self) -> None: ...


_MAX_WORKERS = 4
_YOUNG_COLLECTION_THRESHOLD = 10_000
"""New container objects between a worker's collections of the youngest generation."""
_context: Any = None


def default_workers() -> int:
    """Worker processes for a load: the cores this process may use, at most four."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, _MAX_WORKERS))


def _set_context(context: Any) -> None:
    """Worker start: keep the context; leave the inherited objects out of every collection."""
    global _context
    gc.freeze()
    gc.set_threshold(_YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])
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
) -> ClosableIterator[_R]:
    """``fn(context, item)`` for each item, in order; in ``workers`` processes when > 0.

    ``fn`` must be a module-level function and must not raise for an ordinary bad input (an
    exception in a worker is re-raised here, which ends the map). ``context`` reaches each
    worker once, when it is forked, not with every item.

    With workers, the pool starts and the first ``window`` items are submitted when this is
    called, not when the first result is asked for: the caller's own set-up (the load's
    deletes) then overlaps the first files' preparation. Exhaust or close the iterator to shut
    the pool down.
    """
    if workers < 1 or len(items) < 2 or not _forkable():
        return (fn(context, item) for item in items)
    limit = window if window is not None else 2 * workers
    pool = ProcessPoolExecutor(
        min(workers, len(items)),
        mp_context=multiprocessing.get_context("fork"),
        initializer=_set_context,
        initargs=(context,),
    )
    pending: deque[Future[_R]] = deque()
    queue = iter(items)
    try:
        for item in queue:
            pending.append(pool.submit(_call, fn, item))
            if len(pending) >= limit:
                break
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    return _OrderedResults(pool, pending, queue, fn)


class _OrderedResults(Iterator[_R]):
    """The submitted items' results in order, each one taken replaced by the next item; the
    pool shuts down when the last is taken, on an error, or on :meth:`close`."""

    def __init__(
        self,
        pool: ProcessPoolExecutor,
        pending: deque[Future[_R]],
        queue: Iterator[Any],
        fn: Callable[[Any, Any], _R],
    ) -> None:
        self._pool: ProcessPoolExecutor | None = pool
        self._pending = pending
        self._queue = queue
        self._fn = fn

    def __next__(self) -> _R:
        if not self._pending or self._pool is None:
            self.close()
            raise StopIteration
        try:
            result = self._pending.popleft().result()
            for following in self._queue:
                self._pending.append(self._pool.submit(_call, self._fn, following))
                break
        except BaseException:
            self.close()
            raise
        return result

    def close(self) -> None:
        """Shut the pool down (cancelling what has not started); idempotent."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=True, cancel_futures=True)

    def __del__(self) -> None:
        self.close()
