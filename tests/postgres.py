"""Postgres for the tests: a throwaway embedded server in a folder of its own, and a
streaming replica of one."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from psycopg.conninfo import make_conninfo


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


@contextmanager
def replicated_postgres() -> Iterator[tuple[str, str]]:
    """A throwaway embedded primary and a streaming replica of it: their URLs. The replica is
    the primary's `pg_basebackup -R` (its default configuration already allows replication
    over its socket), started by the same Postgres binaries, as the same OS user, on a socket
    of its own; both are stopped and deleted on exit, after a failure too."""
    from pgserver._commands import pg_basebackup, pg_ctl
    from pgserver.utils import ensure_prefix_permissions, find_suitable_port

    with embedded_postgres() as primary, scratch_folder() as folder:
        user = primary.system_user  # None unless run as root (Postgres refuses root)
        pgdata = folder / "pgdata"
        pgdata.mkdir(mode=0o700)
        if user is not None:
            ensure_prefix_permissions(pgdata)
            shutil.chown(pgdata, user, user)
        backup = [
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
            "--no-sync",
            "-D",
            str(pgdata),
            "-d",
            primary.get_uri(),
        ]
        pg_basebackup(backup, user=user, timeout=60)
        # A port of its own: the copy holds the primary's socket lock, named after its port.
        port = find_suitable_port()
        start = ["-w", "-o", f'-h "" -p {port} -k {pgdata}', "-l", str(pgdata / "replica.log")]
        pg_ctl([*start, "start"], pgdata=pgdata, user=user, timeout=60)
        try:
            yield primary.get_uri(), make_conninfo(primary.get_uri(), host=str(pgdata), port=port)
        finally:  # immediate: nothing of it is kept (pgserver stops the primary)
            pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=pgdata, user=user)
