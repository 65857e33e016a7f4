"""Resources: the warehouse engine and the landing zone, configured from the environment."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from sqlalchemy import Engine

from slomix_pipeline.config import load_settings
from slomix_pipeline.warehouse.engine import open_warehouse


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse database. Empty ``database_url`` means ``SLOMIX_DATABASE_URL`` or SQLite."""

    database_url: str = ""

    def url(self) -> str:
        return self.database_url or load_settings().database_url

    def get_engine(self) -> Engine:
        """The process-wide engine, migrated to the latest schema on first use."""
        return open_warehouse(self.url())


class LandingZoneResource(dg.ConfigurableResource):
    """The landing zone folder. Empty ``data_dir`` means ``SLOMIX_DATA_DIR`` (default ./data)."""

    data_dir: str = ""

    def path(self) -> Path:
        return Path(self.data_dir).resolve() if self.data_dir else load_settings().data_dir


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={"warehouse": WarehouseResource(), "landing": LandingZoneResource()}
    )
