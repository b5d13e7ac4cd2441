"""A reviewer corrects an article's text in the browser: the revision, its diff, the claim that
changed with it, and confirming the claim's new place (issue 20's pages, end to end)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from claims.models import Article, Claim
from claims.services.claims import claim_create
from tests.e2e.conftest import screenshot, sign_in
from tests.factories import ArticleFactory, ReviewerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BODY = (
    "The minister said unemployment fell to 4.2 percent in March.\n\n"
    "Critics replied that wages have not kept pace with inflation since 2019.\n"
)
QUOTE = "unemployment fell to 4.2 percent in March"


def test_a_correction_typed_in_the_page_carries_the_claim_and_its_place_is_confirmed(new_page):
    rita = ReviewerFactory(username="rita")
    article = ArticleFactory(title="Jobs story", body=BODY)
    at = BODY.index(QUOTE)
    claim = claim_create(actor=rita, article=article, start=at, end=at + len(QUOTE))
    page = new_page()
    sign_in(page, "rita")

    page.goto(f"/articles/{article.pk}/revisions/")
    expect(page.get_by_test_id("revision-list")).to_contain_text("Revision 1")
    # The reviewer fixes the figure and adds markup that must stay text.
    text = page.locator("#body").input_value()
    page.fill("#body", text.replace("4.2 percent", "4.3 percent") + "<b>Update</b> appended.\n")
    page.fill("#note", "Publisher corrected the figure")
    page.get_by_role("button", name="Save as a new revision").click()

    expect(page.locator("body")).to_contain_text("Revision 2 saved: 0 claim(s) moved, 1 changed")
    diff = page.get_by_test_id("revision-diff")
    expect(diff.locator("del")).to_contain_text(["4.2"])
    expect(diff.locator("ins").first).to_have_text("4.3")
    expect(diff).to_contain_text("<b>Update</b>")  # shown as typed, not as markup
    expect(diff.locator("b")).to_have_count(0)
    expect(page.get_by_test_id("revision-list")).to_contain_text("“Publisher corrected the figure”")
    screenshot(page, "20-revision-diff")

    # The claim says its words changed, shows both texts, and takes a confirmation.
    page.goto(f"/claims/{claim.pk}/")
    anchor = page.get_by_test_id("anchor")
    expect(anchor).to_contain_text("In revision 2")
    expect(page.get_by_test_id("anchor-diff")).to_contain_text("4.2")
    expect(page.get_by_test_id("anchor-diff")).to_contain_text("4.3")
    expect(page.locator("#claim-quote")).to_have_text("unemployment fell to 4.3 percent in March")
    page.get_by_role("button", name="Confirm its place").click()
    expect(page.get_by_test_id("anchor")).to_have_count(0)

    claim.refresh_from_db()
    article = Article.objects.get(pk=article.pk)
    assert (article.revision, claim.anchor_status) == (2, Claim.AnchorStatus.EXACT)
    assert article.body[claim.start : claim.end] == claim.quote
    page.watch.assert_clean(page)
