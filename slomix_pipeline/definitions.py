"""Code location entry point: everything under ``defs/`` plus project-wide settings.

Runs execute in process: the work is I/O against the warehouse, and a spawned process per step
would cost seconds of re-imports per run (see docs/architecture.md).
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions.merge(
        dg.load_from_defs_folder(path_within_project=Path(__file__).parent),
        dg.Definitions(executor=dg.in_process_executor),
    )
