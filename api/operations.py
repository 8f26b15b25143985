"""Operating the API: request ids and JSON logs, and readiness.

Every request gets an id (the client's `X-Request-ID` when it is sane, else a new one),
echoed in the response and attached, with the conversation id from the path, to every log
line written while serving it — including lines from the worker threads the service runs
in, since those inherit the request's context.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any, Literal
from uuid import UUID

import psycopg
import structlog
from psycopg.rows import DictRow
from psycopg_pool import ConnectionPool
from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from structlog.typing import EventDict

from api.auth import TokenSigner, Unauthorized
from eventstore.transcoder import event_mapper
from projections import quarantine
from projections.base import Entry, Undecodable
from projections.progress import bounded, progress
from projections.runner import read_batch

SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
CONVERSATION_IN_PATH = re.compile(r"/conversations/([0-9a-fA-F-]{36})(?:/|$)")
access_log = logging.getLogger("lastresort.access")
RECENT_QUARANTINED = 5
MAPPER = event_mapper()


def _created_at(_: Any, __: str, event: EventDict) -> EventDict:
    """`at`: when the record was made (not when it was formatted), to the millisecond."""
    created = event["_record"].created
    event["at"] = datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")
    return event


def _process(_: Any, __: str, event: EventDict) -> EventDict:
    """`pid`: which process wrote the line, when `serve --workers N` runs several."""
    event["pid"] = event["_record"].process
    return event


def _fields(_: Any, __: str, event: EventDict) -> EventDict:
    """The record's `extra={"fields": {...}}`, as top-level keys of the line."""
    event.update(getattr(event["_record"], "fields", {}))
    return event


class JsonFormatter(structlog.stdlib.ProcessorFormatter):
    """One JSON object per line, with the request's ids when there is a request."""

    def __init__(self) -> None:
        super().__init__(
            foreign_pre_chain=[
                _created_at,
                _process,
                structlog.stdlib.add_log_level,
                structlog.stdlib.add_logger_name,
                structlog.contextvars.merge_contextvars,
                _fields,
                structlog.processors.format_exc_info,
                structlog.processors.EventRenamer("message"),
            ],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.JSONRenderer(default=str),
            ],
        )


def log_as_json(level: int = logging.INFO) -> None:
    """Route every logger (uvicorn's included, but its access line) through one JSON
    handler on the root."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        # `RequestContext` logs every request once (`lastresort.access`, with its ids);
        # uvicorn's access line would say it again in a `serve --workers N` worker.
        logging.getLogger(name).propagate = name != "uvicorn.access"


class RequestContext:
    """Sets the request's ids for logging, echoes `X-Request-ID`, logs the request once."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = given if SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        match = CONVERSATION_IN_PATH.search(scope["path"])
        ids = {"request_id": rid} | ({"conversation_id": match[1]} if match else {})
        tokens = structlog.contextvars.bind_contextvars(**ids)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            fields = {
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            }
            access_log.info(
                "%s %s %s", scope["method"], scope["path"], status, extra={"fields": fields}
            )
            structlog.contextvars.reset_contextvars(**tokens)


class QuarantinedEvent(BaseModel):
    read_model: str
    position: int
    conversation_id: UUID
    error: str = Field(description="the error's type and a sanitised message")
    at: datetime


class Quarantine(BaseModel):
    count: int
    recent: list[QuarantinedEvent] = Field(description=f"the {RECENT_QUARANTINED} most recent")


class ReadModelState(BaseModel):
    position: int
    lag: int = Field(description="events in the store not yet processed")
    quarantined: int


ReadinessStatus = Literal["ready", "degraded", "lagging", "unavailable"]


class Readiness(BaseModel):
    """Anonymous callers get `status` only; reviewers get the figures as well."""

    status: ReadinessStatus
    database: Literal["ok", "unavailable"] | None = None
    error: str | None = Field(
        default=None, description="the database error's class, when unavailable"
    )
    head: int | None = None
    max_lag: int | None = None
    lag_seconds: float | None = Field(
        default=None, description="age of the oldest event some read model has not processed"
    )
    replica_lag_seconds: float | None = Field(
        default=None,
        description="how far the streaming replica the reads use (`DATABASE_READ_URL`) is "
        "behind in replaying the primary's writes; absent without one",
    )
    projections: dict[str, ReadModelState] | None = None
    quarantine: Quarantine | None = None

    @property
    def serving(self) -> bool:
        """Answer 200 (ready or degraded) rather than 503."""
        return self.status in ("ready", "degraded")


def readiness(
    pool: ConnectionPool[psycopg.Connection[DictRow]], max_lag: int, detail: bool = True
) -> Readiness:
    """Ready when the database answers and every read model is at most `max_lag` events behind.

    A read model that set events aside makes the service `degraded`, which still answers
    200: it serves every other event, and one poison event must not take every instance
    out of its load balancer; /metrics and `lastresort verify` point at it instead.
    Without `detail` (a load balancer's probe) only the status is worked out.
    """
    try:
        with bounded(pool) as conn:
            return _readiness(conn, max_lag, detail)
    except (psycopg.Error, OSError) as error:
        return Readiness(status="unavailable", database="unavailable", error=type(error).__name__)


def _readiness(conn: psycopg.Connection[DictRow], max_lag: int, detail: bool) -> Readiness:
    figures = progress(conn)
    lagging = any(p.lag > max_lag for p in figures.read_models.values())
    held = sum(p.quarantined for p in figures.read_models.values())
    status: ReadinessStatus = "lagging" if lagging else "degraded" if held else "ready"
    if not detail:
        return Readiness(status=status)
    behind = min(p.position for p in figures.read_models.values())
    oldest = read_batch(conn, MAPPER, behind, 1)
    return Readiness(
        status=status,
        database="ok",
        head=figures.head,
        max_lag=max_lag,
        lag_seconds=_age(oldest[0][0]) if oldest else 0.0,
        replica_lag_seconds=figures.replica_lag,
        projections={name: ReadModelState(**asdict(p)) for name, p in figures.read_models.items()},
        quarantine=Quarantine(
            count=held,
            recent=[
                QuarantinedEvent(
                    read_model=q.read_model,
                    position=q.notification_id,
                    conversation_id=q.originator_id,
                    error=q.describe(),
                    at=q.failed_at,
                )
                for q in quarantine.recent(conn, RECENT_QUARANTINED)
            ],
        ),
    )


def _age(entry: Entry) -> float | None:
    """Seconds since this event happened; None if it cannot be decoded."""
    if isinstance(entry, Undecodable):
        return None
    return round(max((datetime.now(UTC) - entry.timestamp).total_seconds(), 0.0), 3)


def is_reviewer(signer: TokenSigner, authorization: str | None) -> bool:
    """Whether the bearer token is a reviewer's: only they see readiness's details
    (positions, error classes and quarantined events are not for anonymous callers)."""
    try:
        return signer.verify_header(authorization).is_reviewer
    except Unauthorized:
        return False


def readiness_body(report: Readiness, detail: bool) -> Any:
    """The report with its details, or its status alone."""
    return (
        report.model_dump(mode="json", exclude_none=True) if detail else {"status": report.status}
    )
