"""`lastresort demo` and `serve --demo`: record the demo conversations, say where to look."""

from __future__ import annotations

import sys

from application.policies import load_policy
from bootstrap.container import Container
from bootstrap.settings import Settings
from cli.audit import catch_up, current_container
from domain.access import Role
from tools.demo import CANDIDATE_FILE, seed

REVIEWER = "demo-reviewer"
CANDIDATE_VERSION = load_policy(CANDIDATE_FILE).version


def sign_in_hint(container: Container, base_url: str) -> str:
    token = container.signer.mint(REVIEWER, Role.REVIEWER, 7 * 24 * 3600)
    return (
        f"Audit (one click signs you in as {REVIEWER}, valid 7 days):\n"
        f"  {base_url}/audit/sign-in#token={token}\n"
        f"or open {base_url}/audit and paste this reviewer token:\n{token}"
    )


def run(settings: Settings, base_url: str) -> int:
    """`lastresort demo`: record the demo, wait for the read models, say where to look."""
    with current_container(settings) as container:
        print(f"after `lastresort serve`: {record(container, base_url)}")
        if not catch_up(container):
            print("warning: projections are still catching up", file=sys.stderr)
    return 0


def record(container: Container, base_url: str) -> str:
    """Record the demo conversations (idempotent), say so, and return the one-click sign-in
    link to print (`serve --demo` prints it once the server listens, as the last line)."""
    ids = seed(container.service, container.registry)
    print(f"demo: {len(ids)} conversations recorded (running it again records nothing new)")
    print(f"a persistent-harm ending: {base_url}/audit/{ids['harm-ended']}")
    print(
        f"a stricter policy in shadow: {base_url}/audit/shadow/{CANDIDATE_VERSION} "
        f"(or `lastresort policy report {CANDIDATE_VERSION}`)"
    )
    return sign_in_hint(container, base_url)
