"""`lastresort replay`: a candidate policy over the recorded history, or `--check` it.

The engine is `tools.replay`; this is its command line, with rich's progress bar on stderr
when stderr is a terminal.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from application.policies import load_policy
from cli.environment import load_settings, migrated_database
from domain.errors import BadInput
from domain.policy import Policy
from tools.replay import Result, Selection, markdown, replay_history, report_json, summary_table


def replay(
    policy: Annotated[Path | None, typer.Option(help="candidate policy file (TOML)")] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="replay each turn under the policy recorded with it; exit 1 on any mismatch",
        ),
    ] = False,
    since: Annotated[
        datetime | None,
        typer.Option(
            parser=datetime.fromisoformat, help="conversations started at or after (ISO 8601)"
        ),
    ] = None,
    until: Annotated[
        datetime | None,
        typer.Option(parser=datetime.fromisoformat, help="conversations started before (ISO 8601)"),
    ] = None,
    model: Annotated[str | None, typer.Option(help="only conversations on this model")] = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="at most this many conversations")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="processes (default: every core)")
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="write the full report as JSON here")
    ] = None,
    markdown_out: Annotated[
        Path | None, typer.Option("--markdown", help="write the report as Markdown here")
    ] = None,
) -> None:
    """Exit 0 when done, 1 when --check found mismatches, 2 on bad input."""
    if policy is None and not check:
        raise BadInput("give a candidate with --policy FILE, or use --check")
    # With --check a given policy file is still validated, but history replays under the
    # policies recorded with it.
    loaded = load_policy(policy) if policy is not None else None
    candidate = None if check else loaded
    selection = Selection(since, until, model, limit)
    url = migrated_database(load_settings())
    report = report_json(_run(url, candidate, selection, workers), candidate, selection)
    print(summary_table(report))
    if json_out:
        json_out.write_text(json.dumps(report, indent=2) + "\n")
    if markdown_out:
        markdown_out.write_text(markdown(report))
    raise typer.Exit(1 if report["mismatch_count"] else 0)


def _run(url: str, candidate: Policy | None, selection: Selection, workers: int | None) -> Result:
    """The replay, with a progress bar (rate and time left) when stderr is a terminal."""
    console = Console(stderr=True)
    if not console.is_terminal:
        return replay_history(url, candidate, selection, workers)
    columns = (
        TextColumn("replaying"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("events"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("replay", total=None)
        return replay_history(
            url,
            candidate,
            selection,
            workers,
            lambda done, total: bar.update(task, completed=done, total=total),
        )
