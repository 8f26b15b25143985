"""What every command shares: the settings, the home folder, the database, and turning an
operator's mistake (a bad setting, no home, an unreachable or unmigrated database) into one
line on stderr and exit 2 instead of a traceback."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import psycopg
import sqlalchemy.exc

from bootstrap.database import database_url
from bootstrap.settings import HOME_NAME, ConfigurationError, Settings
from domain.errors import DomainError
from eventstore.database import log_to_file
from eventstore.keys import KeyRefused
from eventstore.store import EVENTS_TABLE

MISTAKES = (
    ConfigurationError,
    DomainError,
    KeyRefused,
    psycopg.OperationalError,
    sqlalchemy.exc.OperationalError,
)


def describe(error: BaseException) -> str:
    """The one line an operator reads for a mistake in `MISTAKES`."""
    if isinstance(error, DomainError):
        return error.message
    if isinstance(error, sqlalchemy.exc.OperationalError):
        error = error.orig or error
    if isinstance(error, psycopg.Error):
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return f"the database cannot be used: {first}"
    return str(error)


def fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def load_settings() -> Settings:
    """The environment's settings, with the CLI's logging set up (INFO on stderr)."""
    settings = Settings.from_env()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    _migrations_log(settings.home)
    return settings


def make_home(settings: Settings, *, signs: bool) -> Settings:
    """For `serve` and `migrate`, which start a user off: when the home is needed (for the
    embedded database, or the generated secret when the command `signs` tokens) and none was
    found, make one in the current folder. Either way say where it is."""
    if settings.database_url and (settings.secret or not signs):
        return settings
    home = settings.home
    if home is None:
        home = Path.cwd() / HOME_NAME
        settings = settings.model_copy(update={"home": home})
        print(f"lastresort home: {home} (new here; set LASTRESORT_HOME to keep it elsewhere)")
    else:
        print(f"lastresort home: {home}")
    home.mkdir(parents=True, exist_ok=True)
    _migrations_log(home)
    return settings


def migrated_database(settings: Settings) -> str:
    """The database's URL, once it is known to hold lastresort's tables."""
    url = database_url(settings)
    with psycopg.connect(url, connect_timeout=10) as conn:
        row = conn.execute("SELECT to_regclass(%s)", (EVENTS_TABLE,)).fetchone()
    if row is None or row[0] is None:
        raise ConfigurationError(
            f"the database has no {EVENTS_TABLE} table: run `lastresort migrate` first"
        )
    return url


def _migrations_log(home: Path | None) -> None:
    """Alembic's step-by-step lines go to `migrate.log` in the home, not the terminal
    (without a home, only its warnings are shown)."""
    if home is not None and home.is_dir():
        log_to_file("alembic", home / "migrate.log")
    elif logging.getLogger("alembic").propagate:
        logging.getLogger("alembic").setLevel(logging.WARNING)
