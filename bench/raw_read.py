"""The replay benchmark's raw baseline, in a module importing no more than a replay worker
does, so the two processes' peak memory compares the reading, not the imports."""

from __future__ import annotations

import resource
import time
from uuid import UUID

from eventstore.reading import read_only
from tools.replay import Span, cpu_seconds, span_rows


def raw_read(url: str) -> tuple[int, float, int, float]:
    """Rows, seconds, peak RSS (KiB) and CPU seconds reading replay's rows through one
    server-side cursor, as a replay worker reads them."""
    started, cpu = time.perf_counter(), cpu_seconds()
    with read_only(url) as conn:
        rows = sum(1 for _ in span_rows(conn, Span(UUID(int=0), None)))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rows, seconds, peak, cpu_seconds() - cpu
