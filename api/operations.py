"""Operating the API: request ids and JSON logs, and readiness.

Every request gets an id (the client's `X-Request-ID` when it is sane, else a new one),
echoed in the response and attached, with the conversation id from the path, to every log
line written while serving it — including lines from the worker threads the service runs
in, since those inherit the request's context.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import DictRow
from psycopg_pool import ConnectionPool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.store import EVENTS_TABLE
from projections.base import APPLICATION
from projections.readside import VIEWS

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
conversation_id: ContextVar[str | None] = ContextVar("conversation_id", default=None)

SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
CONVERSATION_IN_PATH = re.compile(r"/conversations/([0-9a-fA-F-]{36})(?:/|$)")
access_log = logging.getLogger("lastresort.access")


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the request's ids when there is a request."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, var in (("request_id", request_id), ("conversation_id", conversation_id)):
            if (value := var.get()) is not None:
                line[key] = value
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def log_as_json(level: int = logging.INFO) -> None:
    """Route every logger (uvicorn's included) through one JSON handler on the root."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


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
        tokens = (request_id.set(rid), conversation_id.set(match[1] if match else None))
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
            request_id.reset(tokens[0])
            conversation_id.reset(tokens[1])


def readiness(
    pool: ConnectionPool[psycopg.Connection[DictRow]], max_lag: int
) -> tuple[bool, dict[str, Any]]:
    """Ready when the database answers and every read model is at most `max_lag` events behind.

    `lag_seconds` is the age of the oldest event some read model has not processed yet.
    """
    try:
        with pool.connection(timeout=2) as conn, conn.transaction():
            conn.execute("SET LOCAL statement_timeout = 2000")
            return _readiness(conn, max_lag)
    except (psycopg.Error, OSError) as error:
        return False, {"status": "unavailable", "database": "unavailable", "error": str(error)}


def _readiness(conn: psycopg.Connection[DictRow], max_lag: int) -> tuple[bool, dict[str, Any]]:
    head_row = conn.execute(
        sql.SQL("SELECT coalesce(max(notification_id), 0) AS head FROM {}").format(
            sql.Identifier(EVENTS_TABLE)
        )
    ).fetchone()
    head = int(head_row["head"]) if head_row else 0
    projections: dict[str, dict[str, int]] = {}
    for view in VIEWS:
        row = conn.execute(
            sql.SQL("SELECT notification_id FROM {} WHERE application_name = %s").format(
                sql.Identifier(view.tracking_table())
            ),
            (APPLICATION,),
        ).fetchone()
        position = int(row["notification_id"]) if row else 0
        projections[view.name] = {"position": position, "lag": head - position}
    behind = min(p["position"] for p in projections.values())
    oldest = conn.execute(
        sql.SQL(
            "SELECT extract(epoch FROM now() - (convert_from(state, 'UTF8')::jsonb "
            "->> 'timestamp')::timestamptz) AS age FROM {} WHERE notification_id > %s "
            "ORDER BY notification_id LIMIT 1"
        ).format(sql.Identifier(EVENTS_TABLE)),
        (behind,),
    ).fetchone()
    lag_seconds = round(max(float(oldest["age"]), 0.0), 3) if oldest else 0.0
    ready = all(p["lag"] <= max_lag for p in projections.values())
    return ready, {
        "status": "ready" if ready else "lagging",
        "database": "ok",
        "head": head,
        "max_lag": max_lag,
        "lag_seconds": lag_seconds,
        "projections": projections,
    }
