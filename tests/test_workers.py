"""`serve --workers N`: N API processes on one port, the demo and projections run once."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests import procs

pytestmark = pytest.mark.slow

REQUESTS = 40


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_two_workers_answer_on_one_port_and_stop_on_sigterm(
    fresh_database: Callable[[], str], tmp_path: Path
) -> None:
    url = fresh_database()
    server, base = procs.serve(url, tmp_path, "--demo", projections=True, workers=2)
    with procs.running(server):
        for _ in range(REQUESTS):  # a new connection each: either worker may accept it
            assert httpx.get(f"{base}/healthz").status_code == 200
        procs.wait_projected(url)  # the parent's runners keep the read models up to date
        workers = procs.answering_pids(server)
        assert len(workers) == 2 and server.pid not in workers, workers
        assert all(_alive(pid) for pid in workers)
    assert server.popen.returncode == 0, server.output()
    assert not any(_alive(pid) for pid in workers)
    lines = server.output().splitlines()
    assert sum("conversations recorded" in line for line in lines) == 1
    started = [n for n, line in enumerate(lines) if "Application startup complete" in line]
    link = [n for n, line in enumerate(lines) if line.startswith("now open: ")]
    assert len(started) == 2 and len(link) == 1 and link[0] > max(started), lines
