"""Proof by search, not by trust: a phrase people wrote is never in the clear in any table
(events, read models, their JSON columns, the quarantine) while readers are shown it, and
once they erase it, it is nowhere in a dump of the whole database nor in the server's log.

A real server (with its projections) records conversations quoting a unique phrase through
REST: messages, a branch's edited text, feedback comments. Erased three ways (a user's
conversation, a user's own data, an admin's command), then `pg_dump` dumps everything.
"""

from __future__ import annotations

import glob
import json
import shutil
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import psycopg
import pytest

from domain.access import Role
from eventstore.migrate import migrate
from eventstore.store import EVENTS_TABLE
from projections.readside import VIEWS
from tests.procs import HARM, Proc, env_for, headers, serve, wait_projected


def find_pg_dump() -> str | None:
    """Debian's pg_dump (its client binaries are not on PATH), else one on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"))
    return found[-1] if found else shutil.which("pg_dump")


PG_DUMP = find_pg_dump()


def dump(url: str, *options: str) -> str:
    assert PG_DUMP is not None
    done = subprocess.run(
        [PG_DUMP, "--no-owner", *options, "--dbname", url],
        capture_output=True,
        check=True,
        timeout=120,
    )
    return done.stdout.decode(errors="replace")


def traces(text: str, phrase: str) -> list[str]:
    """How `phrase` shows in `text`: as itself, or as the hex a dump writes bytea in."""
    found = [phrase] if phrase in text else []
    return found + (["hex"] if phrase.encode().hex() in text.lower() else [])


def events_holding(url: str, phrase: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            f"SELECT count(*) FROM {EVENTS_TABLE} WHERE position(%s IN state) > 0",
            (phrase.encode(),),
        ).fetchone()
    assert row is not None
    return int(row[0])


READ_MODEL_TABLES = [table for view in VIEWS for table in view.tables] + ["rm_quarantine"]
SHOWN = """query($id: ID!) {
  conversation(id: $id) { messages { text } }
  audit(conversationId: $id) { evidence { text } feedback { comment } trail { data } }
}"""


def shown(http: httpx.Client, cid: str) -> str:
    """What a reviewer reads of a conversation through GraphQL: its messages, the ending's
    evidence, the feedback comments and the audit trail, from the read models."""
    answer = http.post(
        "/graphql",
        json={"query": SHOWN, "variables": {"id": cid}},
        headers=headers("rita", Role.REVIEWER),
    ).json()
    assert "errors" not in answer, answer
    return json.dumps(answer["data"])


@pytest.mark.skipif(PG_DUMP is None, reason="no pg_dump: install Debian's postgresql-client")
def test_erased_text_is_nowhere_in_a_database_dump_or_the_server_log(
    fresh_database: Callable[[], str], tmp_path: Path
) -> None:
    phrase = f"saffron-kestrel-{uuid.uuid4().hex[:10]}"
    url = fresh_database()
    migrate(url)
    server, base = serve(url, tmp_path, projections=True)
    try:
        with httpx.Client(base_url=base, timeout=30) as http:

            def record(user: str) -> str:
                h = headers(user)
                cid = str(http.post("/v1/conversations", json={}, headers=h).json()["id"])
                for text in (f"{HARM} ({phrase})", f"Tell me about {phrase}", HARM, HARM, HARM):
                    sent = http.post(
                        f"/v1/conversations/{cid}/messages", json={"text": text}, headers=h
                    )
                    assert sent.status_code in (200, 409), sent.text
                http.post(
                    f"/v1/conversations/{cid}/feedback",
                    json={"rating": "down", "comment": f"you misread {phrase}"},
                    headers=h,
                ).raise_for_status()
                return cid

            alice, bob = record("alice"), record("bob")
            record("carol")
            http.post(
                f"/v1/conversations/{alice}/branches",
                json={"from_position": 2, "text": f"Rather: {phrase}, gently"},
                headers=headers("alice"),
            ).raise_for_status()
            record("bob")
            wait_projected(url)
            assert events_holding(url, "saffron-kestrel") == 0
            assert traces(dump(url, "--table", EVENTS_TABLE), phrase) == []
            # Before any erasure: the whole database (read models, their JSON columns, the
            # quarantine, the keys) holds the phrase only sealed, while readers see it.
            before = dump(url)
            assert all(f"COPY public.{table} " in before for table in READ_MODEL_TABLES)
            assert traces(before, phrase) == []
            assert phrase in shown(http, alice)

            erased = http.post(f"/v1/conversations/{alice}/erasure", headers=headers("alice"))
            assert erased.status_code == 200, erased.text
            http.post("/v1/me/erasure", headers=headers("bob")).raise_for_status()
            gone = http.get(f"/v1/conversations/{bob}", headers=headers("bob")).json()
            assert gone["erased_at"] is not None
        admin = Proc(
            ["erase", "--user", "carol", "--as", "ops"],
            env_for(url, tmp_path),
            tmp_path / "erase.log",
        )
        assert admin.popen.wait(120) == 0, admin.output()
        admin.stop()
        wait_projected(url)
    finally:
        server.stop()

    whole = dump(url)
    assert "Erased" in whole and "lastresort_events" in whole
    assert traces(whole, phrase) == []
    assert traces(server.output(), phrase) == []
    assert traces(admin.output(), phrase) == []
