"""The whole story in a real browser: suggest, annotate, source, rate, approve, publish, read."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from claims.models import Article, Claim, Source, Verdict
from claims.services.seeds import seed_load_all
from tests.conftest import ROOT
from tests.e2e.conftest import screenshot, sign_in, sign_out
from tests.factories import ArticleFactory, ClaimFactory, EditorFactory, ReviewerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHRASE = "more than 10,000 troops"

# Finds PHRASE in the article text's own text nodes and returns the screen box of its first
# and last characters, so the test can drag the mouse across it like a person would.
PHRASE_BOX = """(phrase) => {
  const root = document.getElementById('article-body');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => n.parentElement.closest('.claim-label')
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT });
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(phrase);
    if (at < 0) continue;
    node.parentElement.scrollIntoView({block: 'center'});
    const range = document.createRange();
    range.setStart(node, at); range.setEnd(node, at + 1);
    const first = range.getBoundingClientRect();
    range.setStart(node, at + phrase.length - 1); range.setEnd(node, at + phrase.length);
    const last = range.getBoundingClientRect();
    return {x0: first.left + 1, y0: first.top + first.height / 2,
            x1: last.right - 1, y1: last.top + last.height / 2};
  }
  return null;
}"""


def drag_select(page, phrase: str) -> None:
    box = page.evaluate(PHRASE_BOX, phrase)
    assert box, f"{phrase!r} is not in one text node of the article"
    page.mouse.move(box["x0"], box["y0"])
    page.mouse.down()
    page.mouse.move((box["x0"] + box["x1"]) / 2, box["y1"], steps=4)
    page.mouse.move(box["x1"], box["y1"], steps=4)
    page.mouse.up()


def test_from_suggestion_to_published_fact_check(new_page, site, celery_worker_process):
    seed_load_all(directory=ROOT / "seeds")
    article = Article.objects.get(seed_key__isnull=False)
    suggested = Claim.objects.filter(article=article, status="suggested").count()
    assert suggested > 0
    reviewer = ReviewerFactory(username="rita")
    EditorFactory(username="ed")

    # A reviewer signs in and opens the seed article: its suggestions are marked in the text.
    page = new_page()
    sign_in(page, "rita")
    expect(page.get_by_test_id("whoami")).to_contain_text("rita")
    expect(page.get_by_test_id("whoami")).to_contain_text("reviewer")
    screenshot(page, "01-article-list")
    page.get_by_role("link", name=article.title).click()
    marks = page.locator("#article-body mark.st-suggested[id^='claim-']")
    expect(marks).to_have_count(suggested)
    expect(marks.first.locator(".claim-label")).to_contain_text("Suggested")
    screenshot(page, "02-workbench")

    # Select a passage with the mouse and press "a": it becomes a claim at code-point offsets.
    drag_select(page, PHRASE)
    expect(page.locator("#claim-from-selection")).to_be_enabled()
    page.keyboard.press("a")
    claim = None
    for _ in range(50):
        claim = Claim.objects.filter(article=article, origin="manual").first()
        if claim:
            break
        page.wait_for_timeout(100)
    assert claim is not None, "no claim was created from the selection"
    assert claim.quote == PHRASE
    assert article.body[claim.start : claim.end] == PHRASE
    expect(page.locator(f"#claim-{claim.pk} .claim-label")).to_contain_text("Open")
    screenshot(page, "03-claim-from-selection")

    # Open the claim, state it, and add a source served by a local site; watch it get fetched.
    page.locator(f"#item-{claim.pk} a.claim-link").click()
    page.wait_for_url(f"**/claims/{claim.pk}/")
    page.fill("#statement", "North Korea sent more than 10,000 troops to Russia")
    page.fill("#claimant", "The US and South Korea")
    page.get_by_role("button", name="Save claim").click()
    expect(page.locator("#claim-form-box")).to_contain_text("Saved.")
    page.fill("#ev-url", site.url("/troops.html"))
    page.select_option("#ev-stance", "supports")
    page.fill("#ev-quote", "sending more than 10,000 troops to Russia")
    page.get_by_role("button", name="Add source").click()
    status = page.get_by_test_id("fetch-status")
    expect(status).to_have_text("Fetched", timeout=45_000)
    expect(page.locator("#evidence-box .source-title")).to_have_text(
        "Seoul says 10,000 troops were sent"
    )
    expect(page.get_by_test_id("quote-found")).to_contain_text("Quote found", timeout=15_000)
    assert Source.objects.get().fetch_status == "fetched"
    screenshot(page, "04-claim-evidence-fetched")

    # Draft a verdict and submit it.
    page.select_option("#rating-new", "true")
    page.fill("#summary-new", "Both governments and independent reports put it above 10,000.")
    page.fill("#rationale-new", "Seoul's intelligence briefings, reported by the source above.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_test_id("verdict-status")).to_have_text("Draft")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_test_id("verdict-status")).to_have_text("Submitted")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    screenshot(page, "05-verdict-submitted")
    page.watch.assert_clean(page)
    sign_out(page)

    # An editor approves it from the queue, then publishes it.
    page = new_page()
    sign_in(page, "ed")
    page.get_by_role("link", name="Editor queue").click()
    expect(page.locator("#queue")).to_contain_text("North Korea sent more than 10,000 troops")
    screenshot(page, "06-editor-queue")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("#queue")).to_contain_text("Nothing is waiting")
    page.goto(f"/claims/{claim.pk}/")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_test_id("verdict-status")).to_have_text("Published")
    verdict = Verdict.objects.get(claim=claim)
    assert verdict.status == "published" and verdict.reviewed_by.username == "ed"
    assert verdict.author == reviewer
    screenshot(page, "07-claim-published", full_page=True)
    page.watch.assert_clean(page)

    # Anyone reads the article's fact-checks (the old address redirects), then the fact-check's
    # own page with its sources and its ClaimReview JSON-LD.
    public = new_page()
    public.goto(f"/fact-checks/{article.pk}/")
    expect(public.locator(f"#claim-{claim.pk}")).to_contain_text("True")
    public.locator(f"#claim-{claim.pk} a").first.click()
    expect(public.locator("body")).to_contain_text("quoted passage found in the source")
    data = json.loads(public.locator('script[type="application/ld+json"]').text_content())
    assert data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == "North Korea sent more than 10,000 troops to Russia"
    assert data["reviewRating"]["alternateName"] == "True"
    assert data["itemReviewed"]["author"]["name"] == "The US and South Korea"
    screenshot(public, "08-public-page")
    public.watch.assert_clean(public)


def test_a_selection_after_astral_characters_lands_on_code_point_offsets(new_page):
    # Each emoji is two UTF-16 units in the browser but one code point on the server; the family
    # emoji is five code points joined; the claim label before the phrase is not text at all.
    body = "😀😀 Intro 👩‍👩‍👧 text. Ministers said unemployment fell to 5.1 percent in 2023. End."
    phrase = "unemployment fell to 5.1 percent"
    article = ArticleFactory(body=body)
    ClaimFactory(
        article=article, start=0, end=body.index(" Intro"), status="suggested", origin="suggested"
    )
    ReviewerFactory(username="rita")
    page = new_page()
    sign_in(page, "rita")
    page.goto(f"/articles/{article.pk}/")
    drag_select(page, phrase)
    page.get_by_role("button", name="Add claim from selection").click()
    expect(page.locator("#article-body mark[id^='claim-']")).to_have_count(2)
    claim = Claim.objects.get(article=article, origin="manual")
    assert (claim.start, claim.end) == (body.index(phrase), body.index(phrase) + len(phrase))
    assert claim.quote == phrase
    page.watch.assert_clean(page)
