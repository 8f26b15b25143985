"""The `lastresort` command line (`lastresort --help`).

Each command reads the settings from the environment when it runs; an operator's mistake
ends in one `error:` line and exit 2, never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from api.auth import TokenSigner
from bootstrap.database import database_url
from cli import policy, privacy, replay, serve
from cli.environment import MISTAKES, describe, fail, load_settings, make_home, migrated_database
from domain.access import Role
from eventstore.migrate import migrate as migrate_to_head
from tools.corpus import Part

app = typer.Typer(
    name="lastresort",
    help="An event-sourced conversation service whose assistant ends conversations only as a "
    "last resort.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command(help="migrate the database and serve the API")(serve.serve)
app.command(help="run the projections as a separate process")(serve.project)
app.command(help="re-decide the recorded history under a candidate policy (or --check it)")(
    replay.replay
)
app.add_typer(policy.app, name="policy")
app.command()(privacy.new_master_key)
app.command()(privacy.rotate_master_key)
app.command()(privacy.erase)
app.command()(privacy.encrypt_existing)


@app.command()
def migrate() -> None:
    """bring the database schema up to date (and seed an empty policy registry)"""
    settings = make_home(load_settings(), signs=False)
    url = database_url(settings)
    migrate_to_head(url)
    policy.seed(settings, url)
    print("database is up to date")


@app.command()
def token(
    user: Annotated[str, typer.Option(help="the user the token names")],
    role: Annotated[Role, typer.Option(help="user, reviewer or admin")] = Role.USER,
    ttl: Annotated[int | None, typer.Option(min=1, help="lifetime in seconds")] = None,
) -> None:
    """print a bearer token (on the last line)"""
    settings = load_settings()
    signer = TokenSigner(settings.signing_secret(), settings.token_ttl_seconds)
    print(f"token for {user} ({role}):")
    print(signer.mint(user.strip(), role, ttl))


@app.command()
def demo() -> None:
    """record realistic demo conversations (idempotent)"""
    from cli import demo as demo_

    raise typer.Exit(demo_.run(load_settings(), "http://127.0.0.1:8000"))


@app.command()
def audit(conversation_id: Annotated[str, typer.Argument(metavar="ID")]) -> None:
    """print a conversation's audit case file"""
    from cli.audit import run

    raise typer.Exit(run(load_settings(), conversation_id))


@app.command()
def verify(
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
) -> None:
    """check the whole store and the read models; exit 1 naming offending ids"""
    from tools.verify import verify as verify_store

    report = verify_store(migrated_database(load_settings()))
    if as_json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(
            f"verified {report.conversations} conversations, {report.events} events, "
            f"{report.branches} branches, {report.endings} endings; read models at "
            + ", ".join(f"{k} {v}" for k, v in report.positions.items())
        )
        for problem in report.problems:
            print(problem.describe())
        if report.problem_count > len(report.problems):
            print(f"... and {report.problem_count - len(report.problems)} more problems")
        print(
            "offending ids: " + " ".join(sorted(str(i) for i in report.offending_ids))
            if report.offending_ids
            else "clean"
        )
    raise typer.Exit(0 if report.clean else 1)


@app.command()
def corpus(
    part: Annotated[Part, typer.Option(help="which part of the corpus to measure")] = Part.DEV,
    path: Annotated[
        Path | None, typer.Option(help="the folder holding the parts (default: corpus/)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the figures as JSON")] = False,
) -> None:
    """measure the offline assessor on the labelled corpus (no database, no network); with
    the n-gram second opinion unless LASTRESORT_OFFLINE_SECOND_OPINION=none"""
    from bootstrap.container import offline_assessor
    from tools import corpus as corpus_

    policy = corpus_.default_policy()
    assessor = offline_assessor(load_settings())
    report = corpus_.measure(assessor, policy, corpus_.load(path or corpus_.FOLDER, part))
    if as_json:
        figures = corpus_.to_json(report)
        print(json.dumps({"part": part, "assessor": assessor.name, **figures}, indent=2))
    else:
        title = f"{assessor.name} on the {part} corpus, policy {policy.version}"
        corpus_.show(corpus_.table(report, title))


@app.command("train-ngrams")
def train_ngrams(
    path: Annotated[
        Path | None, typer.Option(help="the folder holding the parts (default: corpus/)")
    ] = None,
) -> None:
    """train the offline n-gram second opinion on the corpus's development part only
    (needs `pip install -e '.[semantic]'`) and write its weights into the package"""
    from adapters.offline.ngrams import WEIGHTS_FILE
    from tools import corpus as corpus_
    from tools import train_ngrams as train_

    try:
        done = train_.train(path or corpus_.FOLDER)
    except ModuleNotFoundError as missing:
        fail(f"training needs the semantic extra: pip install -e '.[semantic]' ({missing})")
        raise typer.Exit(2) from None
    print(
        f"C={done.strength} threshold={done.threshold}: held-back development models place "
        f"{done.caught}/{done.harmful} harmful messages in their category at the threshold; "
        f"crisis threshold={done.crisis_threshold}: {done.crisis_caught}/{done.crises} messages "
        f"in crisis recognised; {done.buckets} weight rows written to {WEIGHTS_FILE}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its exit code (2 with one `error:` line for an operator's mistake)."""
    command = typer.main.get_command(app)
    try:
        command.main(args=None if argv is None else list(argv), prog_name="lastresort")
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else int(stop.code is not None)
    except MISTAKES as error:
        fail(describe(error))
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
