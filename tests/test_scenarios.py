"""Every example conversation of the shared scenarios, through HTTP, reaches its outcome."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.container import Container
from tests.shared import SCENARIOS


def _scenarios() -> list[dict[str, Any]]:
    if not SCENARIOS.exists():
        pytest.skip(f"{SCENARIOS} not found", allow_module_level=True)
    return list(json.loads(SCENARIOS.read_text())["scenarios"])


@pytest.mark.parametrize("scenario", _scenarios(), ids=lambda s: s["name"])
def test_scenario_outcome(
    client: TestClient,
    container: Container,
    auth: Callable[..., dict[str, str]],
    scenario: dict[str, Any],
) -> None:
    headers = auth()
    cid = client.post("/v1/conversations", json={}, headers=headers).json()["id"]
    kinds: list[str] = []
    ending = None
    for text in scenario["turns"]:
        response = client.post(
            f"/v1/conversations/{cid}/messages", json={"text": text}, headers=headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        kinds.append(body["reply"]["kind"])
        if body["status"] == "ended":
            ending = body["ending"]
            break

    expect = scenario["expect"]
    assert (ending is not None) == expect["ended"], kinds
    if "reason" in expect:
        assert ending is not None and ending["reason"] == expect["reason"]
    if "warned" in expect:
        assert ("warning" in kinds) == expect["warned"], kinds
    if "redirected" in expect:
        assert ("redirect" in kinds) == expect["redirected"], kinds
    if expect.get("crisis_support"):
        assert "crisis_support" in kinds, kinds
    if "confirmation_asked" in expect:
        assert ("confirm_end" in kinds) == expect["confirmation_asked"], kinds
    if ending is not None and ending["reason"] == "persistent_harm":
        policy = container.service.policy
        warned_at = kinds.index("warning")
        assert kinds[:warned_at].count("redirect") >= policy.min_redirects
        assert kinds[-1] == "ended" and warned_at < len(kinds) - 1
