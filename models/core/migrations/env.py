"""Alembic environment: migrations always run on a connection handed in by
``models.core.workspace`` (foreign keys OFF, inside one BEGIN IMMEDIATE transaction)."""
from alembic import context

from models.core.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the app runs migrations
    raise RuntimeError("Ninety migrations run only through models.core.workspace")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
