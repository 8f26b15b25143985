"""`lastresort serve` and `lastresort project`: the long-running processes."""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import TYPE_CHECKING, Annotated, Any

import typer
import uvicorn
from uvicorn.supervisors import Multiprocess

from bootstrap.database import database_url
from bootstrap.settings import Settings
from cli.environment import load_settings, make_home
from cli.policy import seed
from eventstore.migrate import migrate

if TYPE_CHECKING:
    from fastapi import FastAPI

    from bootstrap.container import Container

GRACEFUL_SHUTDOWN_SECONDS = 30
WORKER_STARTUP_SECONDS = 60  # a worker warms the offline assessor up before it listens


def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="port to listen on")] = 8000,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="first record the demo conversations (idempotent) and print a "
            "sign-in link to the audit",
        ),
    ] = False,
    no_projections: Annotated[
        bool,
        typer.Option(
            "--no-projections", help="run no projections here (run `lastresort project` elsewhere)"
        ),
    ] = False,
    proxy_headers: Annotated[
        bool,
        typer.Option(
            "--proxy-headers",
            help="behind a reverse proxy: take the client's scheme and address from its "
            "X-Forwarded-Proto/-For headers (so cookies are Secure behind HTTPS)",
        ),
    ] = False,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            help="comma-separated proxy addresses whose forwarded headers are trusted "
            "(default: $LASTRESORT_FORWARDED_ALLOW_IPS or 127.0.0.1)"
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="API processes sharing the port (default: the number of cores); "
            "the projections run once, in the parent",
            show_default=False,
        ),
    ] = os.cpu_count() or 1,
) -> None:
    from api.operations import log_as_json
    from bootstrap.container import Container, web_app
    from bootstrap.retention import retention

    settings = make_home(load_settings(), signs=True)
    settings.signing_secret()  # refuse to start without a secret in production, before anything
    settings.master()  # nor without a master key
    url = database_url(settings)
    migrate(url)
    seed(settings, url)
    base = f"http://{host}:{port}"
    banner = f"lastresort serving on {base}  (get a token: lastresort token --user NAME)"
    if workers > 1:
        if demo:  # recorded once, here, before the workers start
            demo_container = Container.build(settings, url, run_projections=False)
            try:
                banner += _demo(demo_container, base)
            finally:
                demo_container.close()
        log_as_json()
        _serve_workers(
            settings,
            url,
            banner,
            workers=workers,
            projections=not no_projections,
            host=host,
            port=port,
            proxy_headers=proxy_headers,
            forwarded_allow_ips=forwarded_allow_ips,
        )
        return
    container = Container.build(settings, url, run_projections=not no_projections)
    if demo:
        banner += _demo(container, base)
    log_as_json()
    # uvicorn re-raises SIGTERM once it has shut down: exit normally then, so that exit
    # handlers run (the embedded Postgres is stopped by its own).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # On SIGTERM uvicorn stops accepting, lets in-flight turns finish (up to the timeout),
    # then the lifespan stops the projection runners and closes the pools.
    config = _uvicorn_config(
        web_app(container), settings, host, port, proxy_headers, forwarded_allow_ips
    )
    expiry = None if no_projections else retention(settings, url)
    try:
        _AnnouncingServer(config, banner).run()
    finally:
        if expiry is not None:
            expiry.stop()


def _demo(container: Container, base: str) -> str:
    """Record the demo; the banner's line with its sign-in link."""
    from cli.demo import record

    return f"\nnow open: {record(container, base)}"


def _uvicorn_config(
    app: Any,
    settings: Settings,
    host: str,
    port: int,
    proxy_headers: bool,
    forwarded_allow_ips: str | None,
    workers: int = 1,
) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        workers=workers,
        factory=workers > 1,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        timeout_worker_healthcheck=WORKER_STARTUP_SECONDS,
        proxy_headers=proxy_headers,  # off unless asked: uvicorn's default trusts 127.0.0.1
        forwarded_allow_ips=forwarded_allow_ips or settings.forwarded_allow_ips,
    )


def _serve_workers(
    settings: Settings,
    url: str,
    banner: str,
    *,
    workers: int,
    projections: bool,
    host: str,
    port: int,
    proxy_headers: bool,
    forwarded_allow_ips: str | None,
) -> None:
    """Serve with `workers` uvicorn worker processes on one socket.

    The projections run here, in the parent, rather than in every worker: the advisory lock
    would keep all but one idle anyway, each holding a connection per read model, and they
    would move whenever uvicorn replaces a worker. The workers inherit what this process
    resolved through the environment: the database URL (so the embedded Postgres, started
    here, is started once) and the home (where the generated secret is)."""
    from bootstrap.database import keyed_mapper
    from bootstrap.retention import retention
    from projections.readside import make_runners

    settings.hand_down(url)
    runners = (
        [r.start() for r in make_runners(url, keyed_mapper(settings, url))] if projections else []
    )
    expiry = retention(settings, url) if projections else None
    config = _uvicorn_config(
        "cli.serve:worker_app", settings, host, port, proxy_headers, forwarded_allow_ips, workers
    )
    try:
        # On SIGTERM uvicorn asks every worker to stop (each finishes its in-flight turns,
        # up to the timeout) and waits for them all.
        _AnnouncingWorkers(config, [config.bind_socket()], banner).run()
    finally:
        for runner in runners:
            runner.stop()
        if expiry is not None:
            expiry.stop()


def worker_app() -> FastAPI:
    """One worker of `serve --workers N` (uvicorn's app factory): its own container, built
    from the settings the parent left in the environment, without projections."""
    from api.operations import log_as_json
    from bootstrap.container import Container, web_app

    log_as_json()
    settings = Settings.from_env()
    return web_app(Container.build(settings, database_url(settings), run_projections=False))


class _AnnouncingServer(uvicorn.Server):
    """uvicorn's server, printing `banner` once it listens: after uvicorn's own startup
    lines, so the demo's sign-in link is the last thing on the terminal."""

    def __init__(self, config: uvicorn.Config, banner: str) -> None:
        super().__init__(config)
        self.banner = banner

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets)
        if self.started:
            print(self.banner, flush=True)


class _AnnouncingWorkers(Multiprocess):
    """uvicorn's worker supervisor, printing `banner` once every worker is ready."""

    def __init__(self, config: uvicorn.Config, sockets: list[Any], banner: str) -> None:
        super().__init__(config, sockets)
        self.banner = banner

    def init_processes(self) -> None:
        super().init_processes()
        timeout = self.config.timeout_worker_healthcheck
        if all(p.wait_until_ready(timeout, self.should_exit) for p in self.processes):
            print(self.banner, flush=True)


def project(
    rebuild: Annotated[
        list[str] | None,
        typer.Option(
            metavar="NAME", help="rebuild this read model from position 0 first (repeatable)"
        ),
    ] = None,
    retry_quarantined: Annotated[
        bool,
        typer.Option(
            "--retry-quarantined",
            help="apply again the events the read models set aside, then exit "
            "(0 when all were applied, 1 when some remain)",
        ),
    ] = False,
) -> None:
    """Run every projection until interrupted or terminated; a second copy waits to take over."""
    from bootstrap.database import keyed_mapper
    from bootstrap.retention import retention
    from projections.readside import VIEW_NAMES, make_runners

    if rebuild and retry_quarantined:
        raise typer.BadParameter("give --rebuild or --retry-quarantined, not both")
    unknown = set(rebuild or ()) - set(VIEW_NAMES)
    if unknown:
        raise typer.BadParameter(
            f"no read model {sorted(unknown)}; choose from {list(VIEW_NAMES)}",
            param_hint="--rebuild",
        )
    settings = load_settings()
    url = database_url(settings)
    migrate(url)  # a projector may start before the server: it brings the schema up itself
    mapper = keyed_mapper(settings, url)
    if retry_quarantined:
        raise typer.Exit(_retry_quarantined(url, mapper))
    runners = [r.start() for r in make_runners(url, mapper, rebuild=rebuild or [])]
    expiry = retention(settings, url)
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
        if expiry is not None:
            expiry.stop()


def _retry_quarantined(url: str, mapper: Any) -> int:
    """Apply the quarantined events again (after a fix); say what became of each."""
    from projections.retry import retry_quarantined

    outcomes = retry_quarantined(url, mapper)
    for outcome in outcomes:
        print(outcome.describe())
    kept = sum(outcome.result == "kept" for outcome in outcomes)
    resolved = len(outcomes) - kept
    print(f"retried {len(outcomes)} quarantined events: {resolved} resolved, {kept} remain")
    return 1 if kept else 0
