"""Run a range materialization in a child process that cannot read what its mode forbids.

Why: an unreadable landing file (mode 0) is a real trigger of issue 12, but root reads anything:
the kernel lets it through because of the ``CAP_DAC_OVERRIDE`` / ``CAP_DAC_READ_SEARCH``
capabilities, and CI runs the tests as root. The child started here drops those two
capabilities from its bounding set before it execs Python, so the new program (still uid 0, same
files, same database) gets ``EACCES`` from ``open()`` on a file whose owner bits forbid reading,
exactly as an unprivileged deployment would. No mock: the failing call is the real ``open``.

Usage (parent): :func:`run_unprivileged_range`; the child entry point is this module's
``__main__``, which prints one JSON line with the run's success and its gate verdicts.
"""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE = 1
CAP_DAC_READ_SEARCH = 2
_REPO_ROOT = Path(__file__).resolve().parents[2]


def drop_file_read_override() -> None:
    """``preexec_fn``: remove the capabilities that let root ignore file modes (no-op for a
    non-root user, who never had them). Dropped from the bounding set, so the ``execve`` that
    follows cannot grant them back."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            errno = ctypes.get_errno()
            raise OSError(errno, f"prctl(PR_CAPBSET_DROP, {cap}): {os.strerror(errno)}")


def run_unprivileged_range(
    days: Sequence[date], env: Mapping[str, str], *, timeout_s: float = 600
) -> dict[str, object]:
    """Materialize every asset over ``days`` in a capability-dropped child; its JSON report."""
    child_env = {**os.environ, **env, "PYTHONPATH": str(_REPO_ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", __name__, *(d.isoformat() for d in days)],
        env=child_env,
        cwd=_REPO_ROOT,
        preexec_fn=drop_file_read_override,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"unprivileged run exited {done.returncode}: {done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _main(argv: Sequence[str]) -> None:
    import dagster as dg

    from slomix_pipeline.runner import materialize_range

    days = [date.fromisoformat(a) for a in argv]
    with dg.instance_for_test() as instance:
        run = materialize_range(days, instance)
    report = {
        "success": run.success,
        "failed_gates": [g.check + ": " + g.description for g in run.gates if not g.passed],
        "blocking_failed": [g.check for g in run.gates if not g.passed and not g.warn_only],
    }
    print(json.dumps(report))


if __name__ == "__main__":
    _main(sys.argv[1:])
