"""Postgres for the tests: a throwaway embedded server in a folder of its own."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def scratch_folder() -> Iterator[Path]:
    """A temporary folder outside pytest's own, removed on exit.

    Run as root, an embedded Postgres runs as another OS user, which must reach its data
    folder for as long as it runs; pytest makes its folders private again whenever a
    session starts, so a Postgres kept under them can lose its data folder mid-test."""
    folder = Path(tempfile.mkdtemp(prefix="lastresort-pg-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def embedded_postgres() -> Iterator[Any]:
    """A throwaway embedded Postgres (a pgserver `PostgresServer`): stopped and deleted on exit."""
    from pgserver import get_server  # type: ignore[attr-defined]  # only the fallback needs it

    with scratch_folder() as folder:
        server = get_server(folder / "pgdata", cleanup_mode="delete")
        try:
            yield server
        finally:
            server.cleanup()
