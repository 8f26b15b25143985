"""The `lastresort` command line."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from api.auth import TokenSigner
from api.database import database_url
from api.migrate import migrate
from api.settings import Settings
from domain.access import Role
from domain.errors import DomainError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lastresort", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="migrate the database and serve the API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    commands.add_parser("migrate", help="bring the database schema up to date")
    token = commands.add_parser("token", help="print a bearer token (on the last line)")
    token.add_argument("--user", required=True)
    token.add_argument("--role", choices=[str(r) for r in Role], default=str(Role.USER))
    token.add_argument("--ttl", type=int, default=None, help="lifetime in seconds")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = Settings.from_env()
    try:
        if args.command == "serve":
            return _serve(settings, args.host, args.port)
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


def _serve(settings: Settings, host: str, port: int) -> int:
    import uvicorn

    from api.app import create_app
    from api.container import Container

    url = database_url(settings)
    migrate(url)
    app = create_app(Container.build(settings, url))
    print(
        f"lastresort serving on http://{host}:{port}  (get a token: lastresort token --user NAME)"
    )
    uvicorn.run(app, host=host, port=port, log_level="info")
    return 0


if __name__ == "__main__":
    sys.exit(main())
