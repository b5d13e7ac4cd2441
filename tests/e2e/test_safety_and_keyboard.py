"""Hostile text stays text; every screen fits 390 px; the keyboard alone does the work."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from claims.models import Claim, Source
from tests.e2e.conftest import XSS, screenshot, sign_in
from tests.factories import ArticleFactory, ClaimFactory, EditorFactory, ReviewerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HOSTILE_BODY = (
    "Officials said 5 percent. <img src=x onerror=alert(1)> and "
    '<script>alert(2)</script> then "quotes" & ampersands. The 😀 emoji count rose 40%.'
)


def test_xss_in_article_text_shows_as_text_and_never_runs(new_page):
    ReviewerFactory(username="rita")
    article = ArticleFactory(title="<b>Bold</b> title <script>alert(4)</script>", body=HOSTILE_BODY)
    start = HOSTILE_BODY.index("<img")
    ClaimFactory(article=article, start=start, end=HOSTILE_BODY.index(" and", start))
    page = new_page()
    sign_in(page, "rita")
    expect(page.locator("#article-rows")).to_contain_text("<b>Bold</b> title")
    page.goto(f"/articles/{article.pk}/")
    body = page.locator("#article-body")
    expect(body).to_contain_text("<img src=x onerror=alert(1)>")
    expect(body).to_contain_text("<script>alert(2)</script>")
    assert page.locator("#article-body img, #article-body script").count() == 0
    expect(page.locator("h1")).to_have_text("<b>Bold</b> title <script>alert(4)</script>")
    page.wait_for_timeout(300)
    page.watch.assert_clean(page)


def test_a_hostile_fetched_page_title_shows_as_text(new_page, site, celery_worker_process):
    ReviewerFactory(username="rita")
    claim = ClaimFactory()
    page = new_page()
    sign_in(page, "rita")
    page.goto(f"/claims/{claim.pk}/")
    page.fill("#ev-url", site.url("/xss.html"))
    page.get_by_role("button", name="Add source").click()
    expect(page.get_by_test_id("fetch-status")).to_have_text("Fetched", timeout=45_000)
    assert Source.objects.get().title == XSS
    expect(page.locator("#evidence-box .source-title")).to_have_text(XSS)
    assert page.locator("#evidence-box img, #evidence-box script").count() == 0
    page.wait_for_timeout(300)
    page.watch.assert_clean(page)


def _no_sideways_scroll(page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


@pytest.mark.parametrize("width", [1280, 390])
def test_every_screen_fits_the_width(new_page, width):
    ReviewerFactory(username="rita")
    EditorFactory(username="ed")
    long_word = "Unbreakable" * 20
    article = ArticleFactory(
        title="A long title " + long_word, body=f"Intro {long_word} said 5%. " * 30
    )
    claim = ClaimFactory(article=article, status="suggested", reasons=["a number: 5%"])
    page = new_page(width=width)
    sign_in(page, "ed")
    for path, name in (
        ("/articles/", "list"),
        ("/articles/new/", "new-article"),
        (f"/articles/{article.pk}/", "workbench"),
        (f"/claims/{claim.pk}/", "claim"),
        ("/queue/", "queue"),
    ):
        page.goto(path)
        _no_sideways_scroll(page)
        screenshot(page, f"width-{width}-{name}")
    page.watch.assert_clean(page)


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches the selector."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement?.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_the_keyboard_alone_signs_in_moves_between_claims_and_adds_a_claim(new_page):
    ReviewerFactory(username="kim")
    body = "The council spent 4.2 million euros. Unemployment fell to 5.1 percent last year."
    article = ArticleFactory(title="Keyboard article", body=body)
    first = ClaimFactory(article=article, status="suggested", origin="suggested")
    page = new_page()
    page.goto("/accounts/login/")
    page.keyboard.type("kim")  # the username field has focus on arrival
    page.keyboard.press("Tab")
    page.keyboard.type("correct-horse-battery")
    page.keyboard.press("Enter")
    page.wait_for_url("**/articles/")

    tab_to(page, "a.title")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/articles/{article.pk}/")

    # ? lists the shortcuts; Escape closes the list.
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_be_visible()
    screenshot(page, "10-shortcuts")
    page.keyboard.press("Escape")
    expect(page.locator("#shortcuts")).to_be_hidden()

    # j moves to the first claim, in the text and in the list, and focuses its link.
    page.keyboard.press("j")
    expect(page.locator(f"#item-{first.pk}")).to_have_class("current")
    expect(page.locator(f"#item-{first.pk} a.claim-link")).to_be_focused()

    # Accept the suggestion with the keyboard: Tab to its Accept button, Enter.
    tab_to(page, f"button[value='accept:{first.pk}']")
    page.keyboard.press("Enter")
    expect(page.locator(f"#claim-{first.pk} .claim-label")).to_contain_text("Open")

    # Add a claim by typing its passage (no mouse selection needed).
    tab_to(page, "#passage-box > summary")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.type("Unemployment fell to 5.1 percent")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#article-body mark[id^='claim-']")).to_have_count(2)
    second = Claim.objects.get(article=article, origin="manual")
    assert second.quote == "Unemployment fell to 5.1 percent"

    # j, j, k: back on the first claim; Enter opens the focused claim.
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(page.locator(f"#item-{second.pk}")).to_have_class("current")
    page.keyboard.press("k")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/claims/{second.pk}/")

    # On the claim page: write a comment with the keyboard.
    tab_to(page, "#comment-body")
    page.keyboard.type("Checked against the statistics office.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#comments-box")).to_contain_text("Checked against the statistics office.")
    page.watch.assert_clean(page)


def test_the_claim_cursor_stays_put_when_the_inbox_badge_refreshes(new_page):
    """The badge in the header is swapped in by htmx on load and every 30 s; a reviewer moving
    through the claims with j and k keeps their place across it."""
    ReviewerFactory(username="kim")
    body = "The council spent 4.2 million euros. Unemployment fell to 5.1 percent last year."
    article = ArticleFactory(title="Cursor article", body=body)
    first = ClaimFactory(article=article, start=0, end=35, status="open")
    second = ClaimFactory(article=article, start=37, end=69, status="open")
    page = new_page()
    sign_in(page, "kim")
    page.goto(f"/articles/{article.pk}/")
    expect(page.locator("#inbox-link")).to_be_visible()
    page.keyboard.press("j")
    expect(page.locator(f"#item-{first.pk}")).to_have_class("current")
    # the badge's refresh, the request its "every 30s" trigger makes, swapped in the same way
    page.evaluate(
        """() => new Promise((done) => {
            document.addEventListener("htmx:afterSwap", () => done(), { once: true });
            htmx.ajax("GET", "/inbox/badge/", { target: "#inbox-link", swap: "outerHTML" });
        })"""
    )
    page.keyboard.press("j")
    expect(page.locator(f"#item-{second.pk}")).to_have_class("current")
    expect(page.locator(f"#item-{second.pk} a.claim-link")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/claims/{second.pk}/")
    page.watch.assert_clean(page)
