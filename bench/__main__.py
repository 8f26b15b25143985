"""Benchmarks against raw Postgres: `python -m bench [--quick] [--only NAME ...]`; what
Claude costs per turn: `python -m bench claude-cost [--turns N]` (`bench/claude_cost.py`).
Time to the first streamed words: `python -m bench streaming [--turns N]` (`bench/streaming.py`).

Runs each benchmark on a scratch database made on the server of `DATABASE_URL`
(default postgresql://postgres@127.0.0.1:5432/postgres) and dropped afterwards,
measures a raw psycopg baseline of the same work in the same run, and prints one table:
figure, lastresort, raw baseline, ratio, goal, met?. `--quick` uses smaller sizes
(no 5,000-message conversation, no 1M-event replay); `--repeat N` runs each benchmark
N times and reports, row by row, the run with the median figure. See bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from bench import claude_cost, streaming
from bench.harness import FULL, QUICK, ResultLine, Run, Sizes, machine, medians, server_url, table
from bench.long import bench_long
from bench.projections import bench_projections
from bench.queries import bench_queries
from bench.replay import bench_replay
from bench.write import bench_write
from bench.writers import bench_writers

BENCHMARKS: dict[str, Callable[[Run], list[ResultLine]]] = {
    "write": bench_write,
    "long": bench_long,
    "projections": bench_projections,
    "queries": bench_queries,
    "replay": bench_replay,
    "writers": bench_writers,
}


def run_all(
    sizes: Sizes, names: Sequence[str] = tuple(BENCHMARKS), repeat: int = 1
) -> list[ResultLine]:
    """Every benchmark `repeat` times; each row from the run with its median figure."""
    run = Run(server_url(), sizes)
    rows: list[ResultLine] = []
    for name in names:
        runs = []
        for n in range(repeat):
            print(f"running {name} ({n + 1}/{repeat}) …", file=sys.stderr, flush=True)
            runs.append(BENCHMARKS[name](run))
        rows += medians(runs)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    args_given = list(sys.argv[1:] if argv is None else argv)
    if args_given[:1] == ["claude-cost"]:
        return claude_cost.main(args_given[1:])
    if args_given[:1] == ["streaming"]:
        return streaming.main(args_given[1:])
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a few minutes)")
    parser.add_argument("--only", nargs="+", choices=list(BENCHMARKS), default=list(BENCHMARKS))
    parser.add_argument(
        "--repeat", type=int, default=1, help="run each benchmark N times; report medians"
    )
    args = parser.parse_args(args_given)
    print(f"machine: {machine()}", file=sys.stderr)
    rows = run_all(QUICK if args.quick else FULL, args.only, args.repeat)
    print(table(rows))
    print(f"machine after: {machine()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
