"""Every warehouse table, registered on one ``MetaData`` (Alembic env and schema tests use this).

Each source keeps its tables in its own module (``schema.py`` for stats files, ``schema_lua.py``,
``schema_proximity.py``, ...); importing them here registers them on the shared metadata.
"""

from __future__ import annotations

import slomix_pipeline.warehouse.schema_datasets as _datasets  # noqa: F401  (careers)
import slomix_pipeline.warehouse.schema_endstats as _endstats  # noqa: F401  (awards, VS)
import slomix_pipeline.warehouse.schema_identity as _identity  # noqa: F401  (players ledger)
import slomix_pipeline.warehouse.schema_lua  # noqa: F401  (registers the Lua tables)
import slomix_pipeline.warehouse.schema_proximity as _proximity  # noqa: F401  (its tables)
import slomix_pipeline.warehouse.schema_publish as _publish  # noqa: F401  (Discord ledger)
import slomix_pipeline.warehouse.schema_sessions as _sessions  # noqa: F401  (links, sessions)
from slomix_pipeline.warehouse import schema
from slomix_pipeline.warehouse.schema import metadata

__all__ = ["metadata", "schema"]
