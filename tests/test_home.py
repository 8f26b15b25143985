"""`/`: where a newcomer finds the docs, GraphiQL, the audit, health and metrics."""

from __future__ import annotations

from dataclasses import replace

from fastapi.testclient import TestClient

from bootstrap.container import Container, web_app

LINKS = {"/docs", "/graphql", "/audit", "/healthz", "/readyz", "/metrics"}


def test_json_names_the_service_and_links_that_answer(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "lastresort" and body["version"] == client.app.version  # type: ignore[attr-defined]
    assert set(body["links"]) == LINKS
    for path in body["links"]:
        assert client.get(path).status_code != 404, path


def test_a_browser_gets_a_page_without_script_or_inline_style(client: TestClient) -> None:
    response = client.get("/", headers={"Accept": "text/html,application/xhtml+xml"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page = response.text
    for path in LINKS:
        assert f'<a href="{path}">' in page, path
    assert "<script" not in page and "<style" not in page and "style=" not in page


def test_production_does_not_link_graphiql(container: Container) -> None:
    settings = container.settings.model_copy(update={"production": True})
    production = replace(container, settings=settings)
    body = TestClient(web_app(production)).get("/").json()
    assert set(body["links"]) == LINKS - {"/graphql"}


def test_documented_in_openapi(client: TestClient) -> None:
    route = client.get("/openapi.json").json()["paths"]["/"]["get"]
    ok = route["responses"]["200"]["content"]
    assert ok["application/json"]["schema"] == {"$ref": "#/components/schemas/Home"}
    assert "text/html" in ok
