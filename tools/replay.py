"""`lastresort replay`: run the recorded history through a candidate policy, or check it.

The history is streamed from Postgres: the space of conversation ids is cut into ranges
and each worker process reads its ranges with a server-side cursor ordered by
(originator_id, originator_version), so a conversation's events arrive together and a
worker holds one conversation at a time. Workers return summaries (counts and a bounded
set of examples), so memory stays flat however long the history is. Every connection is
read-only and shares one exported snapshot: replay cannot write to the event store and
all workers see the same history.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import resource
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.sharedctypes import Synchronized
from operator import itemgetter
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import resolve_topic
from psycopg import sql
from psycopg.types.string import TextLoader

from domain.conversation import Conversation
from domain.events import AssistantEvent, Branched, MessageSent, Started
from domain.policy import Policy
from domain.replay import Summary, check, replay
from eventstore.reading import read_only, stream_rows
from eventstore.store import CONVERSATION_ROWS, EVENTS_TABLE
from eventstore.transcoder import (
    EventMapper,
    PartialDecoder,
    Reads,
    event_mapper,
    fields_for,
    partial_decoder,
)
from reports.markdown import render

PARTITIONS_PER_WORKER = 4
FORKSERVER = multiprocessing.get_context("forkserver")
FORKSERVER.set_forkserver_preload([__name__])
"""Workers fork from a server that has imported this module once, instead of each
importing it on start (about 0.4 s of a 2 s replay of 100k events)."""
PROGRESS_EVERY = 2000
UUID_SPACE = 2**128

EventRow = tuple[str, int, str, bytes]  # as a worker reads it: originator id (text), version, …
FIRST_EVENTS = sql.SQL(
    "SELECT originator_id, originator_version, topic, state FROM {} "
    "WHERE originator_version = 1 AND {} ORDER BY originator_id"
).format(sql.Identifier(EVENTS_TABLE), CONVERSATION_ROWS)


ASSESSED = frozenset({"category", "severity", "crisis", "intent", "assessor"})
"""What deciding a turn reads of its assessment, and the assessor the summary counts."""
CANDIDATE_READS: Reads = {
    Started: frozenset({"owner", "model", "timestamp"}),
    Branched: frozenset({"parent_id", "branch_position", "inherited"}),
    MessageSent: frozenset({"position", *(f"assessment.{name}" for name in ASSESSED)}),
    AssistantEvent: frozenset({"position", "decision.action", "decision.rule", "decision.reason"}),
}
"""The fields replay under a candidate reads (of a recorded decision, what it is compared
on); no texts, replies, usage or recorded policy; other events only keep the versions in
sequence."""
CHECK_READS: Reads = {
    **CANDIDATE_READS,
    AssistantEvent: frozenset({"position", "decision", "policy"}),
}
"""A check re-decides each turn under the policy recorded with it."""


@dataclass(frozen=True)
class Selection:
    """Which conversations to replay: started in [since, until), on `model`, the first `limit`.

    Decided on each conversation's decoded `Started` event rather than in SQL on the stored
    JSON, so selection does not depend on how events are encoded (a filtered run reads every
    event of its spans and skips what is not selected); a time without a zone is UTC."""

    since: datetime | None = None
    until: datetime | None = None
    model: str | None = None
    limit: int | None = None

    def admits(self, first: Any) -> bool:
        """Whether the conversation whose first event (decoded) is `first` is selected."""
        if self.since is None and self.until is None and self.model is None:
            return True
        return (
            isinstance(first, Started)
            and (self.since is None or first.timestamp >= _aware(self.since))
            and (self.until is None or first.timestamp < _aware(self.until))
            and (self.model is None or first.model == self.model)
        )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Span:
    """A range of conversation ids: [low, high), `high` None for the end of the space."""

    low: UUID
    high: UUID | None


def spans(count: int, upper: UUID | None = None) -> list[Span]:
    """`count` equal ranges of the id space (random UUIDs spread evenly over them)."""
    edges = [UUID(int=i * UUID_SPACE // count) for i in range(count)]
    out = [Span(lo, hi) for lo, hi in zip(edges, [*edges[1:], None], strict=True)]
    if upper is None:
        return out
    # Past `upper` nothing is selected; the range holding it stops just after it.
    bound = UUID(int=upper.int + 1) if upper.int + 1 < UUID_SPACE else None
    return [
        Span(s.low, bound if s.high is None or s.high.int > upper.int else s.high)
        for s in out
        if s.low.int <= upper.int
    ]


def rows_query(span: Span) -> sql.Composed:
    """The events of the conversations in `span`, a conversation's events together."""
    where = [CONVERSATION_ROWS, sql.SQL("originator_id >= {}").format(sql.Literal(span.low))]
    if span.high is not None:
        where.append(sql.SQL("originator_id < {}").format(sql.Literal(span.high)))
    return sql.SQL(
        "SELECT originator_id, originator_version, topic, state FROM {} "
        "WHERE {} ORDER BY originator_id, originator_version"
    ).format(sql.Identifier(EVENTS_TABLE), sql.SQL(" AND ").join(where))


def span_rows(conn: psycopg.Connection[Any], span: Span) -> Iterator[EventRow]:
    """The events of `span` as a worker reads them, conversation ids as text: a
    conversation's rows share one, parsed once for all its events."""
    conn.adapters.register_loader("uuid", TextLoader)
    rows: Iterator[EventRow] = stream_rows(conn, rows_query(span))
    return rows


def last_selected(conn: psycopg.Connection[Any], selection: Selection) -> UUID | None:
    """The id of the `limit`-th selected conversation (ids in order), None without a limit."""
    if selection.limit is None:
        return None
    mapper, seen = event_mapper(), 0
    with closing(stream_rows(conn, FIRST_EVENTS, name="replay_selection")) as rows:
        for row in rows:
            if selection.admits(mapper.to_domain_event(StoredEvent(*row))):
                seen += 1
                if seen == selection.limit:
                    found: UUID = row[0]
                    return found
    return UUID(int=UUID_SPACE - 1)  # fewer conversations than the limit: all of them


# -- workers -----------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    url: str
    snapshot: str | None
    selection: Selection
    span: Span
    candidate: Policy | None  # None: check each turn under the policy recorded with it


_progress: Synchronized[int] | None = None


def _init_worker(progress: Synchronized[int]) -> None:
    global _progress
    _progress = progress


def _report(events: int) -> None:
    if _progress is not None:
        with _progress.get_lock():
            _progress.value += events


JobResult = tuple[Summary, int, int, float]
"""A job's summary, events read, the worker's peak RSS (KiB) and the CPU seconds it took."""


def run_job(job: Job) -> JobResult:
    """Replay (or check) the job's span."""
    cpu = cpu_seconds()
    summary = Summary()
    mapper = event_mapper()
    events = unreported = 0
    with read_only(job.url, job.snapshot) as conn:
        rows = span_rows(conn, job.span)
        decode = _decoder(mapper, CANDIDATE_READS if job.candidate is not None else CHECK_READS)
        for key, group in itertools.groupby(rows, key=itemgetter(0)):
            stored = list(group)
            unreported += len(stored)
            if unreported >= PROGRESS_EVERY:
                _report(unreported)
                unreported = 0
            cid = UUID(key)
            first = decode(cid, stored[0])
            if not job.selection.admits(first):
                continue
            rest = (decode(cid, row) for row in stored[1:])
            conversation = Conversation.from_events(itertools.chain([first], rest), ladder=False)
            if job.candidate is None:
                summary.add_checked(conversation, check(conversation))
            else:
                summary.add(replay(conversation, job.candidate))
            events += len(stored)
    _report(unreported)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return summary, events, peak, cpu_seconds() - cpu


def cpu_seconds() -> float:
    """The CPU time this process has used (user and system): steadier than the wall clock
    when other work shares the machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _decoder(mapper: EventMapper, reads: Reads) -> Callable[[UUID, EventRow], Any]:
    """Decodes a stored event's row (of conversation `cid`), only the fields in `reads` (each
    topic worked out once)."""
    decoders: dict[str, PartialDecoder] = {}

    def decode(cid: UUID, row: EventRow) -> Any:
        make = decoders.get(row[2])
        if make is None:
            cls = resolve_topic(row[2])
            fields = fields_for(reads, cls) or frozenset()
            make = decoders[row[2]] = partial_decoder(mapper, cls, fields)
        return make(cid, row[1], row[3])

    return decode


# -- the run -----------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    summary: Summary
    events: int
    seconds: float
    worker_peak_rss_kib: int
    worker_cpu_seconds: float = 0.0
    """The workers' CPU time, all of them together."""

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0


def replay_history(
    url: str,
    candidate: Policy | None,
    selection: Selection = Selection(),
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Result:
    """Replay the selected history across `workers` processes (default: every core);
    `progress`, when given, is told (events read, events to read) as the run goes."""
    started = time.perf_counter()
    workers = workers or os.cpu_count() or 1
    counter: Synchronized[int] = FORKSERVER.Value("q", 0)
    summary, events, peak, cpu = Summary(), 0, 0, 0.0
    with read_only(url) as conn:
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()
        assert snapshot is not None
        parts = spans(workers * PARTITIONS_PER_WORKER, last_selected(conn, selection))
        total = _total(conn, parts) if progress else 0
        jobs = [Job(url, snapshot[0], selection, span, candidate) for span in parts]
        with ProcessPoolExecutor(
            workers, mp_context=FORKSERVER, initializer=_init_worker, initargs=(counter,)
        ) as pool:
            pending: set[Future[JobResult]] = {pool.submit(run_job, j) for j in jobs}
            while pending:
                done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                for future in done:
                    part, n, rss, seconds = future.result()
                    summary.merge(part)
                    events += n
                    peak, cpu = max(peak, rss), cpu + seconds
                if progress:
                    progress(counter.value, total)
    return Result(summary, events, time.perf_counter() - started, peak, cpu)


def _total(conn: psycopg.Connection[Any], parts: list[Span]) -> int:
    """How many events the run will read (for the progress bar's ETA)."""
    total = 0
    for span in parts:
        query = sql.SQL("SELECT count(*) FROM ({}) q").format(rows_query(span))
        row = conn.execute(query).fetchone()
        total += row[0] if row else 0
    return total


# -- output ------------------------------------------------------------------------


def report_json(result: Result, candidate: Policy | None, selection: Selection) -> dict[str, Any]:
    return {
        "mode": "check" if candidate is None else "candidate",
        "candidate": None if candidate is None else candidate.to_mapping(),
        "selection": {
            "since": None if selection.since is None else selection.since.isoformat(),
            "until": None if selection.until is None else selection.until.isoformat(),
            "model": selection.model,
            "limit": selection.limit,
        },
        "events": result.events,
        "seconds": round(result.seconds, 3),
        "events_per_second": round(result.events_per_second),
        **result.summary.to_json(),
    }


def summary_table(report: dict[str, Any]) -> str:
    """The plain-text summary printed on stdout."""
    lines = [
        f"replayed {report['conversations']:,} conversations, {report['turns']:,} turns, "
        f"{report['events']:,} events in {report['seconds']:.1f}s "
        f"({report['events_per_second']:,} events/s)"
    ]
    lines.append(f"assessed by: {_assessed_by(report)}")
    if report["mode"] == "check":
        count = report["mismatch_count"]
        lines.append("check: full agreement" if count == 0 else f"check: {count} mismatch(es)")
        lines += [f"  {_mismatch_line(m)}" for m in report["mismatches"]]
        return "\n".join(lines)
    lines.append(f"candidate policy {report['candidate']['version']}")
    lines.append(f"  {'change':<26}{'conversations':>14}")
    lines += [f"  {kind:<26}{n:>14,}" for kind, n in report["changes"].items()]
    for title in ("by_category", "by_model", "by_reason", "by_assessor"):
        for key, counts in report[title].items():
            parts = ", ".join(f"{k} {n}" for k, n in counts.items())
            lines.append(f"  {title.replace('_', ' ')} {key}: {parts}")
    for kind, examples in report["examples"].items():
        lines.append(f"  e.g. {kind}:")
        lines += [f"    {e['conversation_id']}: {e['explanation']}" for e in examples[:3]]
    return "\n".join(lines)


def markdown(report: dict[str, Any]) -> str:
    """The report for a human review (`api/templates/replay.md`). Model and assessor names,
    rules and explanations come from recorded data, so each passes through `literal`: the
    report renders as text."""
    check = report["mode"] == "check"
    breakdowns = [
        {"name": key.removeprefix("by_"), "kinds": kinds, "rows": report[key]}
        for key in ("by_category", "by_model", "by_reason", "by_assessor")
        if not check
        and (kinds := sorted({kind for counts in report[key].values() for kind in counts}))
    ]
    return render(
        "replay.md",
        report=report,
        assessed_by=_assessed_by(report),
        mismatches=[_mismatch_line(m) for m in report["mismatches"]] if check else [],
        breakdowns=breakdowns,
    )


def _assessed_by(report: dict[str, Any]) -> str:
    """Which assessors (rule-set versions, models) the replayed history was assessed by."""
    counts = report["assessed_by"]
    return ", ".join(f"{name} ({n:,} conversations)" for name, n in counts.items()) or "nobody"


def _mismatch_line(mismatch: dict[str, Any]) -> str:
    fields = ", ".join(
        f"{k}: recorded {v['recorded']} ≠ replayed {v['replayed']}"
        for k, v in mismatch["fields"].items()
    )
    return f"{mismatch['conversation_id']} at position {mismatch['position']}: {fields}"
