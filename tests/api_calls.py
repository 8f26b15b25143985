"""How tests call the API as someone: the `auth` fixture's type, and GraphQL requests
(to the app in the test process or to a server running apart: a TestClient is an httpx client).

One definition each, so every test file asks the same thing of a GraphQL response.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

Auth = Callable[..., dict[str, str]]
"""The `auth` fixture: a user name (a fresh one if omitted) and a role to bearer headers."""


def gql(client: httpx.Client, headers: dict[str, str], query: str, **variables: Any) -> Any:
    """The JSON body of a GraphQL request; its errors, if any, are the caller's to check."""
    response = client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def data(client: httpx.Client, headers: dict[str, str], query: str, **variables: Any) -> Any:
    """The `data` of a GraphQL request that must succeed."""
    body = gql(client, headers, query, **variables)
    assert "errors" not in body, body
    return body["data"]


def codes(body: Any) -> list[str]:
    """The `extensions.code` of each error in a GraphQL response body."""
    return [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
