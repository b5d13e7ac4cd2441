"""Two people edit the same claim: the later save is refused, shows what changed, keeps the text."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, sign_in
from tests.factories import ClaimFactory, ReviewerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_stale_save_is_refused_and_the_typed_text_is_kept(new_page):
    ReviewerFactory(username="ann")
    ReviewerFactory(username="bob")
    claim = ClaimFactory(statement="Original wording")
    ann, bob = new_page(), new_page()
    for page, name in ((ann, "ann"), (bob, "bob")):
        sign_in(page, name)
        page.goto(f"/claims/{claim.pk}/")

    ann.fill("#statement", "Ann's wording")
    ann.get_by_role("button", name="Save claim").click()
    expect(ann.locator("#claim-form-box")).to_contain_text("Saved.")

    bob.fill("#statement", "Bob's careful wording")
    bob.get_by_role("button", name="Save claim").click()
    conflict = bob.locator(".conflict")
    expect(conflict).to_contain_text("someone else changed this claim")
    expect(conflict).to_contain_text("Statement is now: “Ann's wording”")
    expect(bob.locator("#statement")).to_have_value("Bob's careful wording")
    screenshot(bob, "11-conflict")

    # Saving again, knowing what changed, goes through.
    bob.get_by_role("button", name="Save claim").click()
    expect(bob.locator("#claim-form-box")).to_contain_text("Saved.")
    claim.refresh_from_db()
    assert claim.statement == "Bob's careful wording"
    ann.watch.assert_clean(ann)
    bob.watch.assert_clean(bob)
