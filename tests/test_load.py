"""Load: a steady rate from a second process against two workers and a projection process."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests import procs
from tools.verify import verify

pytestmark = pytest.mark.slow

RATE, SECONDS = 40, 10  # the bench documents the 60 s run


def test_steady_load_two_workers_separate_projections(
    fresh_database: Callable[[], str], tmp_path: Path
) -> None:
    url = fresh_database()
    first, base1 = procs.serve(url, tmp_path)
    second, base2 = procs.serve(url, tmp_path)
    projector = procs.project(url, tmp_path)
    with procs.running(first, second, projector):
        procs.wait_projecting(url)
        done = subprocess.run(
            [
                sys.executable,
                str(procs.ROOT / "bench" / "load.py"),
                "--base",
                base1,
                "--base",
                base2,
                "--rate",
                str(RATE),
                "--duration",
                str(SECONDS),
            ],
            env={**procs.env_for(url, tmp_path), "PYTHONPATH": str(procs.ROOT)},
            capture_output=True,
            text=True,
            timeout=SECONDS + 90,
            check=True,
        )
        figures = json.loads(done.stdout)
        procs.wait_projected(url)
    print(f"\nload figures: {json.dumps(figures)}")
    assert figures["requests"] == RATE * SECONDS
    assert figures["errors"] == 0, figures["error_kinds"]
    assert figures["achieved_rate"] >= 0.9 * RATE
    assert figures["lag_events"]["samples"] >= SECONDS
    assert figures["lag_events"]["max"] < 200 and figures["lag_seconds_max"] < 2.0
    assert verify(url).clean
