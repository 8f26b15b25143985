"""Which database the commands use; apart from the container, whose imports (the HTTP app,
the models' SDK) would slow every command that needs only a URL, `project` among them."""

from __future__ import annotations

from bootstrap.settings import Settings
from eventstore.database import start_embedded


def database_url(settings: Settings) -> str:
    """The configured URL, or start (or reuse) the embedded Postgres and return its URL."""
    if settings.database_url:
        return settings.database_url
    return start_embedded(settings.require_home("DATABASE_URL") / "pgdata")
