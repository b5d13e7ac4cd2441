"""Transcripts as articles: turns stored as ranges, claims per turn with speaker and time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

from claims.models import Article, Claim
from claims.services.articles import article_create
from claims.services.errors import ValidationError
from claims.services.seeds import SeedError, seed_load_all
from tests.factories import ArticleFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "extraction" / "transcripts"


def test_a_caption_file_is_stored_as_received_with_its_turns_and_claims_carry_speaker_and_time():
    text = (TRANSCRIPTS / "debate_captions.vtt").read_text(encoding="utf-8")
    article = article_create(actor=ReviewerFactory(), title="Debate", body=text, kind="transcript")
    article.refresh_from_db()
    assert article.body == text and article.kind == "transcript"
    assert [t["speaker"] for t in article.turns][:3] == ["Moderator", "Ann Hale", "Tom Brooks"]
    claims = list(article.claims.order_by("start"))
    assert claims
    hale = next(c for c in claims if c.claimant == "Ann Hale")
    assert hale.quote == text[hale.start : hale.end]
    assert hale.details["speaker"] == "Ann Hale" and hale.details["time"] == 8.5
    assert hale.claimant_kind == Claim.ClaimantKind.PERSON
    for claim in claims:
        turn = article.turns[claim.details["turn"]]
        assert turn["start"] <= claim.start < claim.end <= turn["end"]
        assert claim.claimant == turn["speaker"]
    assert article.spoken_at([hale.start]) == [("Ann Hale", 8.5)]


def test_an_article_keeps_news_mode_and_has_no_turns():
    article = article_create(
        actor=ReviewerFactory(), title="News", body="HOLT: Prices rose 3% in May, the agency said."
    )
    assert article.kind == "article" and article.turns == []
    assert all("speaker" not in c.details for c in article.claims.all())


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"body": "WEBVTT\n\n00:00:01.000 --> 00:00:xx\nHi there.\n"}, "body", "line 3"),
        ({"body": "", "body_bytes": b""}, "file", "0 bytes"),
        ({"body": "", "body_bytes": "A: caf\u00e9 prices\n".encode("cp1252")}, "file", "line 1"),
        ({"body": "A: Hi.", "kind": "podcast"}, "kind", "Choose one of"),
        ({"body": "", "url": "https://example.org/t"}, "body", "by its text"),
    ],
)
def test_an_unreadable_transcript_is_refused_naming_the_line_and_nothing_is_stored(
    kwargs, field, words
):
    kwargs = {"kind": "transcript", **kwargs}
    with pytest.raises(ValidationError) as caught:
        article_create(actor=ReviewerFactory(), title="T", **kwargs)
    assert caught.value.field == field and words in caught.value.message
    assert not Article.objects.exists()


def test_the_database_holds_kind_and_turns_together():
    article = ArticleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(turns=[{"speaker": "A"}])
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(kind="transcript")
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(kind="video")


def test_a_seed_may_be_a_transcript(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(TRANSCRIPTS / "panel_interview.txt", seeds / "001_panel.txt")
    meta = (
        'title = "Evening panel"\npublisher = "City Radio"\n'
        'published_at = 2024-03-14T19:00:00+01:00\nlanguage = "en"\nkind = "transcript"\n'
    )
    (seeds / "001_panel.toml").write_text(meta, encoding="utf-8")
    seed_load_all(directory=seeds)
    article = Article.objects.get(seed_key="001_panel")
    assert article.kind == "transcript" and article.turns[0]["speaker"] == "INTERVIEWER"
    assert {c.claimant for c in article.claims.all()} <= {
        "Grace Okafor",
        "Erik Lindqvist",
        "Priya Raman",
        "INTERVIEWER",
    }
    (seeds / "001_panel.toml").write_text(meta.replace("transcript", "article"), "utf-8")
    with pytest.raises(SeedError, match="a kind is set once"):
        seed_load_all(directory=seeds)
    (seeds / "001_panel.toml").write_text(meta.replace('"transcript"', '"radio"'), "utf-8")
    with pytest.raises(SeedError, match="'kind' must be one of"):
        seed_load_all(directory=seeds)
