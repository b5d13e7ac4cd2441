"""ClaimReview JSON-LD: each rule of claimreview_rules.toml, on real exports."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest

from claims.exports.claimreview import (
    claim_review,
    claim_reviewed,
    fact_check_slug,
    media_fragment_url,
    public_url,
)
from claims.exports.validate import rules, validate_claim_review
from claims.models import Claim, Rating, Verdict
from claims.services.articles import article_create
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    ReviewerFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "extraction" / "transcripts"
FIRST = dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 12, 2, 15, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def publisher(settings):
    settings.FACTCHECK_PUBLISHER_NAME = "Checkers"
    settings.FACTCHECK_PUBLISHER_URL = "https://factcheck.example/org/"
    settings.FACTCHECK_PUBLISHER_LOGO_URL = ""
    settings.FACTCHECK_LANGUAGE = "en"


def published(claim, slug="false", **fields):
    fields.setdefault("published_at", FIRST)
    return VerdictFactory(
        claim=claim,
        rating=Rating.objects.get(scale__is_default=True, slug=slug),
        status="published",
        reviewed_by=EditorFactory(),
        **fields,
    )


def corrected(claim, slug="true"):
    """A published verdict on the claim, then a correction of it published later."""
    first = published(claim, "false")
    Verdict.objects.filter(pk=first.pk).update(status="superseded")
    return published(
        claim, slug, published_at=LATER, supersedes=first, correction_note="Misread the table."
    )


def errors(doc) -> list[str]:
    return [str(f) for f in validate_claim_review(doc) if f.level == "error"]


def full_claim(**fields):
    article = ArticleFactory(
        url="https://news.example/a",
        published_at=dt.datetime(2026, 1, 2, 23, 30, tzinfo=dt.UTC),
        byline="A. Writer",
    )
    fields.setdefault("claimant", "Ministry")
    fields.setdefault("claimant_kind", "organization")
    return ClaimFactory(article=article, statement="The budget is 4.2 million euros", **fields)


def test_a_complete_export_keeps_every_rule_without_a_warning():
    claim = full_claim()
    doc = claim_review(claim=claim, verdict=published(claim))
    assert validate_claim_review(doc) == []


def test_every_rule_names_a_source_and_every_check_is_implemented():
    data = rules()
    for rule in [*data["google"], *data["checks"], *data["types"].values()]:
        assert rule["source_url"].startswith("https://")
    names = {r["name"] for r in data["checks"]}
    assert names == {
        "one-type",
        "context",
        "claim-reviewed-short",
        "claim-reviewed-single-line",
        "rating-in-range",
        "modified-after-published",
        "absolute-urls",
        "id-is-url-fragment",
    }


# --- claimReviewed ------------------------------------------------------------------------------
def test_claim_reviewed_is_the_reviewers_short_summary():
    claim = full_claim()
    doc = claim_review(claim=claim, verdict=published(claim, claim_summary="Budget: 4.2m euros"))
    assert doc["claimReviewed"] == "Budget: 4.2m euros"


def test_claim_reviewed_falls_back_to_the_statement_and_is_never_cut():
    long = "The council did not approve " + "the very long list of projects " * 4 + "in March"
    claim = ClaimFactory(statement=long)
    doc = claim_review(claim=claim, verdict=published(claim))
    assert doc["claimReviewed"] == long  # whole: a cut could drop the "not"
    findings = validate_claim_review(doc)
    assert [f.rule for f in findings if f.level == "warning"].count("claim-reviewed-short") == 1
    assert not [f for f in findings if f.rule == "claim-reviewed-short" and f.level == "error"]


def test_claim_reviewed_is_one_line():
    claim = ClaimFactory(statement="Two\n  lines")
    assert claim_reviewed(claim) == "Two lines"


# --- dates ---------------------------------------------------------------------------------------
def test_a_correction_keeps_the_first_date_published_and_sets_date_modified():
    claim = full_claim()
    doc = claim_review(claim=claim, verdict=corrected(claim))
    assert doc["datePublished"] == FIRST.isoformat()
    assert doc["dateModified"] == LATER.isoformat()
    assert doc["reviewRating"]["alternateName"] == "True"
    assert errors(doc) == []


def test_a_first_publication_has_no_date_modified():
    claim = full_claim()
    doc = claim_review(claim=claim, verdict=published(claim))
    assert doc["datePublished"] == FIRST.isoformat() and "dateModified" not in doc


def test_the_claim_date_is_the_claim_date_field_else_the_articles_instant():
    claim = full_claim(claim_date=dt.date(2025, 12, 30))
    doc = claim_review(claim=claim, verdict=published(claim))
    assert doc["itemReviewed"]["datePublished"] == "2025-12-30"
    other = full_claim()
    doc = claim_review(claim=other, verdict=published(other))
    # The instant with its offset, not a UTC date (23:30 UTC is already the 3rd in Europe).
    assert doc["itemReviewed"]["datePublished"] == "2026-01-02T23:30:00+00:00"


# --- itemReviewed -------------------------------------------------------------------------------
def test_first_appearance_is_the_articles_url_without_an_appearance_url():
    claim = full_claim()
    item = claim_review(claim=claim, verdict=published(claim))["itemReviewed"]
    assert item["firstAppearance"]["url"] == "https://news.example/a"
    assert [a["url"] for a in item["appearance"]] == ["https://news.example/a"]


def test_the_appearance_url_is_the_first_appearance_and_the_article_another():
    claim = full_claim(appearance_url="https://social.example/post/7")
    item = claim_review(claim=claim, verdict=published(claim))["itemReviewed"]
    assert item["firstAppearance"] == {
        "@type": "CreativeWork",
        "url": "https://social.example/post/7",
    }
    assert [a.get("url") for a in item["appearance"]] == [
        "https://social.example/post/7",
        "https://news.example/a",
    ]


def test_a_claim_without_claimant_is_credited_to_the_articles_byline():
    claim = full_claim(claimant="", claimant_kind="")
    item = claim_review(claim=claim, verdict=published(claim))["itemReviewed"]
    assert item["author"] == {"@type": "Person", "name": "A. Writer"}


def test_the_claimant_keeps_its_kind():
    claim = full_claim()
    item = claim_review(claim=claim, verdict=published(claim))["itemReviewed"]
    assert item["author"] == {"@type": "Organization", "name": "Ministry"}


def test_a_transcript_claim_is_credited_to_its_speaker():
    text = (TRANSCRIPTS / "debate_captions.vtt").read_text(encoding="utf-8")
    article = article_create(actor=ReviewerFactory(), title="Debate", body=text, kind="transcript")
    claim = article.claims.filter(claimant="Ann Hale").order_by("start").first()
    Claim.objects.filter(pk=claim.pk).update(status="published")
    claim.refresh_from_db()
    doc = claim_review(claim=claim, verdict=published(claim))
    assert doc["itemReviewed"]["author"] == {"@type": "Person", "name": "Ann Hale"}
    assert errors(doc) == []


def _published_transcript_claim(url: str, claimant: str = "Tom Brooks"):
    text = (TRANSCRIPTS / "debate_captions.vtt").read_text(encoding="utf-8")
    article = article_create(
        actor=ReviewerFactory(), title="Debate", body=text, kind="transcript", url=url
    )
    claim = article.claims.filter(claimant=claimant).order_by("start").first()
    Claim.objects.filter(pk=claim.pk).update(status="published")
    claim.refresh_from_db()
    return claim


def test_a_transcript_claim_appears_at_its_moment_of_the_recording():
    claim = _published_transcript_claim("https://video.example/debate-2")
    # Tom Brooks speaks in the cue that starts at 00:01:02.000
    assert claim.article.spoken_at([claim.start]) == [("Tom Brooks", 62.0)]
    doc = claim_review(claim=claim, verdict=published(claim))
    item = doc["itemReviewed"]
    assert item["firstAppearance"]["url"] == "https://video.example/debate-2#t=62"
    assert [w["url"] for w in item["appearance"]] == ["https://video.example/debate-2#t=62"]
    assert errors(doc) == []
    # Where a reviewer says the claim first appeared elsewhere, the moment is its next appearance.
    Claim.objects.filter(pk=claim.pk).update(appearance_url="https://social.example/p/1")
    claim.refresh_from_db()
    item = claim_review(claim=claim, verdict=claim.verdicts.get())["itemReviewed"]
    assert item["firstAppearance"] == {"@type": "CreativeWork", "url": "https://social.example/p/1"}
    assert item["appearance"][1]["url"] == "https://video.example/debate-2#t=62"


def test_a_transcript_without_a_url_or_an_article_has_no_moment():
    claim = _published_transcript_claim("")
    item = claim_review(claim=claim, verdict=published(claim))["itemReviewed"]
    assert "url" not in item["firstAppearance"]
    news = full_claim()
    item = claim_review(claim=news, verdict=published(news))["itemReviewed"]
    assert "#t=" not in str(item)


@pytest.mark.parametrize(
    ("url", "seconds", "expected"),
    [
        ("https://v.example/a", 62.0, "https://v.example/a#t=62"),
        ("https://v.example/a", 8.5, "https://v.example/a#t=8.5"),
        ("https://v.example/a", 3725.125, "https://v.example/a#t=3725.125"),
        ("https://v.example/a?x=1", 0.0, "https://v.example/a?x=1#t=0"),
        ("https://v.example/a#t=10", 20.0, "https://v.example/a#t=20"),
        ("https://v.example/a#xywh=0,0,10,10&t=3", 4.0, "https://v.example/a#xywh=0,0,10,10&t=4"),
        ("https://v.example/a#transcript", 4.0, None),
        ("", 4.0, None),
        ("https://v.example/a", -1.0, None),
        ("https://v.example/a", float("nan"), None),
    ],
)
def test_media_fragment_urls(url, seconds, expected):
    assert media_fragment_url(url, seconds) == expected


# --- the review itself --------------------------------------------------------------------------
def test_language_id_and_rating_explanation():
    claim = full_claim()
    verdict = published(claim, summary="The budget is 2.4 million.")
    doc = claim_review(claim=claim, verdict=verdict)
    assert doc["inLanguage"] == "en"
    assert doc["url"] == public_url(claim)
    assert doc["url"] == (
        f"https://factcheck.example/org/fact-checks/{claim.pk}/{fact_check_slug(claim)}/"
    )
    assert doc["@id"] == doc["url"] + "#claimreview"
    assert doc["reviewRating"]["ratingExplanation"] == "The budget is 2.4 million."
    assert doc["reviewRating"]["ratingValue"] == 1


def test_the_publisher_comes_from_settings_with_its_logo(settings):
    claim = full_claim()
    doc = claim_review(claim=claim, verdict=published(claim))
    assert doc["author"]["name"] == "Checkers"
    assert doc["author"]["url"] == "https://factcheck.example/org/"
    assert doc["author"]["logo"]["url"] == (
        "https://factcheck.example/org/static/frontend/logo.svg"
    )
    settings.FACTCHECK_PUBLISHER_LOGO_URL = "https://cdn.example/logo.png"
    doc = claim_review(claim=claim, verdict=published(ClaimFactory()))
    assert doc["publisher"]["logo"]["url"] == "https://cdn.example/logo.png"


def test_a_rating_off_the_scale_has_only_its_name():
    claim = full_claim()
    doc = claim_review(claim=claim, verdict=published(claim, "misleading"))
    assert {k: v for k, v in doc["reviewRating"].items() if k != "ratingExplanation"} == {
        "@type": "Rating",
        "alternateName": "Misleading",
        "name": "Misleading",
    }
    assert validate_claim_review(doc) == []  # the numeric properties are not asked for then


def test_the_slug_is_readable_and_bounded():
    claim = ClaimFactory(statement="Über 10,000 troops </script> were sent " + "far " * 30)
    slug = fact_check_slug(claim)
    assert slug.startswith("über-10000-troops-script-were-sent")
    assert len(slug) <= 60 and not slug.endswith("-")
    assert fact_check_slug(ClaimFactory(statement="!!!")) == "claim"


# --- the validator catches each broken rule -------------------------------------------------------
def _break(doc, path, value):
    doc = copy.deepcopy(doc)
    *parents, last = path.split(".")
    node = doc
    for step in parents:
        node = node[step]
    if value is KeyError:
        del node[last]
    else:
        node[last] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value", "rule", "level"),
    [
        ("claimReviewed", KeyError, "claimReviewed", "error"),
        ("url", KeyError, "url", "error"),
        ("reviewRating", KeyError, "reviewRating", "error"),
        ("reviewRating.alternateName", KeyError, "reviewRating.alternateName", "error"),
        ("author", KeyError, "author", "warning"),
        ("datePublished", KeyError, "datePublished", "warning"),
        ("itemReviewed.author", KeyError, "itemReviewed.author", "warning"),
        ("itemReviewed.firstAppearance", KeyError, "itemReviewed.firstAppearance", "warning"),
        ("itemReviewed.appearance", KeyError, "itemReviewed.appearance", "warning"),
        ("itemReviewed.datePublished", KeyError, "itemReviewed.datePublished", "warning"),
        ("reviewRating.bestRating", KeyError, "reviewRating.bestRating", "warning"),
        ("claimReviewed", "a\nb", "claim-reviewed-single-line", "error"),
        ("claimReviewed", "x" * 76, "claim-reviewed-short", "warning"),
        ("reviewRating.ratingValue", 9, "rating-in-range", "error"),
        ("dateModified", "2020-01-01T00:00:00+00:00", "modified-after-published", "error"),
        ("url", "/fact-checks/1/x/", "absolute-urls", "error"),
        ("@id", "https://elsewhere.example/#x", "id-is-url-fragment", "error"),
        ("@context", "http://example.org", "context", "error"),
        ("datePublished", "yesterday", "ClaimReview.datePublished", "error"),
        ("datePublished", "2026-01-02T10:00:00", "ClaimReview.datePublished", "error"),
        ("ratingCount", 3, "ClaimReview.ratingCount", "error"),
        ("itemReviewed.author", {"@type": "Rating"}, "Claim.author", "error"),
        ("itemReviewed.author", {"@type": "Robot"}, "Claim.author", "error"),
        ("reviewRating.ratingValue", True, "Rating.ratingValue", "error"),
    ],
)
def test_the_validator_catches_a_broken_rule(path, value, rule, level):
    claim = full_claim()
    doc = claim_review(claim=claim, verdict=published(claim))
    assert validate_claim_review(doc) == []
    findings = validate_claim_review(_break(doc, path, value))
    assert (rule, level) in {(f.rule, f.level) for f in findings}, findings
