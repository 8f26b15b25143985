"""Which Postgres to use: `DATABASE_URL`, or an embedded one under the home folder."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit

from api.settings import Settings

log = logging.getLogger(__name__)


def database_url(settings: Settings) -> str:
    """The configured URL, or start (or reuse) the embedded Postgres and return its URL."""
    if settings.database_url:
        return settings.database_url
    return start_embedded(settings.require_home("DATABASE_URL") / "pgdata")


def start_embedded(pgdata: Path) -> str:
    """Start (or reuse) Postgres in `pgdata`. Its initdb and pg_ctl chatter goes to
    `postgres.log` beside `pgdata`, not the terminal: only a failure is worth reading."""
    pgdata.mkdir(parents=True, exist_ok=True)
    chatter = log_to_file("pgserver", pgdata.parent / "postgres.log")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from pgserver import get_server  # type: ignore[attr-defined]  # only the embedded default needs it
    for warning in caught:  # platformdirs' note that XDG_RUNTIME_DIR is unset, for one
        chatter.info("%s", warning.message)
    server = get_server(pgdata.resolve(), cleanup_mode="stop")
    uri: str = server.get_uri()
    log.info("embedded Postgres at %s (its log: %s)", pgdata, pgdata.parent / "postgres.log")
    return uri


def log_to_file(name: str, path: Path) -> logging.Logger:
    """Send logger `name`'s INFO lines to `path` only (once per process), off the terminal."""
    chatter = logging.getLogger(name)
    if not any(isinstance(h, logging.FileHandler) for h in chatter.handlers):
        handler = logging.FileHandler(path)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        chatter.addHandler(handler)
        chatter.setLevel(logging.INFO)
        chatter.propagate = False
    return chatter


def eventsourcing_env(url: str, **extra: str) -> dict[str, str]:
    """The environment eventsourcing's Postgres persistence reads, for `url`."""
    parts = urlsplit(url)
    query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
    host = unquote(query.get("host") or parts.hostname or "127.0.0.1")
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": unquote(parts.path.lstrip("/")) or "postgres",
        "POSTGRES_HOST": host,
        "POSTGRES_PORT": str(parts.port or query.get("port") or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "CREATE_TABLE": "no",
        **extra,
    }


def sqlalchemy_url(url: str) -> str:
    """The same database for SQLAlchemy (Alembic), driven by psycopg 3."""
    scheme, rest = url.split("://", 1)
    if scheme in ("postgres", "postgresql"):
        scheme = "postgresql+psycopg"
    return f"{scheme}://{rest}"
