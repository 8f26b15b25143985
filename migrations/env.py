"""Runs migrations against the URL given by the caller or the configured database."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from bootstrap.database import database_url
from bootstrap.settings import Settings
from eventstore.database import sqlalchemy_url

url = context.config.attributes.get("url") or database_url(Settings.from_env())
engine = create_engine(sqlalchemy_url(url), poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
