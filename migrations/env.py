"""Alembic environment for the slomix_pipeline warehouse.

The application runs migrations programmatically (``warehouse.engine.upgrade_to_head``) and hands
its engine over through ``config.attributes["engine"]``. Run from the command line
(``alembic -c migrations/alembic.ini upgrade head``), the URL comes from ``SLOMIX_DATABASE_URL``
like everywhere else.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, create_engine

from slomix_pipeline.config import load_settings
from slomix_pipeline.warehouse.all_tables import metadata
from slomix_pipeline.warehouse.engine import normalise_url

target_metadata = metadata


def _engine() -> Engine:
    engine = context.config.attributes.get("engine")
    if engine is not None:
        return engine
    return create_engine(normalise_url(load_settings().database_url))


def run_migrations_offline() -> None:
    context.configure(
        url=str(normalise_url(load_settings().database_url)),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = _engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
