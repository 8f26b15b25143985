"""`lastresort policy …`: the policy registry from the command line, and its seed.

Whoever can run these commands can reach the database, so they act as an admin; `--as`
names who the registry records as making the change (default: the operating-system user,
or "cli" when it cannot be told).
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from application.policies import load_policy
from application.registry import RegistryService
from bootstrap.registry import registry_service
from bootstrap.settings import Settings
from cli.environment import load_settings, migrated_database
from domain.access import Principal, Role
from domain.registry import Entry
from projections.shadows import shadow_report
from reports.shadow import ShadowReport
from tools.corpus import show as show_table

app = typer.Typer(
    help="the policy registry: list, shadow, stop, promote, retire, and a shadow's report",
    no_args_is_help=True,
)


def operator() -> str:
    """Who runs the command, as the operating system says (or "cli")."""
    try:
        return getpass.getuser() or "cli"
    except (KeyError, OSError):
        return "cli"


As = Annotated[
    str | None,
    typer.Option("--as", help="who the registry records (default: the OS user, else 'cli')"),
]
Version = Annotated[str, typer.Argument(metavar="VERSION")]


@contextmanager
def registry() -> Iterator[RegistryService]:
    service = registry_service(migrated_database(load_settings()))
    try:
        yield service
    finally:
        service.close()


def admin(name: str | None) -> Principal:
    return Principal((name or operator()).strip() or "cli", Role.ADMIN)


@app.command("list")
def list_() -> None:
    """every policy version: status, when registered and promoted, and by whom"""
    with registry() as service:
        entries = service.entries(admin(None))
    show_table(table(entries))


@app.command()
def shadow(file: Annotated[Path, typer.Argument(metavar="FILE")], as_: As = None) -> None:
    """register the policy in FILE (if new) and run it in the shadow of the live one"""
    policy = load_policy(file)
    with registry() as service:
        show(service.shadow(admin(as_), policy))


@app.command()
def stop(version: Version, as_: As = None) -> None:
    """stop shadowing VERSION"""
    with registry() as service:
        show(service.stop_shadow(admin(as_), version))


@app.command()
def promote(version: Version, as_: As = None) -> None:
    """make VERSION live (the live one until now goes back to registered)"""
    with registry() as service:
        show(service.promote(admin(as_), version))


class Format(StrEnum):
    markdown = "markdown"
    json = "json"


@app.command()
def report(
    version: Version,
    format_: Annotated[Format, typer.Option("--format", help="markdown or json")] = Format.markdown,
) -> None:
    """what VERSION did in shadow: conversations it would end earlier, later or not at all"""
    from cli.audit import catch_up, current_container  # the container: only for this command

    settings = load_settings()
    with current_container(settings) as container:
        container.registry.entry(admin(None), version)
        if not catch_up(container):
            print("warning: projections are behind; the report may be stale", file=sys.stderr)
        shadowed = ShadowReport.of(container.read_side.read(shadow_report, version))
    if format_ is Format.json:
        print(json.dumps(shadowed.to_json(), indent=2))
    else:
        print(shadowed.to_markdown(), end="")


@app.command()
def retire(version: Version, as_: As = None) -> None:
    """retire VERSION for good (not the live one)"""
    with registry() as service:
        show(service.retire(admin(as_), version))


def seed(settings: Settings, url: str) -> None:
    """Seed an empty registry with the policy file, registered and live, by "system"."""
    policy = load_policy(settings.policy_file)
    service = registry_service(url)
    try:
        if service.seed(policy):
            print(f"policy registry seeded: {policy.version} is live")
    finally:
        service.close()


def show(entry: Entry) -> None:
    print(f"{entry.version}: {entry.status} (by {entry.by})")


def table(entries: list[Entry]) -> Table:
    grid = Table(title="policy registry")
    for column in ("version", "status", "registered at", "promoted at", "by"):
        grid.add_column(column, no_wrap=True)
    for entry in entries:
        grid.add_row(
            entry.version,
            str(entry.status),
            _when(entry.registered_at),
            _when(entry.promoted_at),
            entry.by,
        )
    return grid


def _when(at: datetime | None) -> str:
    return "" if at is None else at.isoformat(timespec="seconds")
