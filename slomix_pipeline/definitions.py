"""Code location entry point: everything under ``defs/`` plus project-wide settings.

Runs execute in process: the work is I/O against the warehouse, and a spawned process per step
would cost seconds of re-imports per run (see docs/architecture.md).

The component tree is built from the imported ``defs`` package rather than by discovering
``pyproject.toml``: an installed wheel has no ``pyproject.toml``, and the location name must be
the same (``slomix_pipeline``) under ``dg dev``, ``workspace.yaml`` and a wheel install, because
sensor cursors and run history are keyed by it.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
from dagster._record import replace

import slomix_pipeline.defs as defs_package
from slomix_pipeline.config import load_settings
from slomix_pipeline.defs.asset_catalog import with_catalog
from slomix_pipeline.quiet import silence_maturity_warnings

silence_maturity_warnings()  # before the component tree loads the defs modules (quiet.py)

EVENT_BATCH_SIZE = "1000"
"""A range run writes one materialization per day per asset: Dagster stores each output's
per-partition events in multi-row INSERTs of this many when ``DAGSTER_EVENT_BATCH_SIZE`` is set
(unset, every event is its own INSERT and transaction). Set here, where every run worker (CLI,
``dg launch``, the daemon's launched runs) loads the code location; an operator's value wins."""
os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", EVENT_BATCH_SIZE)

CODE_LOCATION_NAME = "slomix_pipeline"


@dg.definitions
def defs() -> dg.Definitions:
    tree = dg.ComponentTree(
        defs_module=defs_package,
        project_root=Path(__file__).resolve().parent.parent,
        code_location_name=CODE_LOCATION_NAME,
    )
    built = tree.build_defs()
    # catalog metadata (tables, columns, owners, kinds, rule-derived code versions) is attached
    # here, once, so the asset modules stay about the work (see defs/asset_catalog.py)
    described = replace(
        built, assets=with_catalog(built.assets or [], load_settings().database_url)
    )
    return dg.Definitions.merge(described, dg.Definitions(executor=dg.in_process_executor))
