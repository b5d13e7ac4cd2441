"""Adding an article by its URL: fetched in the background, its progress visible until it arrives."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from claims.models import Article
from tests.e2e.conftest import screenshot, sign_in
from tests.factories import ReviewerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_article_added_by_url_arrives_while_the_reviewer_watches(
    new_page, site, settings, celery_worker_process
):
    # The web process checks the URL before queueing it: let it accept the local test site.
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.SOURCE_FETCH_ALLOWED_PORTS = [80, 443, site.port]
    ReviewerFactory(username="rita")
    page = new_page()
    sign_in(page, "rita")
    page.get_by_role("link", name="Add article").first.click()
    page.fill("#source_url", site.url("/article.html"))
    page.get_by_role("button", name="Fetch article").click()
    article = Article.objects.get(url=site.url("/article.html"))
    page.wait_for_url(f"**/articles/{article.pk}/")
    screenshot(page, "09-article-fetching")
    # htmx polls the progress and reloads the page once the text is in.
    expect(page.locator("#article-body")).to_contain_text(
        "approved a budget of 12 million euros", timeout=45_000
    )
    expect(page.locator("h1")).to_have_text("Harbour budget approved")
    page.watch.assert_clean(page)
