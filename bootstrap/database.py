"""Which database the commands use; apart from the container, whose imports (the HTTP app,
the models' SDK) would slow every command that needs only a URL, `project` among them."""

from __future__ import annotations

from bootstrap.settings import Settings
from eventstore.database import start_embedded
from eventstore.keys import PostgresKeys
from eventstore.transcoder import EventMapper, event_mapper


def database_url(settings: Settings) -> str:
    """The configured URL, or start (or reuse) the embedded Postgres and return its URL."""
    if settings.database_url:
        return settings.database_url
    return start_embedded(settings.require_home("DATABASE_URL") / "pgdata")


def data_keys(settings: Settings, url: str) -> PostgresKeys:
    """The conversations' data keys in the database at `url`, opened with the master key."""
    return PostgresKeys(url, settings.master())


def keyed_mapper(settings: Settings, url: str) -> EventMapper:
    """The event mapper of a process that reads text (the projections): with the data keys."""
    return event_mapper(data_keys(settings, url))
