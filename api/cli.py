"""The `lastresort` command line."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from api import replay, verify
from api.auth import TokenSigner
from api.database import database_url
from api.migrate import migrate
from api.settings import ConfigurationError, Settings
from domain.access import Role
from domain.errors import DomainError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lastresort", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="migrate the database and serve the API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--demo",
        action="store_true",
        help="first record the demo conversations (idempotent) and print a "
        "sign-in link to the audit",
    )
    serve.add_argument(
        "--proxy-headers",
        action="store_true",
        help="behind a reverse proxy: take the client's scheme and address from its "
        "X-Forwarded-Proto/-For headers (so cookies are Secure behind HTTPS)",
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        default=os.environ.get("LASTRESORT_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        help="comma-separated proxy addresses whose forwarded headers are trusted "
        "(default: $LASTRESORT_FORWARDED_ALLOW_IPS or 127.0.0.1)",
    )
    serve.add_argument(
        "--no-projections",
        action="store_true",
        help="run no projections here (run `lastresort project` elsewhere)",
    )
    project = commands.add_parser("project", help="run the projections as a separate process")
    project_mode = project.add_mutually_exclusive_group()
    project_mode.add_argument(
        "--retry-quarantined",
        action="store_true",
        help="apply again the events the read models set aside, then exit "
        "(0 when all were applied, 1 when some remain)",
    )
    project_mode.add_argument(
        "--rebuild",
        action="append",
        default=[],
        metavar="NAME",
        help="rebuild this read model from position 0 first (repeatable)",
    )
    commands.add_parser("migrate", help="bring the database schema up to date")
    replay.add_parser(commands)
    commands.add_parser("demo", help="record realistic demo conversations (idempotent)")
    audit_cmd = commands.add_parser("audit", help="print a conversation's audit case file")
    audit_cmd.add_argument("id", help="conversation id")
    verify.add_parser(commands)
    token = commands.add_parser("token", help="print a bearer token (on the last line)")
    token.add_argument("--user", required=True)
    token.add_argument("--role", choices=[str(r) for r in Role], default=str(Role.USER))
    token.add_argument("--ttl", type=int, default=None, help="lifetime in seconds")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = Settings.from_env()
    try:
        if args.command == "serve":
            proxy = (args.proxy_headers, args.forwarded_allow_ips)
            return _serve(settings, args.host, args.port, not args.no_projections, args.demo, proxy)
        if args.command == "project":
            if args.retry_quarantined:
                return _retry_quarantined(settings)
            return _project(settings, args.rebuild)
        if args.command == "replay":
            return replay.run(args, settings)
        if args.command == "audit":
            from api.audit.command import run as audit

            return audit(settings, args.id)
        if args.command == "demo":
            from api import demo

            return demo.run(settings, "http://127.0.0.1:8000")
        if args.command == "verify":
            return verify.run(args, settings)
        if args.command == "migrate":
            migrate(database_url(settings))
            print("database is up to date")
            return 0
        signer = TokenSigner(settings.signing_secret(), settings.token_ttl_seconds)
        print(f"token for {args.user} ({args.role}):")
        print(signer.mint(args.user.strip(), Role(args.role), args.ttl))
        return 0
    except DomainError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 2
    except ConfigurationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


GRACEFUL_SHUTDOWN_SECONDS = 30


def _serve(
    settings: Settings,
    host: str,
    port: int,
    run_projections: bool = True,
    demo: bool = False,
    proxy: tuple[bool, str] = (False, "127.0.0.1"),
) -> int:
    import signal

    import uvicorn

    from api.app import create_app
    from api.container import Container
    from api.operations import log_as_json

    settings.signing_secret()  # refuse to start without a secret in production, before anything
    url = database_url(settings)
    migrate(url)
    container = Container.build(settings, url, run_projections=run_projections)
    if demo:
        from api.demo import record

        record(container, f"http://{host}:{port}", then="once the server is up")
    app = create_app(container)
    print(
        f"lastresort serving on http://{host}:{port}  (get a token: lastresort token --user NAME)"
    )
    log_as_json()
    # uvicorn re-raises SIGTERM once it has shut down: exit normally then, so that exit
    # handlers run (the embedded Postgres is stopped by its own).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # On SIGTERM uvicorn stops accepting, lets in-flight turns finish (up to the timeout),
    # then the lifespan stops the projection runners and closes the pools.
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        proxy_headers=proxy[0],  # off unless asked: uvicorn's default trusts 127.0.0.1
        forwarded_allow_ips=proxy[1],
    )
    return 0


def _project(settings: Settings, rebuild: Sequence[str]) -> int:
    """Run every projection until interrupted or terminated; a second copy waits to take over."""
    import signal
    import threading

    from api.transcoder import EventMapper, OrjsonTranscoder
    from projections.readside import VIEW_NAMES, make_runners

    unknown = set(rebuild) - set(VIEW_NAMES)
    if unknown:
        print(
            f"error: no read model {sorted(unknown)}; choose from {list(VIEW_NAMES)}",
            file=sys.stderr,
        )
        return 2
    url = database_url(settings)
    migrate(url)
    mapper = EventMapper(transcoder=OrjsonTranscoder())
    runners = [r.start() for r in make_runners(url, mapper, rebuild=rebuild)]
    print(f"projecting {', '.join(VIEW_NAMES)} (Ctrl-C to stop)", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())  # a batch in flight commits first
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        for runner in runners:
            runner.stop()
    return 0


def _retry_quarantined(settings: Settings) -> int:
    """Apply the quarantined events again (after a fix); say what became of each."""
    from api.transcoder import EventMapper, OrjsonTranscoder
    from projections.retry import retry_quarantined

    url = database_url(settings)
    migrate(url)
    outcomes = retry_quarantined(url, EventMapper(transcoder=OrjsonTranscoder()))
    for outcome in outcomes:
        print(outcome.describe())
    kept = sum(outcome.result == "kept" for outcome in outcomes)
    resolved = len(outcomes) - kept
    print(f"retried {len(outcomes)} quarantined events: {resolved} resolved, {kept} remain")
    return 1 if kept else 0


if __name__ == "__main__":
    sys.exit(main())
