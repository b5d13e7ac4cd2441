"""Transcripts through the API: `kind: transcript` as JSON, or a caption file as multipart."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.models import Article
from tests.factories import ReviewerFactory

pytestmark = pytest.mark.django_db

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "extraction" / "transcripts"


def test_a_transcript_posted_as_json_answers_with_its_kind_and_turns(as_user):
    client = as_user(ReviewerFactory())
    text = (TRANSCRIPTS / "panel_interview.txt").read_text(encoding="utf-8")
    response = client.post(
        "/api/v1/articles/", {"title": "Panel", "body": text, "kind": "transcript"}, format="json"
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["kind"] == "transcript" and data["body"] == text
    assert data["turns"][0]["speaker"] == "INTERVIEWER"
    listed = client.get("/api/v1/articles/").json()["results"][0]
    assert listed["kind"] == "transcript"
    claims = client.get("/api/v1/claims/", {"article": data["id"]}).json()["results"]
    assert claims and {c["claimant"] for c in claims} <= {t["speaker"] for t in data["turns"]}


def test_a_caption_file_uploaded_as_multipart(as_user):
    client = as_user(ReviewerFactory())
    raw = (TRANSCRIPTS / "town_hall.srt").read_bytes()
    upload = SimpleUploadedFile("town_hall.srt", raw, content_type="application/x-subrip")
    response = client.post(
        "/api/v1/articles/",
        {"title": "Town hall", "kind": "transcript", "file": upload},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    article = Article.objects.get(pk=response.json()["id"])
    assert article.body == raw.decode() and article.turns[1]["speaker"] == "MARIA DIAZ"
    assert article.turns[1]["cues"][0][2] == 3.5


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        ({"file": ("t.vtt", b"")}, "file", "0 bytes"),
        (
            {"file": ("t.srt", "1\n00:00:01,000 --> 00:00:02,000\nSe\xf1or\n".encode("latin-1"))},
            "file",
            "line 3",
        ),
        (
            {"body": "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi.\n\n00:00:0x --> 1\nNo.\n"},
            "body",
            "line 6",
        ),
        ({"body": "A: Hi.", "file": ("t.txt", b"B: Hello.")}, "file", "not both"),
        ({}, "body", "required"),
    ],
)
def test_a_bad_transcript_is_a_400_naming_the_field_and_line_and_nothing_is_stored(
    as_user, payload, field, words
):
    client = as_user(ReviewerFactory())
    data = {"title": "T", "kind": "transcript"}
    for key, value in payload.items():
        data[key] = SimpleUploadedFile(value[0], value[1]) if key == "file" else value
    response = client.post("/api/v1/articles/", data, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert words in str(body["errors"][field]), body
    assert not Article.objects.exists()


def test_the_kind_cannot_be_changed_afterwards(as_user):
    client = as_user(ReviewerFactory())
    created = client.post("/api/v1/articles/", {"title": "T", "body": "A: Hi."}, format="json")
    pk = created.json()["id"]
    response = client.patch(f"/api/v1/articles/{pk}/", {"kind": "transcript"}, format="json")
    assert Article.objects.get(pk=pk).kind == "article", response.content
