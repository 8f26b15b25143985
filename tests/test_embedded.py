"""The README's first command: with no DATABASE_URL, `lastresort serve --demo` runs on an
embedded Postgres under its home folder, with the demo recorded, and answers a conversation."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.postgres import scratch_folder
from tests.procs import free_port
from tests.waiting import wait_until


@pytest.fixture
def scratch() -> Iterator[Path]:
    with scratch_folder() as folder:
        yield folder


def test_serve_on_the_embedded_postgres(scratch: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LASTRESORT_SECRET")}
    env["LASTRESORT_HOME"] = str(scratch / ".lastresort")
    port = free_port()
    cli = [sys.executable, "-m", "cli.main"]
    server = subprocess.Popen(
        [*cli, "serve", "--demo", "--port", str(port)],
        env=env,
        cwd=scratch,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"

        def healthy() -> bool:
            assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
            try:
                return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
            except httpx.TransportError:
                return False

        wait_until(healthy, 60, "the server on the embedded Postgres to answer")
        token = (
            subprocess.run(
                [*cli, "token", "--user", "newcomer"],
                env=env,
                cwd=scratch,
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        headers = {"Authorization": f"Bearer {token}"}
        cid = httpx.post(f"{base}/v1/conversations", json={}, headers=headers).json()["id"]
        reply = httpx.post(
            f"{base}/v1/conversations/{cid}/messages", json={"text": "Hello!"}, headers=headers
        )
        assert reply.status_code == 200 and reply.json()["reply"]["kind"] == "reply"
        assert (scratch / ".lastresort" / "pgdata" / "PG_VERSION").exists()
    finally:
        server.terminate()
        server.wait(timeout=30)
