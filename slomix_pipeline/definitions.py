"""Code location entry point: everything under ``defs/`` plus project-wide settings.

Runs execute in process: the work is I/O against the warehouse, and a spawned process per step
would cost seconds of re-imports per run (see docs/architecture.md).

The component tree is built from the imported ``defs`` package rather than by discovering
``pyproject.toml``: an installed wheel has no ``pyproject.toml``, and the location name must be
the same (``slomix_pipeline``) under ``dg dev``, ``workspace.yaml`` and a wheel install, because
sensor cursors and run history are keyed by it.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

import slomix_pipeline.defs as defs_package

CODE_LOCATION_NAME = "slomix_pipeline"


@dg.definitions
def defs() -> dg.Definitions:
    tree = dg.ComponentTree(
        defs_module=defs_package,
        project_root=Path(__file__).resolve().parent.parent,
        code_location_name=CODE_LOCATION_NAME,
    )
    return dg.Definitions.merge(
        tree.build_defs(),
        dg.Definitions(executor=dg.in_process_executor),
    )
