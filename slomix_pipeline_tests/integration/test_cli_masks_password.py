"""``slomix-pipeline materialize`` against PostgreSQL never prints the database password (issue 12,
item 9: it printed ``SLOMIX_DATABASE_URL`` whole). The real entry point, a real run; every line it
writes to stdout and stderr is searched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from slomix_pipeline.sample_data import generate_landing_zone

CLI = str(Path(sys.executable).parent / "slomix-pipeline")


def test_materialize_output_never_shows_the_password(tmp_path, postgres_url) -> None:
    url = make_url(postgres_url)
    if not url.password:  # trust auth ignores it; a server that checks it has one already
        url = url.set(password="s3cret-Pw_12")
    secret = str(url.password)
    zone = tmp_path / "zone"
    generate_landing_zone(zone, seed=7, nights=1)
    env = {
        **os.environ,
        "DAGSTER_HOME": str(tmp_path / "home"),
        "SLOMIX_DATA_DIR": str(zone),
        "SLOMIX_DATABASE_URL": url.render_as_string(hide_password=False),
    }
    done = subprocess.run(
        [CLI, "materialize"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600
    )
    output = done.stdout + done.stderr
    assert "materializing gaming days" in done.stdout, output[-2000:]
    assert f":***@{url.host}" in done.stdout
    assert secret not in output
