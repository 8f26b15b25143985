"""A reviewer in headless Chromium: sign in, open an ending from the list, read the
timeline, filter, export; a user gets 403. Screenshots go to test-artifacts/."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import uvicorn

from api.app import create_app
from api.audit.command import catch_up
from api.container import Container
from api.demo import seed
from api.migrate import migrate
from api.settings import Settings
from domain.access import Role

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install "
    "-y chromium)"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served(
    fresh_database: Callable[[], str], settings: Settings
) -> Iterator[tuple[str, Container]]:
    """The app with the demo data, served by uvicorn in a thread on a free port."""
    url = fresh_database()
    migrate(url)
    container = Container.build(replace(settings, database_url=url), url)
    seed(container)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(container), port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
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
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/audit")
        expect(page).to_have_url(f"{base}/audit/sign-in?next=%2Faudit")
        page.fill("#token", container.signer.mint("rita", Role.REVIEWER))
        page.click("button[type=submit]")
        expect(page).to_have_url(f"{base}/audit")
        expect(page.locator("tr.ending-row")).to_have_count(3)
        page.screenshot(path=ARTIFACTS / "audit-endings.png", full_page=True)

        page.locator("tr.ending-row", has=page.locator(".badge.contested")).locator(
            "a.open-case").click()  # click 1 of 2 (the second is not even needed)
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
