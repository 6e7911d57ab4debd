"""A read-only PostgreSQL role for the query service (the API and the web page only read)."""

from __future__ import annotations

import re

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from molgen.utils.errors import MolgenError

__all__ = ["create_readonly_role", "readonly_url"]

_ROLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def _quote(engine: Engine, identifier: str) -> str:
    return engine.dialect.identifier_preparer.quote_identifier(identifier)


def create_readonly_role(engine: Engine, name: str, password: str) -> None:
    """Create (or update) a login role that can connect and SELECT, and nothing else.

    The role gets CONNECT on the engine's database, USAGE on the ``public`` schema and
    SELECT on its tables, now and for tables created later by the engine's user. Idempotent.

    Args:
        engine: a PostgreSQL engine connected as a user allowed to create roles.
        name: the role name (letters, digits, underscores).
        password: its login password (sent as a bound parameter, never spliced into SQL).

    Raises:
        MolgenError: not PostgreSQL, or an invalid role name.
    """
    if engine.dialect.name != "postgresql":
        raise MolgenError(f"read-only roles need PostgreSQL, not {engine.dialect.name}")
    if not _ROLE_NAME.match(name):
        raise MolgenError(f"invalid role name {name!r}: use letters, digits and underscores")
    role = _quote(engine, name)
    database = _quote(engine, make_url(engine.url).database or "postgres")
    with engine.begin() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": name}
        ).first()
        if exists is None:
            conn.execute(text(f"CREATE ROLE {role} LOGIN"))
        # ALTER ROLE ... PASSWORD takes no bind parameters; format() quotes the literal.
        statement = conn.execute(
            text(
                "SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', "
                "CAST(:name AS text), CAST(:password AS text))"
            ),
            {"name": name, "password": password},
        ).scalar_one()
        conn.execute(text(statement))
        conn.execute(text(f"ALTER ROLE {role} NOSUPERUSER NOCREATEDB NOCREATEROLE"))
        conn.execute(text(f"ALTER ROLE {role} SET default_transaction_read_only = on"))
        conn.execute(text(f"REVOKE CREATE ON SCHEMA public FROM {role}"))
        conn.execute(text(f"GRANT CONNECT ON DATABASE {database} TO {role}"))
        conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
        conn.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}"))
        conn.execute(
            text(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {role}")
        )


def readonly_url(engine: Engine, name: str, password: str) -> str:
    """The engine's URL with the user and password replaced by the read-only role's."""
    url = make_url(engine.url).set(username=name, password=password)
    return url.render_as_string(hide_password=False)
