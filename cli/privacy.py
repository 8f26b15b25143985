"""The commands that keep people's text private: master keys, erasure, sealing old events."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.environment import load_settings, migrated_database
from cli.policy import operator
from domain.access import Principal, Role


def new_master_key() -> None:
    """print a new master key (for LASTRESORT_MASTER_KEY)"""
    from eventstore.keys import MasterKey

    print(MasterKey.generate())


def rotate_master_key() -> None:
    """re-wrap every data key under LASTRESORT_MASTER_KEY, from LASTRESORT_PREVIOUS_MASTER_KEY
    (resumable: run it again after an interruption)"""
    from eventstore.keys import rotate_master_key as rotate

    settings = load_settings()
    previous, current = settings.previous_master(), settings.master()
    done = rotate(migrated_database(settings), previous, current)
    print(f"re-wrapped {done} data keys under master key {current.id}")


def erase(
    user: Annotated[str, typer.Option(help="the user whose data is erased")],
    as_: Annotated[
        str | None,
        typer.Option("--as", help="who the erasure records (default: the OS user, else 'cli')"),
    ] = None,
) -> None:
    """erase everything USER wrote (as an admin): each conversation records the erasure, and
    its text can never be read again"""
    from bootstrap.container import Container

    settings = load_settings()
    container = Container.build(settings, migrated_database(settings), run_projections=False)
    try:
        admin = Principal((as_ or operator()).strip(), Role.ADMIN)
        erasure = container.service.erase_user(admin, user.strip())
    finally:
        container.close()
    print(
        f"erased {len(erasure.conversation_ids)} conversations of {user} "
        f"on {erasure.at.isoformat()} (by {erasure.by})"
    )


def encrypt_existing() -> None:
    """seal, in place, the texts of events recorded before they were sealed (one time,
    resumable: run it again after an interruption)"""
    from bootstrap.database import keyed_mapper
    from eventstore.sealing_existing import seal_existing

    settings = load_settings()
    url = migrated_database(settings)
    done = seal_existing(
        url, keyed_mapper(settings, url), lambda n: print(f"{n} events sealed so far", flush=True)
    )
    print(f"sealed {done} events; run VACUUM FULL lastresort_events to rewrite the table's files")
