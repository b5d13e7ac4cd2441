"""The workbench's claim list is written in Python (frontend/claim_list.py) for speed; the
template it replaced, frontend/_claim_item.html, stays the reference. For varied claims (HTML in
the statement, claimant and reasons; every status and type; an assignee; a lost claim; a claim
checked before; a transcript's speakers and times) the page's list equals the reference's,
character for character once runs of whitespace between tags are made one."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string

from claims.models import Article, Claim
from claims.services.articles import article_create
from claims.services.matching import claim_matches_refresh
from frontend.views.articles import workbench_context
from tests.claims.matching.conftest import corpus  # noqa: F401 (a fixture)
from tests.factories import ArticleFactory, ClaimFactory, ReviewerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("corpus")]

HOSTILE = "<script>alert('x')</script> & \"quotes\" <b>bold</b>"
NEWS = (
    "A photo shows a shark swimming on a flooded highway in Houston. "
    "Officials said spending rose 4.2 percent to 12 million euros in 2023. "
    "The minister said unemployment fell to its lowest level in a decade. "
    "Critics replied that wages have not kept pace with inflation since 2019.\n"
)
TRANSCRIPT = (
    "WEBVTT\n\n00:00:01.000 --> 00:00:05.000\n<v Jane Doe>Unemployment fell to 4 percent.\n\n"
    "00:01:07.000 --> 00:01:12.000\n<v John Roe>Wages rose 12 percent in 2023, he said.\n\n"
    "00:02:00.000 --> 00:02:04.000\nCrime doubled since 2019.\n"
)


def _span(article: Article, text: str) -> dict:
    start = article.body.index(text)
    return {"start": start, "end": start + len(text)}


def _news(reviewer) -> Article:
    article = ArticleFactory(title="Mixed", body=NEWS)
    first = "A photo shows a shark swimming on a flooded highway in Houston."
    ClaimFactory(article=article, **_span(article, first), status="suggested", origin="suggested")
    ClaimFactory(
        article=article,
        **_span(article, "spending rose 4.2 percent to 12 million euros"),
        status="suggested",
        origin="suggested",
        checkworthiness=0.7349,
        claimant=HOSTILE,
        reasons=[HOSTILE, "has a quantity: percent", "attributed: officials said"],
    )
    ClaimFactory(
        article=article,
        **_span(article, "unemployment fell to its lowest level in a decade"),
        status="in_progress",
        claim_type="",
        statement=HOSTILE + " " + "a very long statement " * 12,
        assignee=reviewer,
        claimant="The minister",
    )
    ClaimFactory(
        article=article,
        **_span(article, "wages have not kept pace"),
        status="open",
        claim_type="causal",
        checkworthiness=0.0,
        reasons=[],
    )
    lost = ClaimFactory(article=article, **_span(article, "Critics replied"), status="open")
    Claim.objects.filter(pk=lost.pk).update(start=None, end=None, anchor_status="lost")
    for claim in article.claims.all():
        claim_matches_refresh(claim_id=claim.pk)
    return article


def _transcript(reviewer) -> Article:
    article = article_create(
        actor=reviewer,
        title="Debate",
        body=TRANSCRIPT,
        kind="transcript",
        url="https://video.test/debate.mp4",
    )
    article.claims.all().delete()
    for quote in ("Unemployment fell to 4 percent", "Wages rose 12 percent", "Crime doubled"):
        ClaimFactory(article=article, **_span(article, quote), status="open")
    ClaimFactory(article=article, **_span(article, "Wages rose"), status="open", claimant="Jane")
    return article


def _page_list(client, article: Article) -> str:
    html = client.get(f"/articles/{article.pk}/").content.decode()
    found = re.search(r'<ol class="claims" id="claim-list">(.*?)</ol>\s*</aside>', html, re.S)
    assert found, "no claim list"
    return found.group(1)


def _reference(request, article: Article) -> str:
    context = workbench_context(request, article.pk)
    return "".join(
        render_to_string("frontend/_claim_item.html", {"claim": row}, request=request)
        for row in context["claims"]
    )


def _collapsed(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


def test_the_claim_list_equals_its_reference_template(rf):
    reviewer = ReviewerFactory()
    from django.test import Client

    client = Client()
    client.force_login(reviewer)
    request = rf.get("/")
    request.user = reviewer
    for article in (_news(reviewer), _transcript(reviewer)):
        page = _page_list(client, article)
        reference = _reference(request, article)
        assert _collapsed(page) == _collapsed(reference)
        assert ("<script>" not in page and "&lt;script&gt;" in page) or article.kind == "transcript"
    # Every branch of the item was exercised.
    news = _page_list(client, Article.objects.get(title="Mixed"))
    for needle in (
        'type="checkbox"',
        "score 0.73",
        'data-testid="checked-before"',
        "→ ",
        "Claimant: &lt;script&gt;",
        '<ul class="reasons"><li>&lt;script&gt;',
        "…</p>",
    ):
        assert needle in news, needle
    spoken = _page_list(client, Article.objects.get(title="Debate"))
    assert 'class="moment" href="https://video.test/debate.mp4#t=67"' in spoken
    assert "Speaker: Jane Doe" in spoken
    assert "Claimant: Jane" in spoken
