"""Adding a transcript in the UI, and its speakers and times beside each claim."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from claims.models import Article

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "claims" / "extraction" / "transcripts"


def test_the_add_page_offers_the_kind(reviewer_client):
    html = reviewer_client.get("/articles/new/").content.decode()
    assert 'name="kind" value="transcript"' in html and 'type="file"' in html


def test_an_uploaded_caption_file_shows_speakers_and_times_beside_its_claims(reviewer_client):
    raw = (TRANSCRIPTS / "debate_captions.vtt").read_bytes()
    response = reviewer_client.post(
        "/articles/new/",
        {
            "mode": "text",
            "title": "Second debate",
            "kind": "transcript",
            "body": "",
            "file": SimpleUploadedFile("debate.vtt", raw),
        },
    )
    article = Article.objects.get(title="Second debate")
    assert response.status_code == 302 and article.kind == "transcript"
    html = reviewer_client.get(f"/articles/{article.pk}/").content.decode()
    assert "Speaker: Ann Hale · at <time>0:08</time>" in html
    assert "Speaker: Iris Cole · at <time>1:09</time>" in html


def test_a_pasted_transcript_with_a_broken_timing_names_the_line(reviewer_client):
    body = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nHi.\n\n2\n00:00:03,000 --> x\nNo.\n"
    response = reviewer_client.post(
        "/articles/new/", {"mode": "text", "title": "Bad", "kind": "transcript", "body": body}
    )
    assert response.status_code == 400
    assert "line 8" in response.content.decode()
    assert not Article.objects.filter(title="Bad").exists()


def test_a_transcript_claim_links_to_its_moment_in_the_workbench_the_public_page_and_feed(
    reviewer_client, settings
):
    import datetime as dt
    import json
    import re

    from django.test import Client

    from claims.exports.claimreview import fact_check_path
    from claims.models import Claim, Rating
    from claims.services.articles import article_create
    from tests.factories import EditorFactory, ReviewerFactory, VerdictFactory

    settings.FACTCHECK_PUBLISHER_URL = "https://factcheck.example/"
    text = (TRANSCRIPTS / "debate_captions.vtt").read_text(encoding="utf-8")
    article = article_create(
        actor=ReviewerFactory(),
        title="Second debate",
        body=text,
        kind="transcript",
        url="https://video.example/debate-2?list=a&b=1",
    )
    html = reviewer_client.get(f"/articles/{article.pk}/").content.decode()
    # Tom Brooks speaks at 1:02; the time links to that moment of the recording (URL escaped)
    assert (
        'Speaker: Tom Brooks · at <a class="moment" '
        'href="https://video.example/debate-2?list=a&amp;b=1#t=62" '
        'rel="noopener noreferrer nofollow"><time>1:02</time></a>'
    ) in html

    claim = article.claims.filter(claimant="Tom Brooks").order_by("start").first()
    Claim.objects.filter(pk=claim.pk).update(status="published")
    VerdictFactory(
        claim=claim,
        status="published",
        reviewed_by=EditorFactory(),
        published_at=dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC),
        rating=Rating.objects.get(slug="false", scale__is_default=True),
    )
    moment = "https://video.example/debate-2?list=a&b=1#t=62"
    page = Client().get(fact_check_path(claim)).content.decode()
    assert '<a class="moment" href="https://video.example/debate-2?list=a&amp;b=1#t=62"' in page
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert json.loads(block)["itemReviewed"]["firstAppearance"]["url"] == moment
    feed = Client().get("/fact-checks/feed.jsonld").json()
    (element,) = feed["dataFeedElement"]
    assert element["item"][0]["itemReviewed"]["firstAppearance"]["url"] == moment
    api = reviewer_client.get(f"/api/v1/claims/{claim.pk}/claimreview/").json()
    assert api["itemReviewed"]["appearance"][0]["url"] == moment


def test_markup_in_a_speaker_name_is_shown_as_text_and_a_nul_is_refused(reviewer_client):
    vtt = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n"
        "<v <img src=x onerror=alert(1)>Unemployment fell to 3.9 percent in May 2024.\n"
    )
    response = reviewer_client.post(
        "/articles/new/", {"mode": "text", "title": "Markup", "kind": "transcript", "body": vtt}
    )
    article = Article.objects.get(title="Markup")
    assert response.status_code == 302
    html = reviewer_client.get(f"/articles/{article.pk}/").content.decode()
    assert "<img src=x" not in html
    assert "Speaker: &lt;img src=x onerror=alert(1) · at" in html

    response = reviewer_client.post(
        "/articles/new/",
        {"mode": "text", "title": "Nul", "kind": "transcript", "body": "ANA: Jobs\x00 rose 3%.\n"},
    )
    assert response.status_code == 400
    assert not Article.objects.filter(title="Nul").exists()
