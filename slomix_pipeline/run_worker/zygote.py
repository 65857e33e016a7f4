"""The zygote: one pre-warmed process that forks a run worker for each run.

Why: Dagster's default launcher asks the code server to start every run in a new process with
multiprocessing "spawn": a fresh interpreter imports Dagster (~1 s CPU) and builds the code
location (~2 s CPU) before the run's first event; on the shared 2-core box that was 5-6 s of
wall time between a run being created and its RUN_START. This process pays it once: it
imports the modules named by ``--preload`` (``module:attribute`` also builds that code
location, which imports every asset module), then waits for requests and forks. The child has
all of it in memory already and executes the run with the body of ``dagster api execute_run``
(:func:`run_in_child`), so the run's events (RUN_START, "Started process for run (pid: N)",
the end) and its exit are those of Dagster's command-line run worker.

Fork safety: a fork copies only the calling thread, and a copied database connection or gRPC
channel would be shared by two processes. So the zygote never opens one (no instance, no
engine, no client), and before every fork it checks that it has a single thread and no socket
other than its control socket; otherwise it refuses (the launcher then starts the run the
default way and replaces the zygote).

Stale code: the zygote remembers the size and mtime of every file under the preloaded
packages; a launch after any of them changed, appeared or vanished is refused as ``stale`` and
the zygote exits, so the launcher starts a new one (a deploy never runs old code).

Protocol, newline-separated JSON over the socket inherited as ``--control-fd``::

    zygote   -> {"ready": true, "pid": N, "bin_dir": "...", "modules": {"name": "file"}}   once
              | {"ready": false, "error": "..."}                                   then exits
    launcher -> {"op": "launch", "run_id": "...", "args": "<serialized ExecuteRunArgs>"}
    zygote   -> {"ok": true, "pid": N} | {"ok": false, "stale": true|false, "error": "..."}
    launcher -> {"op": "ping"}   zygote -> {"ok": true, "pid": N}

End of file on the socket (the daemon exited or replaced it) ends the zygote; the run workers
it forked keep running to the end of their runs.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Iterable, Mapping, Sequence

Stamps = dict[str, tuple[int, int]]

READY_LINE = "slomix warm run worker ready"
"""Printed on the zygote's stderr (the daemon's log) once it accepts launches."""
EXIT_CHILD_CRASHED = 70
"""Exit status of a forked child whose run body raised outside Dagster's own handling."""


# ------------------------------------------------------------------------------ preloading


def split_preload(spec: str) -> tuple[str, str | None]:
    """``"pkg.module:attribute"`` -> ``("pkg.module", "attribute")``; no colon: no attribute."""
    module, _, attribute = spec.partition(":")
    if not module:
        raise ValueError(f"preload entry without a module: {spec!r}")
    return module, attribute or None


def _location_key(pointer: object, load_data: object) -> tuple[object, ...] | None:
    """What identifies a code location build in this process, or None: do not share it.

    The working directory is left out: once the module is imported it changes nothing (the
    import is cached). Load data is shared only when it carries nothing to rebuild from (no
    cacheable assets, reconstruction metadata or definitions state), which is then the same
    build as with none at all.
    """
    target = getattr(pointer, "module", None) or getattr(pointer, "python_file", None)
    attribute = getattr(pointer, "fn_name", None) or getattr(pointer, "attribute", None)
    if target is None:
        return None
    if load_data is not None and (
        getattr(load_data, "cacheable_asset_data", None)
        or getattr(load_data, "reconstruction_metadata", None)
        or getattr(load_data, "defs_state_info", None) is not None
    ):
        return None
    return (type(pointer).__name__, target, attribute)


def share_code_location_builds() -> None:
    """Build each code location once in the zygote; forked children reuse that build.

    Without this a child rebuilds the definitions the zygote already built, twice (once for
    the run's job, once for its asset subset: Dagster caches one job per process), about
    0.5 s of CPU per run. With it a child gets what a code server serving many runs from one
    load gets. Applied in the zygote only (``dagster._core.definitions.reconstruct`` of this
    process); a load Dagster would build differently (see :func:`_location_key`) is rebuilt.
    """
    from dagster._core.definitions import reconstruct

    build = reconstruct.reconstruct_repository_def_from_pointer
    if getattr(build, "_slomix_shared", False):
        return
    built: dict[tuple[object, ...], object] = {}

    def shared_build(pointer, repository_load_data=None):  # type: ignore[no-untyped-def]
        key = _location_key(pointer, repository_load_data)
        if key is None:
            return build(pointer, repository_load_data)
        if key not in built:
            built[key] = build(pointer, repository_load_data)
        return built[key]

    shared_build._slomix_shared = True  # type: ignore[attr-defined]
    reconstruct.reconstruct_repository_def_from_pointer = shared_build


def preload(specs: Sequence[str], working_directory: str | None) -> dict[str, str]:
    """Import Dagster, the child's entry point and every preload entry; build code locations.

    Returns each preloaded module's file (the launcher compares them with the runs' origins).
    """
    import dagster  # noqa: F401  (the point is to have it imported before forking)
    from dagster._cli.api import execute_run_command  # noqa: F401  (the child's entry point)
    from dagster._core.definitions.reconstruct import ReconstructableRepository

    if working_directory and working_directory not in sys.path:
        sys.path.insert(0, working_directory)
    share_code_location_builds()
    files: dict[str, str] = {}
    for spec in specs:
        name, attribute = split_preload(spec)
        module = importlib.import_module(name)
        files[name] = os.path.abspath(getattr(module, "__file__", None) or "")
        if attribute:
            # Builds the Definitions once: imports every module the code location loads lazily
            # (the component tree's asset modules), which is most of a run's start-up.
            ReconstructableRepository.for_module(
                name, attribute, working_directory
            ).get_definition()
    return files


def package_roots(module_names: Iterable[str]) -> list[str]:
    """The folder (or single file) of the top-level package of each preloaded module."""
    roots: set[str] = set()
    for name in module_names:
        top = sys.modules.get(name.split(".")[0])
        file = getattr(top, "__file__", None)
        if not file:
            continue
        path = os.path.abspath(file)
        roots.add(os.path.dirname(path) if os.path.basename(path) == "__init__.py" else path)
    return sorted(roots)


def source_stamps(roots: Sequence[str]) -> Stamps:
    """(mtime_ns, size) of every file under ``roots``, bytecode caches excluded."""
    stamps: Stamps = {}
    for root in roots:
        if os.path.isfile(root):
            stat = os.stat(root)
            stamps[root] = (stat.st_mtime_ns, stat.st_size)
            continue
        for folder, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            for name in names:
                if name.endswith((".pyc", ".pyo")):
                    continue
                path = os.path.join(folder, name)
                try:
                    stat = os.stat(path)
                except OSError:  # vanished while walking
                    continue
                stamps[path] = (stat.st_mtime_ns, stat.st_size)
    return stamps


def changed_sources(
    before: Mapping[str, tuple[int, int]], now: Mapping[str, tuple[int, int]]
) -> list[str]:
    """Files added, removed or modified between two stamp sets, sorted."""
    return sorted(path for path in before.keys() | now.keys() if before.get(path) != now.get(path))


def fork_safety_problems(control_fd: int) -> list[str]:
    """Why forking now would copy shared state into the child (empty: safe)."""
    problems: list[str] = []
    threads = threading.enumerate()
    if len(threads) != 1:
        problems.append(f"{len(threads)} threads ({', '.join(t.name for t in threads)})")
    fd_dir = "/proc/self/fd"
    if os.path.isdir(fd_dir):
        for entry in os.listdir(fd_dir):
            if int(entry) == control_fd:
                continue
            try:
                target = os.readlink(os.path.join(fd_dir, entry))
            except OSError:  # the listing's own descriptor, closed by now
                continue
            if target.startswith("socket:"):
                problems.append(f"open socket on fd {entry}")
    return problems


# ------------------------------------------------------------------------------ the child


def run_in_child(serialized_args: str) -> int:
    """Execute one run in this (forked) process, as ``dagster api execute_run`` does.

    Returns the exit status: 0, or what the command would exit with.
    """
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the run's own subprocesses are waited for
    signal.signal(signal.SIGINT, signal.default_int_handler)  # terminate() interrupts with it
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    from dagster._cli.api import execute_run_command

    try:
        callback = execute_run_command.callback
        if callback is None:  # pragma: no cover - click always sets it for a command
            raise RuntimeError("dagster api execute_run has no callback")
        callback(input_json=serialized_args, compressed_input_json=None)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 1
    except BaseException:
        traceback.print_exc()
        return EXIT_CHILD_CRASHED
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return 0


# ------------------------------------------------------------------------------ serving


def _reap_children(_signum: int | None = None, _frame: object = None) -> None:
    """Collect every ended child at once, so none lingers as a zombie (a zombie's pid still
    answers ``kill(pid, 0)``, which the health checks would read as a live worker)."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


class Zygote:
    """The serving loop over one control socket."""

    def __init__(self, control: socket.socket, roots: Sequence[str]) -> None:
        self.control = control
        self.roots = list(roots)
        self.stamps = source_stamps(self.roots)
        self._buffer = b""

    def send(self, message: Mapping[str, object]) -> None:
        self.control.sendall(json.dumps(message).encode("utf-8") + b"\n")

    def read(self) -> dict[str, object] | None:
        """The next request, or None at end of file."""
        while b"\n" not in self._buffer:
            chunk = self.control.recv(1 << 16)
            if not chunk:
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def serve(self) -> int:
        while True:
            request = self.read()
            if request is None:
                return 0
            op = request.get("op")
            if op == "ping":
                self.send({"ok": True, "pid": os.getpid()})
            elif op == "launch":
                reply = self.launch(str(request["args"]))
                self.send(reply)
                if reply.get("stale"):
                    return 0  # replaced by the launcher
            else:
                self.send({"ok": False, "stale": False, "error": f"unknown op {op!r}"})

    def launch(self, serialized_args: str) -> dict[str, object]:
        changed = changed_sources(self.stamps, source_stamps(self.roots))
        if changed:
            shown = ", ".join(changed[:3]) + (" ..." if len(changed) > 3 else "")
            return {"ok": False, "stale": True, "error": f"code changed since preload: {shown}"}
        problems = fork_safety_problems(self.control.fileno())
        if problems:
            return {"ok": False, "stale": True, "error": "not fork-safe: " + "; ".join(problems)}
        pid = os.fork()
        if pid == 0:  # the run worker: never returns into the loop
            status = EXIT_CHILD_CRASHED
            try:
                self.control.close()
                status = run_in_child(serialized_args)
            finally:
                os._exit(status)
        return {"ok": True, "pid": pid}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="slomix_pipeline warm run worker (zygote)")
    parser.add_argument("--control-fd", type=int, required=True)
    parser.add_argument("--preload", action="append", default=[], help="module[:attribute]")
    parser.add_argument("--working-directory")
    args = parser.parse_args(argv)
    control = socket.socket(fileno=args.control_fd)
    signal.signal(signal.SIGCHLD, _reap_children)
    began = time.monotonic()
    try:
        modules = preload(args.preload, args.working_directory)
        problems = fork_safety_problems(control.fileno())
        if problems:
            raise RuntimeError("loading the code left it unsafe to fork: " + "; ".join(problems))
        zygote = Zygote(control, package_roots(modules))
    except Exception as exc:
        traceback.print_exc()  # the whole story in the daemon's log; the launcher gets one line
        message = {"ready": False, "error": f"{type(exc).__name__}: {exc}"}
        control.sendall(json.dumps(message).encode("utf-8") + b"\n")
        return 1
    gc.freeze()  # what is loaded now stays shared with the children (fewer copied pages)
    print(
        f"{READY_LINE} (pid {os.getpid()}, code loaded in {time.monotonic() - began:.1f} s)",
        file=sys.stderr,
        flush=True,
    )
    zygote.send(
        {
            "ready": True,
            "pid": os.getpid(),
            "bin_dir": os.path.dirname(os.path.abspath(sys.executable)),
            "modules": modules,
        }
    )
    return zygote.serve()


if __name__ == "__main__":
    sys.exit(main())
