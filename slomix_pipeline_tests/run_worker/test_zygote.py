"""The zygote's own rules, on real processes and files: fork safety, stale code, identity,
failure to load, and the daemon entry point starting it only for ``WarmRunLauncher``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from slomix_pipeline import daemon
from slomix_pipeline.run_worker.client import (
    WarmWorkers,
    ZygoteUnavailable,
    process_start_ticks,
    warm_workers,
    worker_alive,
)
from slomix_pipeline.run_worker.zygote import (
    _location_key,
    changed_sources,
    fork_safety_problems,
    source_stamps,
    split_preload,
)


def test_preload_entries_name_a_module_and_optionally_a_code_location() -> None:
    assert split_preload("slomix_pipeline.definitions:defs") == (
        "slomix_pipeline.definitions",
        "defs",
    )
    assert split_preload("dagster") == ("dagster", None)
    with pytest.raises(ValueError, match="without a module"):
        split_preload(":defs")


def test_a_thread_or_an_open_socket_makes_forking_unsafe() -> None:
    control, other = socket.socketpair()
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, name="busy")
    thread.start()
    try:
        problems = fork_safety_problems(control.fileno())
        assert any("busy" in problem for problem in problems)
        assert any(f"fd {other.fileno()}" in problem for problem in problems)
        assert not any(f"fd {control.fileno()}" in problem for problem in problems)
    finally:
        stop.set()
        thread.join()
        control.close()
        other.close()


def test_a_changed_added_or_removed_source_file_is_stale(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "__pycache__").mkdir(parents=True)
    (package / "a.py").write_text("A = 1\n")
    (package / "b.py").write_text("B = 1\n")
    before = source_stamps([str(package)])
    (package / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"cache")  # a child importing
    assert changed_sources(before, source_stamps([str(package)])) == []

    (package / "a.py").write_text("A = 22\n")
    (package / "c.py").write_text("C = 1\n")
    (package / "b.py").unlink()
    changed = changed_sources(before, source_stamps([str(package)]))
    assert changed == sorted(str(package / name) for name in ("a.py", "b.py", "c.py"))


def test_a_worker_is_its_pid_and_start_time() -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    try:
        start = process_start_ticks(child.pid)
        assert start is not None
        assert worker_alive(child.pid, start)
        assert not worker_alive(child.pid, start + 1)  # same pid, another process
    finally:
        child.communicate(b"")
    assert process_start_ticks(child.pid) is None
    assert not worker_alive(child.pid, start)


def test_a_zygote_that_cannot_load_the_code_is_not_used_and_not_restarted_in_a_loop() -> None:
    workers = WarmWorkers(["slomix_pipeline.no_such_module:defs"], None)
    try:
        workers.ensure_started()
        zygote = workers.zygote
        assert zygote is not None
        zygote.wait_ready(timeout=120)
        assert zygote.failed is not None and "no_such_module" in zygote.failed
        with pytest.raises(ZygoteUnavailable, match="no_such_module"):
            workers.launch("run", "{}", os.path.dirname(sys.executable))
        assert workers.restarts == 1
        with pytest.raises(ZygoteUnavailable, match=r"no_such_module.*next start in"):
            workers.launch("run", "{}", os.path.dirname(sys.executable))
        assert workers.zygote is None  # waiting out its pause, no new process
    finally:
        workers.stop()


def test_the_daemon_entry_point_warms_only_a_warm_launcher(tmp_path: Path) -> None:
    assert daemon.prewarm_run_workers(None) is False
    assert daemon.prewarm_run_workers(str(tmp_path)) is False  # no instance file
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    assert daemon.prewarm_run_workers(str(tmp_path)) is False  # the default launcher
    (tmp_path / "dagster.yaml").write_text(
        "run_launcher:\n"
        "  module: slomix_pipeline.run_worker.launcher\n"
        "  class: WarmRunLauncher\n"
        "  config:\n"
        "    preload: [json]\n"
    )
    workers = warm_workers(["json"], None)
    try:
        assert daemon.prewarm_run_workers(str(tmp_path)) is True
        assert workers.zygote is not None
        workers.zygote.wait_ready(timeout=120)
        assert workers.zygote.ready, workers.zygote.failed
    finally:
        workers.stop()


def test_code_location_builds_are_shared_only_when_nothing_would_differ() -> None:
    from dagster._core.code_pointer import CodePointer
    from dagster._core.definitions.repository_definition import RepositoryLoadData

    here = CodePointer.from_module("slomix_pipeline.definitions", "defs", "/srv/a")
    there = CodePointer.from_module("slomix_pipeline.definitions", "defs", "/srv/b")
    empty = RepositoryLoadData(cacheable_asset_data={}, reconstruction_metadata={})
    cached = RepositoryLoadData(cacheable_asset_data={"x": []}, reconstruction_metadata={})
    assert _location_key(here, None) == _location_key(there, empty) is not None
    assert _location_key(here, cached) is None
    other = CodePointer.from_module("slomix_pipeline.definitions", "other", "/srv/a")
    assert _location_key(other, None) != _location_key(here, None)
