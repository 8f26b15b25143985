"""What an attacker cannot do to the audit pages and the HTTP surface: crash a page with a
parameter, forge a reviewer's sign-in or sign-out from another site, steal the session over
plain HTTP behind a TLS proxy, run a script in a page or an export, read the schema in
production."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from api.audit.csrf import CSRF_COOKIE
from api.audit.pages import COOKIE
from bootstrap.container import Container, web_app
from cli.audit import catch_up
from domain.access import Role
from reports import case as cases
from tests import procs
from tests.api_calls import Auth
from tests.test_audit import HTML, session_cookie, sign_in

LISTS = ("/audit", "/audit/contested", "/audit/stats")
FIXED = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


# -- parameters -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", LISTS)
def test_the_last_day_of_the_calendar_is_a_period_not_a_crash(
    client: TestClient, rita: dict[str, str], path: str
) -> None:
    for query in (
        "until=9999-12-31",
        "since=9999-12-31&until=9999-12-31",
        "since=0001-01-01&until=9999-12-31",
    ):
        assert client.get(f"{path}?{query}", headers=rita).status_code == 200, query


@FIXED
@given(since=st.dates() | st.none(), until=st.dates() | st.none(), path=st.sampled_from(LISTS))
@example(since=date.min, until=date.max, path="/audit")
@example(since=date.max, until=None, path="/audit/stats")
def test_any_calendar_period_is_answered(
    client: TestClient, rita: dict[str, str], since: date | None, until: date | None, path: str
) -> None:
    query = {k: str(v) for k, v in (("since", since), ("until", until)) if v is not None}
    assert client.get(path, params=query, headers=rita).status_code == 200


def not_a_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return value != ""  # an empty field means "no bound"
    return False


@FIXED
@given(
    value=st.sampled_from(
        [
            "10000-01-01",
            "2024-13-01",
            "2024-02-30",
            "0000-01-01",
            "-1",
            "99999999999999999999",
            "\u0662\u0660\u0662\u0664-01-01",
            "\x00",
        ]
    )
    | st.text(max_size=12).filter(not_a_date),
    field=st.sampled_from(["since", "until"]),
    path=st.sampled_from(LISTS),
)
def test_a_malformed_date_is_a_clear_422(
    client: TestClient, rita: dict[str, str], value: str, field: str, path: str
) -> None:
    script = client.get(path, params={field: value}, headers=rita)
    assert script.status_code == 422 and script.json()["error"]["code"] == "bad_input"
    browser = client.get(path, params={field: value}, headers={**rita, **HTML})
    assert browser.status_code == 422 and browser.headers["content-type"].startswith("text/html")
    assert "not a date" in browser.text


@pytest.mark.parametrize("field", ["reason", "model", "policy_version", "category"])
def test_a_filter_the_database_cannot_hold_is_a_clear_422(
    client: TestClient, rita: dict[str, str], field: str
) -> None:
    for path in ("/audit", "/audit/contested"):
        refused = client.get(path, params={field: "claude\x00"}, headers=rita)
        assert refused.status_code == 422 and refused.json()["error"]["code"] == "bad_input"


# -- signing in and out -----------------------------------------------------------------------


def test_a_token_pasted_with_its_bearer_prefix_signs_in(
    client: TestClient, container: Container
) -> None:
    token = container.signer.mint("rita-bearer", Role.REVIEWER)
    browser, signed = sign_in(client, f"Bearer {token}")
    assert signed.status_code == 303 and signed.headers["location"] == "/audit"
    assert session_cookie(signed).startswith(f"{COOKIE}={token.lower()};")
    assert "rita-bearer" in browser.get("/audit", headers=HTML).text


CROSS_SITE = [
    {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    {"Origin": "https://evil.example"},
    {"Sec-Fetch-Site": "same-site"},
    {"Origin": "null"},
]


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_sign_out_from_another_site_is_refused_and_the_session_stays(
    client: TestClient, container: Container, headers: dict[str, str]
) -> None:
    browser, _ = sign_in(client, container.signer.mint("rita-stays", Role.REVIEWER))
    csrf = browser.cookies[CSRF_COOKIE]
    refused = browser.post(
        "/audit/sign-out", data={"csrf": csrf}, headers={**HTML, **headers}, follow_redirects=False
    )
    assert refused.status_code == 403 and "cross-site" in refused.text
    assert "set-cookie" not in refused.headers
    assert "rita-stays" in browser.get("/audit", headers=HTML).text
    signed_out = browser.post("/audit/sign-out", data={"csrf": csrf}, follow_redirects=False)
    assert signed_out.status_code == 303 and COOKIE not in browser.cookies


def test_sign_out_without_the_pages_token_is_refused(
    client: TestClient, container: Container
) -> None:
    browser, _ = sign_in(client, container.signer.mint("rita-token", Role.REVIEWER))
    for form in ({}, {"csrf": "x" * 43}, {"csrf": ""}):
        refused = browser.post("/audit/sign-out", data=form, follow_redirects=False)
        assert refused.status_code == 403, form
        assert refused.json()["error"]["code"] == "forbidden"
    assert "rita-token" in browser.get("/audit", headers=HTML).text
    scripted = {"Authorization": f"Bearer {container.signer.mint('rita-script', Role.REVIEWER)}"}
    signed_out = browser.post("/audit/sign-out", headers=scripted, follow_redirects=False)
    assert signed_out.status_code == 303, "another site cannot forge a bearer header"


@pytest.mark.parametrize("headers", [*CROSS_SITE, {}])
def test_login_csrf_cannot_sign_a_browser_in_as_the_attacker(
    client: TestClient, container: Container, headers: dict[str, str]
) -> None:
    """Another site's form holds the attacker's reviewer token but not the victim's page
    token; with a token it guessed or took from its own visit, the browser's headers
    still give it away."""
    attacker = container.signer.mint("mallory-reviewer", Role.REVIEWER)
    victim = TestClient(client.app)
    victim.get("/audit/sign-in", headers=HTML)  # the victim has a page token of its own
    forged = {"token": attacker, "csrf": "" if not headers else victim.cookies[CSRF_COOKIE]}
    refused = victim.post(
        "/audit/sign-in", data=forged, headers={**HTML, **headers}, follow_redirects=False
    )
    assert refused.status_code == 403
    assert COOKIE not in victim.cookies
    assert not any(line.startswith(f"{COOKIE}=") for line in refused.headers.get_list("set-cookie"))


@pytest.mark.parametrize("options", [("--proxy-headers",), ()])
def test_the_session_cookie_is_secure_when_a_trusted_proxy_says_https(
    fresh_database: Callable[[], str], tmp_path: Path, options: tuple[str, ...]
) -> None:
    """`serve --proxy-headers` believes X-Forwarded-Proto from 127.0.0.1; without the option
    the header is ignored (an attacker could send it)."""
    url = fresh_database()
    proc, base = procs.serve(url, tmp_path, *options)
    try:
        for scheme in ("https", "http"):
            secure = scheme == "https" and bool(options)
            with httpx.Client(base_url=base, headers={"X-Forwarded-Proto": scheme, **HTML}) as web:
                form = web.get("/audit/sign-in")
                csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
                assert csrf
                assert ("secure" in form.headers["set-cookie"].lower()) is secure
                web.cookies.set(CSRF_COOKIE, csrf[1])  # httpx keeps Secure ones for https
                token = procs.token("rita-tls", Role.REVIEWER)
                signed = web.post("/audit/sign-in", data={"token": token, "csrf": csrf[1]})
                assert signed.status_code == 303, signed.text
                assert ("; secure" in session_cookie(signed)) is secure
    finally:
        proc.stop()


# -- headers --------------------------------------------------------------------------------


def failing_app(container: Container) -> TestClient:
    """The app plus one route that fails unexpectedly, to see the 500 answer's headers."""
    app = web_app(container)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    return TestClient(app, raise_server_exceptions=False)


def test_every_kind_of_response_says_nosniff(
    client: TestClient, container: Container, rita: dict[str, str], auth: Auth
) -> None:
    user = auth()
    responses = {
        "REST": client.post("/v1/conversations", json={}, headers=user),
        "REST error": client.get(f"/v1/conversations/{uuid.uuid4()}", headers=user),
        "GraphQL": client.post("/graphql", json={"query": "{ __typename }"}, headers=user),
        "audit": client.get("/audit", headers=rita),
        "audit export": client.get(f"/audit/{uuid.uuid4()}.md", headers=rita),
        "unknown path": client.get("/nowhere"),
        "metrics": client.get("/metrics"),
        "healthz": client.get("/healthz"),
        "static": client.get("/static/audit/sign-in.js"),
        "500": failing_app(container).get("/boom"),
    }
    assert responses["500"].status_code == 500
    for kind, response in responses.items():
        assert response.headers.get("x-content-type-options") == "nosniff", kind
        assert response.headers.get("referrer-policy") == "same-origin", kind


def html_pages(client: TestClient, container: Container, rita: dict[str, str]) -> dict:
    cid = client.post("/v1/conversations", json={}, headers=rita).json()["id"]
    user = {"Authorization": f"Bearer {container.signer.mint('u-' + uuid.uuid4().hex[:6])}"}
    assert catch_up(container)
    return {
        "sign-in": client.get("/audit/sign-in", headers=HTML),
        "endings": client.get("/audit", headers={**rita, **HTML}),
        "contested": client.get("/audit/contested", headers={**rita, **HTML}),
        "stats": client.get("/audit/stats", headers={**rita, **HTML}),
        "views": client.get("/audit/views", headers={**rita, **HTML}),
        "case": client.get(f"/audit/{cid}", headers={**rita, **HTML}),
        "forbidden": client.get("/audit", headers={**user, **HTML}),
        "error": client.get("/audit?since=never", headers={**rita, **HTML}),
        "graphiql": client.get("/graphql", headers=HTML),
    }


def test_every_html_page_runs_only_the_apps_own_script_and_style_files(
    client: TestClient, container: Container, rita: dict[str, str]
) -> None:
    for name, page in html_pages(client, container, rita).items():
        assert page.headers["content-type"].startswith("text/html"), name
        csp = page.headers["content-security-policy"].split(";")
        policy = {name: value for name, _, value in (part.strip().partition(" ") for part in csp)}
        assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'", name
        assert policy["default-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
        assert page.headers["referrer-policy"] == "same-origin"
        scripts = re.findall(r"<script\b([^>]*)>", page.text)
        assert all('src="/static/' in attributes for attributes in scripts), (name, scripts)
        assert "<style" not in page.text and " style=" not in page.text, name


@pytest.mark.parametrize(("page", "folder"), [("/graphql", "graphiql"), ("/docs", "swagger")])
def test_browser_tools_load_only_files_shipped_with_the_app(
    client: TestClient, page: str, folder: str
) -> None:
    """GraphiQL and the REST reference came from a public CDN with an inline script."""
    html = client.get(page, headers=HTML)
    assert html.status_code == 200 and folder in html.text.lower()
    assets = [a for a in re.findall(r'(?:src|href)="([^"]+)"', html.text) if a != "data:,"]
    assert {a.rsplit(".", 1)[-1] for a in assets} == {"js", "css"}
    assert "<script>" not in html.text  # every script is a file
    for asset in assets:
        assert asset.startswith(f"/static/{folder}/"), asset
        served = client.get(asset)
        assert served.status_code == 200 and len(served.content) > 0, asset
        assert served.headers["x-content-type-options"] == "nosniff"
        assert "max-age" in served.headers["cache-control"]


# -- production -----------------------------------------------------------------------------


def production(container: Container) -> TestClient:
    settings = container.settings.model_copy(update={"production": True})
    return TestClient(web_app(replace(container, settings=settings)))


INTROSPECTION = "{ __schema { types { name } } }"
TYPO = "{ conversatoins { edges { node { id } } } }"


def test_production_hides_the_schema_and_graphiql(
    client: TestClient, container: Container, auth: Auth
) -> None:
    user = auth()
    open_ = client.post("/graphql", json={"query": INTROSPECTION}, headers=user).json()
    assert open_["data"]["__schema"]["types"]
    typo = client.post("/graphql", json={"query": TYPO}, headers=user).json()
    assert "Did you mean" in typo["errors"][0]["message"]

    hidden = production(container)
    refused = hidden.post("/graphql", json={"query": INTROSPECTION}, headers=user).json()
    assert refused.get("data") is None and "introspection" in refused["errors"][0]["message"]
    typo = hidden.post("/graphql", json={"query": TYPO}, headers=user).json()
    assert "conversatoins" in typo["errors"][0]["message"]
    assert "Did you mean" not in str(typo) and "conversations" not in str(typo)
    no_graphiql = hidden.get("/graphql", headers=HTML)
    assert no_graphiql.status_code == 404 and no_graphiql.json()["error"]["code"] == "not_found"
    assert hidden.post("/graphql", json={"query": "{ __typename }"}, headers=user).json() == {
        "data": {"__typename": "Query"}
    }


# -- the Markdown case file -----------------------------------------------------------------

HOSTILE_PARTS = [
    "<script>alert(1)</script>",
    "<iframe src=javascript:alert(1)>",
    "[x](javascript:alert(1))",
    "<javascript:alert(1)>",
    "![](x)",
    "&lt;b&gt;",
    "&#60;i&#62;",
    "```",
    "``",
    "`",
    "~~~",
    "\n",
    "\r\n",
    "\n\n",
    "    ",
    "\t",
    "# ",
    "- ",
    "1. ",
    "> ",
    "***",
    "___",
    "---",
    "===",
    "|a|b|\n|-|-|",
    "[r]: javascript:alert(1)",
    "\\",
    "<!-- x -->",
    "*em*",
    "_em_",
    "~~s~~",
    "<https://evil.example>",
    "[x]",
    "(y)",
    "{: .x}",
    "www.evil.example",
]
hostile = (
    st.lists(
        st.sampled_from(HOSTILE_PARTS)
        | st.text(st.characters(blacklist_characters="\x00"), max_size=6),
        min_size=1,
        max_size=6,
    )
    .map("".join)
    .filter(str.strip)
)
RENDER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
OUR_TAGS = {"h1", "h2", "h3", "p", "ul", "li", "em", "strong", "blockquote", "br"}


class Rendered(HTMLParser):
    """The tags, attributes and text of rendered Markdown."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += attrs

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def words(text: str) -> str:
    return " ".join(text.split())


def assert_shown_literally(markdown: str, *values: str) -> None:
    rendered = Rendered(RENDER.render(markdown))
    assert rendered.tags <= OUR_TAGS, (rendered.tags - OUR_TAGS, markdown)
    assert rendered.attributes == [], markdown
    shown = words("".join(rendered.text))
    for value in values:
        assert words(value) in shown, (value, markdown)


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(hostile, min_size=12, max_size=12))
def test_the_markdown_case_file_shows_every_value_literally(texts: list[str]) -> None:
    (owner, model, status, reason, rule, version, key, value, category, summary, text, note) = texts
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    step = cases.ExplainedMessage(
        position=0,
        at=at,
        author=reason,
        kind=status,
        text=text,
        explanation=summary,
        assessment={"scores": {key: 0.5}},
        notes=[cases.Note(kind="feedback", at=at, summary=note)],
    )
    ending = cases.EndingFacts(
        position=0,
        at=at,
        reason=reason,
        rule=rule,
        policy_version=version,
        policy={key: value},
        model=model,
        category=category,
        cites=[0],
        summary=summary,
    )
    case = cases.CaseFile(
        conversation_id=uuid.uuid4(),
        owner=owner,
        model=model,
        started_at=at,
        status=status,
        branched_from=None,
        branch_position=None,
        ending=ending,
        steps=[step],
        redirects=[],
        warnings=[],
        confirmations=[],
        vetoes=[],
        crisis_signals=[],
        ladder_resets=[],
        feedback=[],
        branches=[],
    )
    assert_shown_literally(cases.to_markdown(case), *texts)


def test_a_hostile_conversation_exports_as_inert_markdown(
    client: TestClient, container: Container, rita: dict[str, str]
) -> None:
    name = f"<img src=x onerror=alert(1)>[me](javascript:alert(1)) {uuid.uuid4().hex[:6]}"
    user = {"Authorization": f"Bearer {container.signer.mint(name)}"}
    text = "<script>alert(1)</script>\n\n    [click](javascript:alert(1))\n```\n![](x)"
    comment = "<iframe src=javascript:alert(1)></iframe> *rated* `down`"
    cid = client.post("/v1/conversations", json={}, headers=user).json()["id"]
    assert (
        client.post(
            f"/v1/conversations/{cid}/messages", json={"text": text}, headers=user
        ).status_code
        == 200
    )
    assert (
        client.post(
            f"/v1/conversations/{cid}/feedback",
            json={"rating": "down", "comment": comment, "position": 1},
            headers=user,
        ).status_code
        == 201
    )
    assert catch_up(container)
    markdown = client.get(f"/audit/{cid}.md", headers=rita)
    assert markdown.status_code == 200
    assert_shown_literally(markdown.text, name, text)
    assert "*rated*" in words("".join(Rendered(RENDER.render(markdown.text)).text))
