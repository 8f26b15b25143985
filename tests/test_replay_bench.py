"""The replay benchmark runs end to end at a tiny size and cleans up after itself."""

from __future__ import annotations

import psycopg
import pytest

from bench.replay import bench


def test_bench_measures_two_sizes_and_drops_its_database(
    server_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    def scratch_databases() -> set[str]:
        with psycopg.connect(server_url) as conn:
            rows = conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE 'lastresort_bench_%'"
            ).fetchall()
        return {row[0] for row in rows}

    before = scratch_databases()
    small, large = bench(server_url, 400, workers=2)

    assert 40 <= small.events < large.events
    assert large.events >= 400
    assert small.raw_rate > 0 and large.replay_rate > 0
    assert large.worker_peak_mib > 0
    assert "ratio" in capsys.readouterr().out
    assert scratch_databases() <= before  # its own scratch database is gone
