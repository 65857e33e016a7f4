"""The project installs and runs from a built wheel, as an operator would deploy it.

Why: an editable install finds ``migrations/`` at the repository root, so a wheel that forgot the
Alembic scripts (or a dependency that is imported but not declared) only fails for users who
``pip install`` the package. This test builds the wheel, installs it into a fresh virtual
environment outside the checkout, runs the demo there and reads the warehouse it wrote.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"{cmd[:3]} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


def _clean_env(tmp: Path) -> dict[str, str]:
    """The caller's environment without project settings, so only the wheel's defaults apply."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLOMIX_", "DAGSTER_"))}
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    env["DAGSTER_HOME"] = str(tmp / "dagster_home")
    return env


def test_wheel_carries_migrations_and_runs_the_demo(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), "."],
        cwd=REPO_ROOT,
    )
    (wheel,) = dist.glob("slomix_pipeline-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "slomix_pipeline/migrations/env.py" in names
    assert "slomix_pipeline/instance/dagster.yaml" in names  # the instance template
    versions = [n for n in names if n.startswith("slomix_pipeline/migrations/versions/")]
    shipped = sorted(p.name for p in (REPO_ROOT / "migrations" / "versions").glob("*.py"))
    assert sorted(Path(n).name for n in versions if n.endswith(".py")) == shipped

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], cwd=tmp_path)

    workdir = tmp_path / "operator"
    workdir.mkdir()
    env = _clean_env(tmp_path)
    out = _run(
        [str(env_dir / "bin" / "slomix-pipeline"), "demo", "--data-dir", str(workdir / "data")],
        cwd=workdir,
        env=env,
    )
    assert "SUCCESS" in out, out[-2000:]
    seeded = (tmp_path / "dagster_home" / "dagster.yaml").read_text()
    assert "QueuedRunCoordinator" in seeded  # the shipped instance template seeded the home

    # The migrations ran from the installed copy (the checkout is nowhere on this path).
    probe = "import slomix_pipeline.warehouse.engine as e; print(e.migrations_dir())"
    installed = _run(
        [str(python), "-c", probe],
        cwd=workdir,
        env=env,
    ).strip()
    assert installed.startswith(str(env_dir)), installed

    with sqlite3.connect(workdir / "data" / "warehouse.sqlite") as db:
        rounds = db.execute("SELECT COUNT(*) FROM rounds").fetchone()[0]
        players = db.execute("SELECT COUNT(*) FROM player_comprehensive_stats").fetchone()[0]
        sessions = db.execute("SELECT COUNT(*) FROM gaming_sessions").fetchone()[0]
        head = db.execute("SELECT version_num FROM alembic_version").fetchall()
    assert rounds > 0 and players > rounds and sessions > 0
    assert head, "alembic_version is empty: the migrations did not run"


def test_lock_pins_every_declared_dependency_within_its_range() -> None:
    """requirements.lock must cover pyproject's dependencies, or installs drift silently."""
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    declared = [Requirement(r) for r in project["dependencies"]]
    declared += [
        Requirement(r) for extra in project["optional-dependencies"].values() for r in extra
    ]
    pins: dict[str, str] = {}
    for line in (REPO_ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version
    missing = [r.name for r in declared if canonicalize_name(r.name) not in pins]
    assert not missing, f"not pinned in requirements.lock (run scripts/lock): {missing}"
    outside = [
        f"{r.name}=={pins[canonicalize_name(r.name)]} !~ {r.specifier}"
        for r in declared
        if not r.specifier.contains(pins[canonicalize_name(r.name)], prereleases=True)
    ]
    assert not outside, f"requirements.lock is stale (run scripts/lock): {outside}"
