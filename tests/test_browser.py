"""A reviewer in headless Chromium: sign in, open an ending from the list, read the
timeline, filter, export; a user gets 403. Screenshots go to test-artifacts/."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn

from bootstrap.container import Container, web_app
from bootstrap.settings import Settings
from cli.audit import catch_up
from domain.access import Principal, Role
from eventstore.migrate import migrate
from tests.procs import HARM, free_port
from tests.waiting import wait_until
from tools.demo import seed

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)",
)


@pytest.fixture(scope="module")
def served(
    fresh_database: Callable[[], str], settings: Settings
) -> Iterator[tuple[str, Container]]:
    """The app with the demo data, served by uvicorn in a thread on a free port."""
    url = fresh_database()
    migrate(url)
    container = Container.build(settings.model_copy(update={"database_url": url}), url)
    seed(container.service, container.registry)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(web_app(container), port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, 30, "uvicorn to start")
    assert catch_up(container)
    yield f"http://127.0.0.1:{port}", container
    server.should_exit = True
    thread.join(10)


def test_a_reviewer_explains_an_ending_in_two_clicks_and_a_user_gets_403(
    served: tuple[str, Container],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, container = served
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        refused = console_errors(page)
        page.goto(f"{base}/audit")
        expect(page).to_have_url(f"{base}/audit/sign-in?next=%2Faudit")
        page.fill("#token", container.signer.mint("rita", Role.REVIEWER))
        page.click("button[type=submit]")
        expect(page).to_have_url(f"{base}/audit")
        expect(page.locator("tr.ending-row")).to_have_count(3)
        page.screenshot(path=ARTIFACTS / "audit-endings.png", full_page=True)

        page.locator("tr.ending-row", has=page.locator(".badge.contested")).locator(
            "a.open-case"
        ).click()  # click 1 of 2 (the second is not even needed)
        expect(page.locator("#ending-summary")).to_contain_text("by rule harm.end")
        ending = page.locator(".step.ending")
        expect(ending).to_have_count(1)
        expect(ending).to_contain_text("Rule harm.end fired: ended the conversation")
        expect(ending).to_contain_text("This ending surprised me")
        expect(page.locator(".step.cited")).to_have_count(7)
        expect(page.locator(".step", has_text="warned the user")).to_have_count(1)
        expect(page.locator("#viewed-by")).to_contain_text("rita")
        page.screenshot(path=ARTIFACTS / "audit-case.png", full_page=True)

        with page.expect_download() as download:
            page.click("#export-json")
        case = json.loads(Path(download.value.path()).read_text())
        assert case["ending"]["rule"] == "harm.end" and case["status"] == "ended"

        page.click("nav >> text=Endings")
        page.select_option("select[name=reason]", "user_request")
        page.click("text=Apply")
        expect(page.locator("tr.ending-row")).to_have_count(1)
        expect(page.locator("tr.ending-row .badge")).to_have_text("user_request")
        page.click("nav >> text=Statistics")
        expect(page.locator("#kpi-endings")).to_contain_text("3")
        page.screenshot(path=ARTIFACTS / "audit-stats.png", full_page=True)

        user = browser.new_page()
        user.goto(f"{base}/audit/sign-in")
        user.fill("#token", container.signer.mint("ana"))
        user.click("button[type=submit]")
        expect(user.locator("h1")).to_have_text("403 · Reviewers only")
        assert user.goto(f"{base}/audit").url.startswith(f"{base}/audit/sign-in")
        browser.close()
    assert refused == [], "the pages' policy refused something they need"


def launch(p: Any) -> Any:
    return p.chromium.launch(
        executable_path=str(CHROMIUM),
        args=[
            "--no-sandbox",
            "--headless",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    )


def console_errors(page: Any) -> list[str]:
    """Console errors as they come (a Content-Security-Policy refusal is one)."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_graphiql_and_the_one_click_sign_in_work_offline_under_the_policy(
    served: tuple[str, Container],
) -> None:
    """GraphiQL renders and answers a query, and the REST reference renders, from the server's
    own files; the demo link's fragment signs in through the static script; nothing leaves
    127.0.0.1."""
    from playwright.sync_api import expect, sync_playwright

    base, container = served
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors = console_errors(page)
        hosts: set[str] = set()
        page.on("request", lambda r: hosts.add(urlsplit(r.url).netloc))
        page.goto(f"{base}/graphql")
        expect(page.locator(".graphiql-container")).to_be_visible()
        expect(page.locator(".graphiql-editor").first).to_be_visible()
        page.locator(".graphiql-query-editor .CodeMirror").first.click()
        page.keyboard.press("Control+A")
        page.keyboard.type("{ __typename }")
        page.locator(".graphiql-execute-button").click()
        expect(page.locator(".graphiql-response")).to_contain_text('"__typename": "Query"')
        page.screenshot(path=ARTIFACTS / "graphiql.png")

        page.goto(f"{base}/docs")
        expect(page.locator(".swagger-ui .information-container")).to_contain_text("lastresort")
        expect(page.locator(".opblock-summary-path").first).to_be_visible()
        page.screenshot(path=ARTIFACTS / "api-docs.png")

        token = container.signer.mint("rita-link", Role.REVIEWER)
        page.goto(f"{base}/audit/sign-in#token={token}")
        expect(page).to_have_url(f"{base}/audit")
        expect(page.locator("header.top .who")).to_contain_text("rita-link")
        browser.close()
    assert errors == []
    assert hosts == {urlsplit(base).netloc}


def test_an_erased_case_page_keeps_why_it_ended_and_shows_no_text(
    served: tuple[str, Container],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, container = served
    owner = Principal("erin")
    cid = container.service.start(owner, "claude-opus-4-1").id
    for _ in range(4):
        container.service.send_message(owner, cid, f"{HARM} (erin's own words)")
    erasure = container.service.erase_conversation(owner, cid)
    assert catch_up(container)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/audit/sign-in?next=%2Faudit%2F{cid}")
        page.fill("#token", container.signer.mint("rita", Role.REVIEWER))
        page.click("button[type=submit]")
        expect(page.locator("#erased")).to_contain_text(
            f"Text erased on {erasure.at.date().isoformat()} by erin (conversation)"
        )
        expect(page.locator("#ending-summary")).to_contain_text("by rule harm.end")
        expect(page.locator(".step.ending")).to_contain_text(
            f"erased on {erasure.at.date().isoformat()}"
        )
        assert "erin's own words" not in page.content()
        page.screenshot(path=ARTIFACTS / "audit-case-erased.png", full_page=True)
        browser.close()
