"""The OpenAPI document says what the server does: schemathesis against a real server, and
regression tests for what it once found."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from bootstrap.container import Container
from domain.errors import BadInput
from domain.validation import MAX_POSITION, TEXT_PATTERN, WHITESPACE_CLASS
from tests import procs
from tests.api_calls import Auth

HERE = Path(__file__).resolve().parent
TEXT_FIELDS = [("SendMessage", "text"), ("BranchConversation", "text"), ("GiveFeedback", "comment")]


def _openapi(client: TestClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/openapi.json").json()
    return document


def _text_schema(document: dict[str, Any], model: str, field: str) -> dict[str, Any]:
    schema: dict[str, Any] = document["components"]["schemas"][model]["properties"][field]
    strings = [s for s in schema.get("anyOf", [schema]) if s.get("type") == "string"]
    return strings[0]


def _conversation(client: TestClient, headers: dict[str, str], *texts: str) -> str:
    cid: str = client.post("/v1/conversations", headers=headers).json()["id"]
    for text in texts:
        sent = client.post(
            f"/v1/conversations/{cid}/messages", json={"text": text}, headers=headers
        )
        assert sent.status_code == 200, sent.text
    return cid


# -- the whole contract, generated -----------------------------------------------------------


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_and_no_contract_breach(
    fresh_database: Callable[[], str], tmp_path: Path
) -> None:
    """Every schemathesis check (`--checks all`) over every operation, stateful phase included,
    100 examples per operation, deterministic, on a real server with a user's token.

    Two settings, both explained where they are set: tests/schemathesis.toml counts 413 as a
    refusal of schema-breaking data (a text over `maxLength` is 413 `text_too_long`), and
    tests/contract_hooks.py drops the `positive_data_acceptance` failures that are refusals for
    what the conversation holds (a reused idempotency key, a position with no such message),
    which no schema can express. No check is excluded.
    """
    proc, base = procs.serve(fresh_database(), tmp_path, projections=True)
    with procs.running(proc):
        run = subprocess.run(
            [
                *(sys.executable, "-m", "schemathesis.cli"),
                *("--config-file", str(HERE / "schemathesis.toml")),
                *("run", f"{base}/openapi.json", "--checks", "all"),
                *("--phases", "examples,coverage,fuzzing,stateful"),
                *("--max-examples", "100", "--generation-deterministic", "--workers", "1"),
                *("--header", f"Authorization: Bearer {procs.token('contract-user')}"),
                *("--no-color", "--output-truncate", "true"),
            ],
            env={**os.environ, "SCHEMATHESIS_HOOKS": str(HERE / "contract_hooks.py")},
            cwd=tmp_path,  # where it keeps its example database
            capture_output=True,
            text=True,
            timeout=600,
        )
    statuses = Counter(
        line["status"]
        for line in map(json.loads, re.findall(r"^\{.*\}$", proc.output(), re.MULTILINE))
        if line.get("logger") == "lastresort.access"
    )
    summary = run.stdout[-6000:] + run.stderr[-2000:]
    assert run.returncode == 0, summary
    assert "✅ Stateful" in run.stdout, summary  # the stateful phase ran and passed
    assert not [s for s in statuses if s >= 500], statuses
    assert sum(statuses.values()) >= 800, statuses  # it really sent its requests


# -- what it found ---------------------------------------------------------------------------


@pytest.mark.parametrize(("model", "field"), TEXT_FIELDS)
def test_text_fields_document_what_the_server_accepts(
    client: TestClient, container: Container, model: str, field: str
) -> None:
    """Empty, whitespace-only and NUL texts were valid by the schema but refused."""
    schema = _text_schema(_openapi(client), model, field)
    assert schema["minLength"] >= 1
    assert schema["maxLength"] == container.settings.max_text_chars
    pattern = re.compile(schema["pattern"])
    for refused in ["", " ", "\t\n\u3000\u2028", "a\x00b", "\x00"]:
        assert not pattern.search(refused), repr(refused)
    for accepted in ["hi", "  padded \n", "\u200b", "🙂"]:
        assert pattern.search(accepted), repr(accepted)


def test_the_whitespace_class_is_pythons_whitespace() -> None:
    whitespace = re.compile(f"[{WHITESPACE_CLASS}]")
    differ = [
        c for c in map(chr, range(sys.maxunicode + 1)) if bool(whitespace.match(c)) != c.isspace()
    ]
    assert differ == []


@given(
    st.text(alphabet=st.sampled_from(" \t\n\x0b\x1f\x85\xa0\u2029\u3000\x00a\u200bé"), max_size=8)
)
def test_the_text_pattern_accepts_exactly_what_the_service_accepts(
    container: Container, text: str
) -> None:
    try:
        container.service.check_text(text)
        accepted = True
    except BadInput:
        accepted = False
    assert bool(re.search(TEXT_PATTERN, text)) == accepted


def test_a_text_over_the_limit_is_a_documented_413(
    client: TestClient, container: Container, auth: Auth
) -> None:
    headers = auth()
    cid = _conversation(client, headers)
    too_long = "a" * (container.settings.max_text_chars + 1)
    r = client.post(f"/v1/conversations/{cid}/messages", json={"text": too_long}, headers=headers)
    assert r.status_code == 413 and r.json()["error"]["code"] == "text_too_long"
    documented = _openapi(client)["paths"]["/v1/conversations/{id}/messages"]["post"]["responses"]
    assert "413" in documented


def test_the_longest_text_fits_in_a_body_even_fully_escaped(
    client: TestClient, container: Container, auth: Auth
) -> None:
    """8000 emoji escaped as JSON encoders do (12 bytes each) are a valid message, not a 413."""
    headers = {**auth(), "Content-Type": "application/json"}
    cid = _conversation(client, headers)
    body = json.dumps({"text": "🙂" * container.settings.max_text_chars}).encode()
    r = client.post(f"/v1/conversations/{cid}/messages", content=body, headers=headers)
    assert r.status_code == 200, r.text[:300]


POST_ROUTES = ["", "/{cid}/messages", "/{cid}/branches", "/{cid}/feedback"]
UNDECODABLE = {
    "invalid-utf8": b'{"text": "\xff"}',
    "lone-byte": b"\xff",
    "truncated": b'{"text": ',
    "deeply-nested": b"[" * 50_000,
}


@pytest.mark.parametrize("route", POST_ROUTES)
@pytest.mark.parametrize("raw", UNDECODABLE.values(), ids=UNDECODABLE.keys())
def test_an_undecodable_body_is_bad_input(
    client: TestClient, auth: Auth, route: str, raw: bytes
) -> None:
    """Bytes that are not JSON answered 400 `http_error`; the README promises 422."""
    headers = {**auth(), "Content-Type": "application/json"}
    cid = _conversation(client, headers)
    r = client.post("/v1/conversations" + route.format(cid=cid), content=raw, headers=headers)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "bad_input"
    assert "JSON" in r.json()["error"]["message"]
    assert client.get(f"/v1/conversations/{cid}", headers=headers).json()["messages"] == []


@pytest.mark.parametrize(
    "raw", [*UNDECODABLE.values(), b"5", b"[]"], ids=[*UNDECODABLE.keys(), "number", "array"]
)
def test_an_unreadable_graphql_body_is_bad_input(
    client: TestClient, auth: Auth, raw: bytes
) -> None:
    """GraphQL answered 500 to bytes that are not UTF-8, nested too deep, or not an object."""
    headers = {**auth(), "Content-Type": "application/json"}
    r = client.post("/graphql", content=raw, headers=headers)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "bad_input"


@pytest.mark.parametrize("content_type", ["text/plain", None])
def test_a_body_in_another_content_type_is_bad_input(
    client: TestClient, auth: Auth, content_type: str | None
) -> None:
    headers = auth()
    cid = _conversation(client, headers)
    if content_type:
        headers["Content-Type"] = content_type
    r = client.post(f"/v1/conversations/{cid}/messages", content=b'{"text": "hi"}', headers=headers)
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_input"
    assert "send JSON as application/json" in r.json()["error"]["message"]


def test_every_unsupported_method_answers_405_with_allow(client: TestClient) -> None:
    """TRACE and friends answered 405 without the `Allow` header RFC 9110 requires."""
    paths = {path: set(ops) for path, ops in _openapi(client)["paths"].items()}
    paths["/graphql"] = {"get", "post"}
    for path, documented in paths.items():
        url = path.replace("{id}", "00000000-0000-0000-0000-000000000000")
        for method in {"TRACE", "PUT", "DELETE", "PATCH", "GET", "POST"} - {
            m.upper() for m in documented
        }:
            r = client.request(method, url)
            assert r.status_code == 405, (method, path, r.text)
            assert r.json()["error"]["code"] == "method_not_allowed"
            allowed = {m.strip().lower() for m in r.headers["allow"].split(",")}
            assert allowed - {"head"} == documented, (method, path, r.headers["allow"])


def test_every_status_a_route_answers_is_documented(client: TestClient) -> None:
    """/readyz's 503 and every 405 were missing from the OpenAPI document."""
    paths = _openapi(client)["paths"]
    readyz = paths["/readyz"]["get"]["responses"]
    assert {"200", "503"} <= set(readyz)
    assert (
        readyz["503"]["content"]["application/json"]["schema"]
        == (readyz["200"]["content"]["application/json"]["schema"])
    )
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert "405" in operation["responses"], (method, path)
            if path.startswith("/v1/"):
                assert {"401", "503"} <= set(operation["responses"]), (method, path)
                assert operation["security"] == [{"HTTPBearer": []}], (method, path)
            if method == "post":
                assert {"413", "422"} <= set(operation["responses"]), (method, path)


@pytest.mark.parametrize("key", ["has space", "x" * 256, "", "tab\tin"])
def test_an_invalid_idempotency_key_is_bad_input(client: TestClient, auth: Auth, key: str) -> None:
    headers = {**auth(), "Idempotency-Key": key}
    r = client.post("/v1/conversations", headers=headers, json={})
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_input", r.text
    assert "Idempotency-Key" in r.json()["error"]["message"]


def test_a_whole_float_is_a_position(client: TestClient, auth: Auth) -> None:
    """JSON Schema counts 0.0 as an integer; the server refused it. 0.5 and "0" stay refused."""
    headers = auth()
    cid = _conversation(client, headers, "hello")
    branches = f"/v1/conversations/{cid}/branches"
    for position in (0.5, "0", True):
        body = {"from_position": position, "text": "hi"}
        assert client.post(branches, json=body, headers=headers).status_code == 422, position
    r = client.post(branches, json={"from_position": 0.0, "text": "hi again"}, headers=headers)
    assert r.status_code == 201, r.text
    assert r.json()["from_position"] == 0


def test_positions_document_the_range_the_service_accepts(client: TestClient) -> None:
    """A position past the read models' integer columns was schema-valid but refused."""
    components = client.get("/openapi.json").json()["components"]["schemas"]
    for model, field in (("BranchConversation", "from_position"), ("GiveFeedback", "position")):
        spec = components[model]["properties"][field]
        options = spec.get("anyOf", [spec])
        integer = next(o for o in options if o.get("type") == "integer")
        assert (integer["minimum"], integer["maximum"]) == (0, MAX_POSITION), (model, spec)
