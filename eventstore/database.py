"""Which Postgres to use: `DATABASE_URL`, or an embedded one under the home folder."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict, make_conninfo
from sqlalchemy import URL

log = logging.getLogger(__name__)


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


def with_dbname(url: str, dbname: str) -> str:
    """The same server as `url`, database `dbname` (a conninfo string, which psycopg,
    eventsourcing's settings and Alembic all read through the helpers here)."""
    return make_conninfo(url, dbname=dbname)


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
    info = conninfo_to_dict(url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": str(info.get("dbname") or "postgres"),
        "POSTGRES_HOST": str(info.get("host") or "127.0.0.1"),
        "POSTGRES_PORT": str(info.get("port") or 5432),
        "POSTGRES_USER": str(info.get("user") or "postgres"),
        "POSTGRES_PASSWORD": str(info.get("password") or ""),
        "CREATE_TABLE": "no",
        **extra,
    }


def sqlalchemy_url(url: str) -> URL:
    """The same database for SQLAlchemy (Alembic), driven by psycopg 3."""
    info = {key: str(value) for key, value in conninfo_to_dict(url).items() if value is not None}
    port = info.pop("port", None)
    return URL.create(
        "postgresql+psycopg",
        username=info.pop("user", None),
        password=info.pop("password", None),
        host=info.pop("host", None),
        port=int(port) if port else None,
        database=info.pop("dbname", None),
        query=info,
    )
