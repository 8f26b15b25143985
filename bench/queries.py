"""GraphQL reads: `conversation` with 100 messages and a page of 50 conversations.

Latency is measured as a client meets it: over HTTP on one keep-alive connection against
`lastresort serve` in a subprocess (one uvicorn process). The same requests also go through
the whole ASGI app in process (Starlette's TestClient, no network), so that SQL statements
per request can be counted; their latency is shown too, although the TestClient's hand-offs
between its thread and the app's event loop cost a few milliseconds a request that no
server pays. The baseline is the same rows read with plain psycopg (the read model's own
statements, on one connection, no GraphQL).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import psycopg
from fastapi.testclient import TestClient
from psycopg.rows import dict_row

from bench.harness import SECRET, ResultLine, Run, latency, percentile
from bench.http_clients import KeepAlive
from bench.write import MODEL, TEXT, serve
from bootstrap.container import Container, web_app
from bootstrap.settings import Settings
from domain.access import Principal
from projections import conversations as reads
from projections.readside import CountingCursor

LONG_TURNS = 50  # 100 messages
PAGE = 50
GRAPHQL_GOAL = 5.0  # p50 at most this many times the read model's own queries

CONVERSATION = (
    "query($id: ID!) { conversation(id: $id) { id status model startedAt "
    "messages { position author kind text at } } }"
)
CONVERSATIONS = (
    "query($n: Int!) { conversations(first: $n) { edges { cursor node { id status model "
    "messages { position kind text } } } } }"
)


def requests(count: int, request: Callable[[], Any]) -> tuple[list[float], int]:
    """Latencies (ms) of `count` requests, and SQL statements per request (the last one)."""
    out, statements = [], 0
    for _ in range(count):
        before = CountingCursor.executed
        started = time.perf_counter()
        request()
        out.append((time.perf_counter() - started) * 1000)
        statements = CountingCursor.executed - before
    return out, statements


def bench_queries(run: Run) -> list[ResultLine]:
    count = run.sizes.queries
    who = Principal("bench-reader")
    with run.database() as url:
        container = Container.build(Settings(database_url=url, secret=SECRET), url)
        service = container.service
        long = service.start(who, MODEL)
        for _ in range(LONG_TURNS):
            last = service.send_message(who, long.id, TEXT).notification_id
        for _ in range(PAGE):
            last = service.send_message(who, service.start(who, MODEL).id, TEXT).notification_id
        token = container.signer.mint(who.name)
        with TestClient(web_app(container)) as client:
            assert container.read_side.watcher.wait(last, 30), "projections did not catch up"
            headers = {"Authorization": f"Bearer {token}"}

            def gql(query: str, **variables: Any) -> Callable[[], Any]:
                def send() -> Any:
                    body = client.post(
                        "/graphql", json={"query": query, "variables": variables}, headers=headers
                    ).json()
                    assert "errors" not in body, body
                    return body

                return send

            one_in, one_statements = requests(count, gql(CONVERSATION, id=str(long.id)))
            page_in, page_statements = requests(count, gql(CONVERSATIONS, n=PAGE))
            _, small_page_statements = requests(1, gql(CONVERSATIONS, n=PAGE // 5))
        process, base = serve(url, 1)
        over_http = KeepAlive(base, token)
        try:
            one, _ = requests(count, graphql_over(over_http, CONVERSATION, id=str(long.id)))
            page, _ = requests(count, graphql_over(over_http, CONVERSATIONS, n=PAGE))
        finally:
            over_http.close()
            process.terminate()
            process.wait(10)
        with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:

            def raw_one() -> None:
                conn.execute(reads.SELECT_BY_IDS, {"ids": [long.id], "owner": who.name}).fetchall()
                conn.execute(reads.SELECT_MESSAGES, {"ids": [long.id]}).fetchall()

            def raw_page() -> None:
                page = {"owner": who.name, "status": None, "after": None, "limit": PAGE}
                rows = conn.execute(reads.SELECT_PAGE, page).fetchall()
                conn.execute(reads.SELECT_MESSAGES, {"ids": [r["id"] for r in rows]}).fetchall()

            raw_one_ms, _ = requests(count, raw_one)
            raw_page_ms, _ = requests(count, raw_page)

    def row(
        figure: str, ms: list[float], raw_ms: list[float], statements: str, met: bool
    ) -> ResultLine:
        ratio = percentile(ms, 0.5) / percentile(raw_ms, 0.5)
        goal = f"≤ {GRAPHQL_GOAL:g}× p50; {statements}"
        return ResultLine(
            figure,
            latency(ms),
            latency(raw_ms),
            f"{ratio:.1f}× p50",
            goal,
            met and ratio <= GRAPHQL_GOAL,
            ratio,
        )

    def in_process(figure: str, ms: list[float], raw_ms: list[float]) -> ResultLine:
        ratio = percentile(ms, 0.5) / percentile(raw_ms, 0.5)
        return ResultLine(figure, latency(ms), latency(raw_ms), f"{ratio:.1f}× p50", key=ratio)

    return [
        row(
            f"graphql: conversation, {2 * LONG_TURNS} messages",
            one,
            raw_one_ms,
            f"{one_statements} SQL statements (≤ 3)",
            one_statements <= 3,
        ),
        row(
            f"graphql: conversations page of {PAGE}",
            page,
            raw_page_ms,
            f"{page_statements} SQL (page of {PAGE // 5}: {small_page_statements}; constant)",
            page_statements == small_page_statements,
        ),
        in_process(
            f"graphql: conversation, {2 * LONG_TURNS} messages, in process (TestClient)",
            one_in,
            raw_one_ms,
        ),
        in_process(
            f"graphql: conversations page of {PAGE}, in process (TestClient)", page_in, raw_page_ms
        ),
    ]


def graphql_over(connection: KeepAlive, query: str, **variables: Any) -> Callable[[], Any]:
    """A GraphQL request sent on `connection` each time it is called, its errors refused."""
    body = json.dumps({"query": query, "variables": variables}).encode()

    def send() -> Any:
        answer = json.loads(connection.post("/graphql", body))
        assert "errors" not in answer, answer
        return answer

    return send
