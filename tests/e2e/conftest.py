"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

They fail, never skip, when the browser is missing (CI installs it). Screenshots of the main screens
go to artifacts/screenshots/ (git-ignored). Only the local live server and a local test site on
127.0.0.1 are ever visited.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import pytest

from tests.sites import LocalSite

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PASSWORD = "correct-horse-battery"

# Playwright's sync API keeps an event loop in the test thread; the ORM calls the tests make
# between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The pages the sources in these tests point at. It starts at collection, before the session's
# Celery worker (tests/conftest.py), so the worker's environment can allow exactly this loopback
# port; the worker is a subprocess and reads its fetch settings from the environment.
SITE = LocalSite("127.0.0.1")
os.environ["SOURCE_FETCH_ALLOWED_NETWORKS"] = "127.0.0.0/8"
os.environ["SOURCE_FETCH_ALLOWED_PORTS"] = f"80,443,{SITE.port}"

SOURCE_HTML = """<!doctype html><html lang="en"><head><title>{title}</title>
<meta name="author" content="Desk Reporter"></head><body><article>
<h1>{h1}</h1>
<p>The US and South Korea have accused North Korea of sending more than 10,000 troops to Russia.
Officials in Seoul said the soldiers were deployed to the Kursk region in October, and that more
units could follow before the end of the year, according to intelligence briefings.</p>
<p>Analysts said the deployment marks a new stage in the relationship between the two countries,
which signed a mutual defence treaty in June during a rare visit to Pyongyang.</p>
</article></body></html>"""


ARTICLE_HTML = """<!doctype html><html lang="en"><head><title>Harbour budget approved</title>
</head><body><article><h1>Harbour budget approved</h1>
<p>The harbour authority approved a budget of 12 million euros on Tuesday, its director said.</p>
<p>Traffic through the port grew by 8 percent last year, according to the annual report, and the
authority expects a further rise once the new container terminal opens in the spring.</p>
<p>Critics said the plan ignores the cost of dredging the channel, which they put at 3 million.</p>
</article></body></html>"""
XSS = "<img src=x onerror=alert(document.domain)><script>alert(3)</script>"


@pytest.fixture(scope="session")
def site():
    SITE.page("/article.html", ARTICLE_HTML)
    for path, title in (("/troops.html", "Seoul says 10,000 troops were sent"), ("/xss.html", XSS)):
        SITE.page(path, SOURCE_HTML.format(title=title, h1=html.escape(title)))
    return SITE


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Watch:
    """What must never happen on a page: a dialog (a script ran), a CSP violation, a JS error."""

    def __init__(self, page):
        self.dialogs: list[str] = []
        self.violations: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self._console)
        page.add_init_script(
            "window.__csp = [];"
            "document.addEventListener('securitypolicyviolation',"
            " e => window.__csp.push([e.violatedDirective, e.blockedURI, e.sourceFile,"
            " e.lineNumber, e.columnNumber, e.sample, location.pathname].join(' ')));"
        )

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            where = message.location or {}
            self.violations.append(f"{where.get('url')}:{where.get('lineNumber')} {message.text}")

    def assert_clean(self, page) -> None:
        violations = (page.evaluate("window.__csp || []") or []) + self.violations
        assert not self.dialogs, f"a script ran: {self.dialogs}"
        assert not violations, f"CSP violations: {violations}"
        assert not self.errors, f"JavaScript errors: {self.errors}"


@pytest.fixture
def new_page(browser, live_server):
    """Open a page (own context: own cookies) at a width; watched for dialogs and violations."""
    contexts = []

    def open_page(width: int = 1280, height: int = 900):
        context = browser.new_context(
            viewport={"width": width, "height": height}, base_url=live_server.url
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.watch = Watch(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


def screenshot(page, name: str, *, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/articles/")


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
