"""The commands that keep people's text private: master keys, erasure, sealing old events."""

from __future__ import annotations

from cli.environment import load_settings, migrated_database


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
