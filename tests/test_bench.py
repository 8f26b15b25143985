"""Every benchmark runs end to end at a tiny size, prints its rows, and cleans up."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from bench.__main__ import BENCHMARKS, main
from bench.harness import SCRATCH_PREFIX, TINY, ResultLine, Run

EXPECTED = {
    "write": ("write: turns/s, service", "write: turns/s, HTTP", "write: turn latency, HTTP"),
    "long": ("long: turn latency at 10 messages", "long: turn latency at 40 messages"),
    "projections": (
        "projections: catch-up from 0, conversations",
        "projections: catch-up from 0, audit",
        "projections: catch-up from 0, shadows",
        "projections: catch-up from 0, reviews",
        "projections: lag commit → visible",
    ),
    "queries": ("graphql: conversation, 100 messages", "graphql: conversations page of 50"),
    "replay": ("replay: events/s at", "replay: peak RSS at"),
    "writers": ("writers: turns/s, 1 writer,", "writers: turns/s, 2 writers,"),
}


def scratch_databases(server_url: str, prefix: str) -> set[str]:
    with psycopg.connect(server_url) as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (f"{prefix}%",)
        ).fetchall()
    return {row[0] for row in rows}


@pytest.mark.parametrize("name", list(BENCHMARKS))
def test_each_benchmark_measures_its_figures_against_a_baseline(
    name: str, server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A prefix of this test's own, so a benchmark running beside it cannot be mistaken for it.
    prefix = f"{SCRATCH_PREFIX}{uuid.uuid4().hex[:6]}_"
    monkeypatch.setattr("bench.harness.SCRATCH_PREFIX", prefix)
    rows = BENCHMARKS[name](Run(server_url, TINY))
    for expected in EXPECTED[name]:
        assert any(r.figure.startswith(expected) for r in rows), expected
    assert all(r.figure.startswith(EXPECTED[name]) for r in rows)
    assert all(isinstance(r, ResultLine) and r.value and r.baseline != "—" for r in rows)
    assert scratch_databases(server_url, prefix) == set()  # its scratch database is dropped


def test_the_command_prints_one_table_with_every_figure(
    server_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", server_url)
    monkeypatch.setattr("bench.__main__.QUICK", TINY)
    assert main(["--quick", "--only", "long", "--repeat", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("| figure") and "raw baseline" in out[0] and "met?" in out[0]
    assert [line for line in out if line.startswith("| long: turn latency")]


def test_claude_cost_prints_tokens_per_turn_and_the_cost_per_thousand_turns(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["claude-cost", "--turns", "6"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("| turn | assessor input | assessor cache write")
    rows = {line.split(" | ")[0]: line.split(" | ")[1:] for line in out if line.startswith("| ")}
    assert set(rows) >= {"| 1", "| 2", "| 6", "| mean of 6"}
    assert rows["| 1"][2] == "0" and rows["| 2"][2] != "0"  # the assessor's prefix is read back
    assert out[-1].startswith("Cost per 1,000 turns at list prices read on")


def test_streaming_times_the_first_delta_before_the_whole_reply(
    server_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", server_url)
    assert main(["streaming", "--turns", "2"]) == 0
    rows = [line.strip("| ").split(" | ") for line in capsys.readouterr().out.splitlines()]
    medians = {
        row[0]: [float(cell.split(" / ")[0].replace(",", "")) for cell in row[1:]]
        for row in rows
        if row[0] == "offline" or row[0].startswith("Claude")
    }
    assert len(medians) == 2
    for decision, first_delta, done, _ in medians.values():
        assert 0 < decision <= first_delta <= done
    _, first_delta, done, whole = next(v for k, v in medians.items() if k.startswith("Claude"))
    assert first_delta < done / 2 and first_delta < whole / 2  # words come while it writes
