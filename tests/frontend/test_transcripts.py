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
