"""The comment box's @mention autocomplete, by keyboard alone, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from claims.models import Notification
from tests.e2e.conftest import screenshot, sign_in
from tests.factories import ClaimFactory, EditorFactory, ReviewerFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_mention_someone_with_the_keyboard_and_they_hear_of_it(new_page):
    ReviewerFactory(username="rita")
    marcus = ReviewerFactory(username="marcus", first_name="Marcus", last_name="Lind")
    EditorFactory(username="maria")
    ReviewerFactory(username="mark")
    UserFactory(username="mallory")  # no newsroom role: never offered
    ReviewerFactory(username="marvin", is_active=False)
    claim = ClaimFactory()
    page = new_page()
    sign_in(page, "rita")
    page.goto(f"/claims/{claim.pk}/")
    box = page.get_by_role("combobox", name="Add a comment")
    box.focus()
    page.keyboard.type("Could you check this, @mar")
    listbox = page.get_by_role("listbox", name="People to mention")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    expect(options).to_have_count(3)
    expect(options.nth(0)).to_contain_text("@marcus")
    expect(options.nth(0)).to_contain_text("Marcus Lind")
    expect(options).to_contain_text(["@marcus", "@maria", "@mark"])
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    screenshot(page, "mention-autocomplete")

    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(options.nth(2)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", "comment-mentions-2")
    page.keyboard.press("ArrowDown")  # wraps to the first
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(listbox).to_be_hidden()
    expect(box).to_have_value("Could you check this, @marcus ")
    expect(box).to_have_attribute("aria-expanded", "false")

    # Escape closes the list and leaves the text as typed.
    page.keyboard.type("and @ma")
    expect(options).to_have_count(3)
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_value("Could you check this, @marcus and @ma")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.keyboard.type("please.")
    page.keyboard.press("Tab")  # the list is closed: Tab leaves the box for the button
    page.keyboard.press("Enter")
    expect(page.locator("#comments-box")).to_contain_text("@marcus and please.")
    assert Notification.objects.filter(recipient=marcus, type="comment.mention").count() == 1

    # After the form was swapped in again, the widget still works on the new box.
    box = page.get_by_role("combobox", name="Add a comment")
    box.focus()
    page.keyboard.type("@nobody-here")
    expect(page.get_by_role("status").filter(has_text="Nobody to mention")).to_have_count(1)
    expect(listbox).to_be_hidden()
    page.watch.assert_clean(page)
