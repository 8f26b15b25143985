"""Every example conversation (`tests/examples.json`), through HTTP on the offline assessor,
reaches its outcome; an ended one refuses the next message; a branch goes on by itself."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from fastapi.testclient import TestClient

from bootstrap.container import Container
from tests.api_calls import Auth
from tests.examples import Example, Said, check_outcome, examples

FedOutcome = tuple[list[str], str | None]


def _feed(
    client: TestClient, headers: dict[str, str], cid: str, turns: Sequence[Said]
) -> FedOutcome:
    """Send `turns` until the conversation ends: the reply kinds and the ending reason."""
    kinds: list[str] = []
    for said in turns:
        response = client.post(
            f"/v1/conversations/{cid}/messages", json={"text": said.text}, headers=headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        kinds.append(body["reply"]["kind"])
        if body["status"] == "ended":
            return kinds, body["ending"]["reason"]
    return kinds, None


@pytest.mark.parametrize("example", examples(), ids=str)
def test_example_reaches_its_outcome(
    client: TestClient,
    container: Container,
    auth: Auth,
    example: Example,
) -> None:
    headers = auth()
    min_redirects = container.service.policy.min_redirects
    started = client.post("/v1/conversations", json={"model": example.model}, headers=headers)
    cid = started.json()["id"]

    kinds, ending = _feed(client, headers, cid, example.turns)
    check_outcome(example.expect, kinds, ending, min_redirects)
    if ending is not None:
        after = client.post(
            f"/v1/conversations/{cid}/messages", json={"text": "Still there?"}, headers=headers
        )
        assert after.status_code == 409
        assert after.json()["error"]["code"] == "conversation_ended"

    if example.branch is not None:
        first, *rest = example.branch.turns
        made = client.post(
            f"/v1/conversations/{cid}/branches",
            json={"from_position": example.branch.from_position, "text": first.text},
            headers=headers,
        )
        assert made.status_code == 201, made.text
        branch = made.json()
        assert branch["parent_id"] == cid
        more, branch_ending = (
            ([], branch["ending"]["reason"])
            if branch["status"] == "ended"
            else _feed(client, headers, branch["id"], rest)
        )
        check_outcome(
            example.branch.expect, [branch["reply"]["kind"], *more], branch_ending, min_redirects
        )
        parent = client.get(f"/v1/conversations/{cid}", headers=headers).json()
        assert parent["status"] == ("ended" if ending else "open")
