"""Alembic environment of the candidate store.

Migrations run programmatically (see :mod:`molgen.store.migrate`): the caller passes an open
connection, already inside a locked transaction, in ``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context

from molgen.store.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the store's migrations through molgen.store.migrate.upgrade()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
