"""The public index, the feeds, the sitemap and robots.txt: what they list, that they parse, that
they cost a fixed number of queries, and that nothing unpublished reaches an anonymous reader."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET  # our own sitemap, in a test
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import jsonschema
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from claims.exports.claimreview import fact_check_path
from claims.exports.validate import validate_data_feed
from claims.models import Rating, Verdict
from frontend.sitemaps import FactCheckSitemap
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    EvidenceFactory,
    ReviewerFactory,
    SourceFactory,
    VerdictFactory,
)

BASE = dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC)
SITE = "https://factcheck.example"
JSON_FEED_SCHEMA = json.loads(Path(__file__).with_name("jsonfeed_1_1.schema.json").read_text())
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(autouse=True)
def public_site(settings):
    settings.FACTCHECK_PUBLISHER_URL = SITE + "/"
    settings.FACTCHECK_PUBLIC_PAGE_SIZE = 3
    settings.FACTCHECK_FEED_PAGE_SIZE = 3


def rating(slug):
    return Rating.objects.get(scale__is_default=True, slug=slug)


@pytest.fixture(autouse=True)
def people(db):
    """One reviewer and one editor for every verdict (a password hash costs a third of a second)."""
    global AUTHOR, EDITOR
    AUTHOR, EDITOR = ReviewerFactory(), EditorFactory()


def publish(claim, *, day, slug="false", **fields):
    return VerdictFactory(
        claim=claim,
        status="published",
        author=AUTHOR,
        reviewed_by=EDITOR,
        published_at=BASE + dt.timedelta(days=day),
        rating=rating(slug),
        **fields,
    )


@pytest.fixture
def checks(db):
    """Four published fact-checks (one corrected) and, beside them, work nobody may see yet."""
    article = ArticleFactory(title="Budget story", url="https://news.example/budget")
    a = ClaimFactory(article=article, statement="Budget is 4.2m", claimant="Mayor")
    b = ClaimFactory(article=article, statement="Turnout was 61%", claimant="Council")
    c = ClaimFactory(statement="Bridge <b>closed</b> </script>", claimant="Mayor")
    d = ClaimFactory(statement="Rents fell", claimant="Agency")
    publish(a, day=1, slug="true")
    publish(b, day=2)
    publish(c, day=3, slug="mostly-false", summary="Not <script>alert(1)</script> closed.")
    first = publish(d, day=4)
    Verdict.objects.filter(pk=first.pk).update(status="superseded")
    publish(d, day=9, slug="mostly-true", supersedes=first, correction_note="New data.")
    # Unpublished: a pending correction of a published claim, claims at every other stage.
    VerdictFactory(
        claim=a,
        supersedes=Verdict.objects.get(claim=a),
        correction_note="SECRET-note",
        summary="SECRET-draft-correction",
        claim_summary="SECRET-short",
    )
    # A source attached since a's publication, for the correction under way.
    EvidenceFactory(claim=a, source=SourceFactory(title="SECRET-later-source"))
    hidden = []
    for status in ("draft", "submitted", "approved", "rejected"):
        claim = ClaimFactory(article=article, statement=f"SECRET-{status}", claimant="Mayor")
        VerdictFactory(
            claim=claim,
            status=status,
            summary=f"SECRET-{status}-summary",
            rejection_reason="x" if status == "rejected" else "",
            author=AUTHOR,
            reviewed_by=EDITOR if status in ("approved", "rejected") else None,
        )
        hidden.append(claim)
    hidden.append(ClaimFactory(statement="SECRET-no-verdict"))
    return {"a": a, "b": b, "c": c, "d": d, "hidden": hidden, "article": article}


def get(path, **params):
    response = Client().get(path, params)
    return response, response.content.decode()


# --- the index ------------------------------------------------------------------------------------
def _listed(html) -> list[str]:
    return [line for line in html.splitlines() if 'class="badge"' in line]


def test_the_index_lists_newest_first_and_paginates(checks):
    response, html = get("/fact-checks/")
    assert response.status_code == 200
    listed = _listed(html)
    # d was first published on day 4: its correction (day 9) does not make it newer.
    assert ["Rents fell" in listed[0], "Bridge" in listed[1], "Turnout" in listed[2]] == [True] * 3
    assert 'data-testid="count">4 fact-checks' in html
    _, page2 = get("/fact-checks/", page=2)
    assert len(_listed(page2)) == 1 and "Budget is 4.2m" in page2


def test_the_index_filters_by_rating_and_claimant_and_searches(checks):
    _, html = get("/fact-checks/", rating="true")
    assert [("Budget is 4.2m" in line) for line in _listed(html)] == [True]
    _, html = get("/fact-checks/", claimant="mayor")
    assert len(_listed(html)) == 2 and "Claims by <strong>mayor</strong>" in html
    _, html = get("/fact-checks/", q="turnout")
    assert len(_listed(html)) == 1 and "Turnout was 61%" in html
    _, html = get("/fact-checks/", q="Budget story")  # the article's title
    assert len(_listed(html)) == 2


def test_bad_index_input_is_a_clear_400(checks):
    response, html = get("/fact-checks/", rating="bogus")
    assert response.status_code == 400 and "Unknown rating &#x27;bogus&#x27;" in html
    response, html = get("/fact-checks/", page="two")
    assert response.status_code == 400 and "whole number" in html
    assert get("/fact-checks/", page=99)[0].status_code == 404


def test_the_index_escapes_what_it_shows(checks):
    _, html = get("/fact-checks/")
    assert "Bridge &lt;b&gt;closed&lt;/b&gt; &lt;/script&gt;" in html
    assert "<b>closed</b>" not in html


# --- the feeds ------------------------------------------------------------------------------------
def test_the_atom_feed_reads_back_with_corrections_as_updates(checks):
    response, body = get("/fact-checks/feed.atom")
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(body)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    titles = [e.title for e in feed.entries]
    assert titles == ["Rents fell", "Bridge <b>closed</b> </script>", "Turnout was 61%"]
    rents = feed.entries[0]
    assert rents.link == SITE + fact_check_path(checks["d"])
    assert rents.id == rents.link
    assert rents.published.startswith("2026-11-05") and rents.updated.startswith("2026-11-10")
    assert "Corrected on 2026-11-10: New data." in rents.summary
    # The summary is HTML: what a reviewer typed is shown as text, never run.
    bridge = feed.entries[1]
    assert "<script>" not in bridge.summary and "&lt;script&gt;" in bridge.summary
    next_link = [link.href for link in feed.feed.links if link.rel == "next"]
    assert next_link == [SITE + "/fact-checks/feed.atom?page=2"]
    assert response["Link"] == f'<{SITE}/fact-checks/feed.atom?page=2>; rel="next"'
    page2 = feedparser.parse(get("/fact-checks/feed.atom", page=2)[1])
    assert [e.title for e in page2.entries] == ["Budget is 4.2m"]
    assert not [link for link in page2.feed.links if link.rel == "next"]


def test_the_json_feed_reads_back_and_keeps_the_spec(checks):
    # feedparser 6.0 reads Atom and RSS only: the JSON Feed is held to a JSON Schema of the spec.
    response, body = get("/fact-checks/feed.json")
    assert response["Content-Type"] == "application/feed+json; charset=utf-8"
    data = json.loads(body)
    jsonschema.validate(data, JSON_FEED_SCHEMA)
    assert data["next_url"] == SITE + "/fact-checks/feed.json?page=2"
    first = data["items"][0]
    assert first["title"] == "Rents fell"
    assert first["id"] == first["url"] == SITE + fact_check_path(checks["d"])
    assert first["date_published"] == "2026-11-05T09:00:00+00:00"
    assert first["date_modified"] == "2026-11-10T09:00:00+00:00"
    assert "Corrected on 2026-11-10: New data." in first["content_text"]
    assert data["items"][1]["title"] == "Bridge <b>closed</b> </script>"  # text, as typed
    assert "</" not in body  # written as \u003C: harmless even if pasted into a page
    last = json.loads(get("/fact-checks/feed.json", page=2)[1])
    jsonschema.validate(last, JSON_FEED_SCHEMA)
    assert [i["title"] for i in last["items"]] == ["Budget is 4.2m"] and "next_url" not in last


def test_the_json_feed_schema_can_fail():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"version": "1", "title": "x", "items": [{}]}, JSON_FEED_SCHEMA)


def test_the_claim_review_data_feed_validates(checks):
    response, body = get("/fact-checks/feed.jsonld")
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    data = json.loads(body)
    assert data["@type"] == "DataFeed"
    assert len(data["dataFeedElement"]) == 3
    errors = [str(f) for f in validate_data_feed(data) if f.level == "error"]
    assert errors == []
    rents = data["dataFeedElement"][0]
    assert rents["dateCreated"] == rents["item"][0]["datePublished"] == "2026-11-05T09:00:00+00:00"
    assert rents["item"][0]["dateModified"] == "2026-11-10T09:00:00+00:00"


def test_a_bad_feed_page_is_a_400_and_past_the_end_a_404(checks):
    assert get("/fact-checks/feed.json", page="0")[0].status_code == 400
    assert get("/fact-checks/feed.json", page=50)[0].status_code == 404


def test_an_empty_feed_is_still_a_valid_feed(db):
    feed = feedparser.parse(get("/fact-checks/feed.atom")[1])
    assert not feed.bozo and feed.entries == []


def test_control_characters_do_not_break_the_atom_feed(db):
    publish(ClaimFactory(statement="Tab\tand \x0bvertical"), day=1)
    feed = feedparser.parse(get("/fact-checks/feed.atom")[1])
    assert not feed.bozo and feed.entries[0].title == "Tab and vertical"


# --- sitemap and robots ---------------------------------------------------------------------------
def _sitemap_locs(path) -> tuple[set[str], str]:
    """The URLs a sitemap (or, followed, a sitemap index) lists, and all the XML read."""
    response, body = get(path)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(body)  # noqa: S314 (our own output)
    if root.tag.endswith("sitemapindex"):
        locs, bodies = set(), body
        for loc in root.findall("s:sitemap/s:loc", SITEMAP_NS):
            parts = urlsplit(loc.text)
            more, more_body = _sitemap_locs(parts.path + (f"?{parts.query}" if parts.query else ""))
            locs |= more
            bodies += more_body
        return locs, bodies
    return {el.text for el in root.findall("s:url/s:loc", SITEMAP_NS)}, body


def test_the_sitemap_lists_every_published_page_and_nothing_else(checks, monkeypatch):
    monkeypatch.setattr(FactCheckSitemap, "limit", 3)  # four fact-checks: two pages
    locs, body = _sitemap_locs("/sitemap.xml")
    published = {SITE + fact_check_path(checks[k]) for k in "abcd"}
    articles = {f"{SITE}/fact-checks/articles/{checks[k].article_id}/" for k in "abcd"}
    assert locs == published | articles | {SITE + "/fact-checks/"}
    assert "sitemap-fact-checks.xml?p=2" in body
    for claim in checks["hidden"]:
        assert f"/fact-checks/{claim.pk}/" not in body


def test_robots_points_at_the_sitemap_and_keeps_crawlers_out_of_the_workbench(db):
    response, body = get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = body.splitlines()
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    for path in ("/admin/", "/api/", "/articles/", "/claims/", "/queue/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /fact-checks/" not in lines


# --- nothing unpublished, anywhere ----------------------------------------------------------------
def test_anonymous_readers_see_nothing_unpublished_in_any_public_output(checks):
    paths = [
        "/fact-checks/",
        "/fact-checks/?q=SECRET",
        "/fact-checks/?claimant=Mayor",
        "/fact-checks/feed.atom",
        "/fact-checks/feed.atom?page=2",
        "/fact-checks/feed.json",
        "/fact-checks/feed.json?page=2",
        "/fact-checks/feed.jsonld",
        "/fact-checks/feed.jsonld?page=2",
        "/sitemap.xml",
        "/sitemap-fact-checks.xml",
        "/sitemap-articles.xml",
        "/robots.txt",
        f"/fact-checks/articles/{checks['article'].pk}/",
        fact_check_path(checks["a"]),
    ]
    client = Client()
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"SECRET-" not in response.content, path  # ("?q=SECRET" echoes the query)
    for claim in checks["hidden"]:
        assert client.get(fact_check_path(claim)).status_code == 404
        assert client.get(f"/fact-checks/{claim.pk}/claim/").status_code == 404


# --- cost -----------------------------------------------------------------------------------------
def _queries(path) -> int:
    client = Client()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "path",
    [
        "/fact-checks/",
        "/fact-checks/feed.atom",
        "/fact-checks/feed.json",
        "/fact-checks/feed.jsonld",
        "/sitemap.xml",
        "/sitemap-fact-checks.xml",
        "/sitemap-articles.xml",
    ],
)
def test_each_output_costs_the_same_queries_whatever_the_number_of_fact_checks(db, settings, path):
    settings.FACTCHECK_PUBLIC_PAGE_SIZE = 50
    settings.FACTCHECK_FEED_PAGE_SIZE = 50
    for day in range(3):
        publish(ClaimFactory(), day=day)
    few = _queries(path)
    for day in range(30):
        publish(ClaimFactory(), day=day)
    assert _queries(path) == few
    assert few <= 5  # the sitemap index: a count and a latest date per section
