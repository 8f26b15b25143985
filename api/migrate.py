"""`lastresort migrate`: bring the database schema up to date with Alembic."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from api.settings import PROJECT_ROOT


def migrate(url: str, revision: str = "head") -> None:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["url"] = url
    command.upgrade(config, revision)
