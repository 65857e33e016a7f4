"""``ingest.ordered_pool``: results in item order, workers started at the call, freed on close."""

from __future__ import annotations

import gc
import multiprocessing
import os

import pytest

from slomix_pipeline.ingest.ordered_pool import _forkable, ordered_map

pytestmark = pytest.mark.skipif(not _forkable(), reason="worker processes need fork")


def _square_with_pid(offset: int, item: int) -> tuple[int, int]:
    if item < 0:
        raise ValueError(f"bad item {item}")
    return item * item + offset, os.getpid()


def test_results_come_in_item_order_from_worker_processes() -> None:
    items = list(range(12))
    got = list(ordered_map(_square_with_pid, 5, items, workers=2, window=3))
    assert [value for value, _ in got] == [i * i + 5 for i in items]
    assert os.getpid() not in {pid for _, pid in got}
    assert multiprocessing.active_children() == []  # the pool shut down with the last result


def test_workers_start_at_the_call_and_close_releases_them() -> None:
    results = ordered_map(_square_with_pid, 0, list(range(6)), workers=2)
    assert multiprocessing.active_children()  # started before any result was asked for
    results.close()
    assert multiprocessing.active_children() == []
    assert list(results) == []


def test_a_worker_error_is_raised_in_order_and_releases_the_pool() -> None:
    results = ordered_map(_square_with_pid, 0, [1, 2, -3, 4], workers=2)
    assert [next(results)[0], next(results)[0]] == [1, 4]
    with pytest.raises(ValueError, match="bad item -3"):
        next(results)
    assert multiprocessing.active_children() == []


def test_inline_without_workers() -> None:
    got = ordered_map(_square_with_pid, 1, [3, 4], workers=0)
    assert list(got) == [(10, os.getpid()), (17, os.getpid())]


def _gc_state(_context: None, _item: int) -> tuple[int, int]:
    return gc.get_freeze_count(), gc.get_threshold()[0]


def test_workers_leave_inherited_objects_out_of_collections() -> None:
    """What a worker inherits is frozen (never scanned by its collections), and its youngest
    generation is collected less often than the interpreter's default."""
    got = list(ordered_map(_gc_state, None, [1, 2, 3], workers=2))
    assert all(frozen > 10_000 for frozen, _ in got)
    assert {threshold for _, threshold in got} == {10_000}
    assert gc.get_freeze_count() == 0  # the parent is untouched
