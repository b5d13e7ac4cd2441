"""Importing other newsrooms' ClaimReviews: the four forms, bad items by position, idempotence."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from claims.models import ClaimReview, ClaimReviewCorpus, ClaimReviewTerm
from claims.services.claimreviews import claimreview_import, claimreview_import_trusted
from claims.services.errors import PermissionDenied, ValidationError
from tests.factories import EditorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


def review(n: int, claim: str = "", **extra) -> dict:
    item = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"https://checks.example/review/{n}",
        "claimReviewed": claim or f"The mayor said the bridge cost {n} million euros",
        "name": f"Did the bridge cost {n} million?",
        "description": "Council records show a different figure.",
        "datePublished": "2024-03-05",
        "inLanguage": "en",
        "author": {"@type": "Organization", "name": "Checkers United"},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": 2,
            "bestRating": "5",
            "worstRating": 1,
            "alternateName": "Mostly false",
        },
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "Mayor Ana Costa"},
            "datePublished": "2024-03-01T10:00:00Z",
        },
    }
    item.update(extra)
    return item


def test_an_editor_imports_one_claimreview_with_every_field_stored():
    report = claimreview_import(actor=EditorFactory(), data=json.dumps(review(1)))
    assert (report.created, report.updated, report.errors) == (1, 0, [])
    row = ClaimReview.objects.get()
    assert row.url == "https://checks.example/review/1"
    assert row.claim_reviewed == "The mayor said the bridge cost 1 million euros"
    assert row.title == "Did the bridge cost 1 million?"
    assert row.description == "Council records show a different figure."
    assert (row.rating_value, row.best_rating, row.worst_rating) == ("2", "5", "1")
    assert row.rating_name == "Mostly false"
    assert row.author == "Checkers United"
    assert row.claimant == "Mayor Ana Costa"
    assert row.claim_date.isoformat() == "2024-03-01"
    assert row.date_published.isoformat() == "2024-03-05"
    assert row.language == "en"
    assert row.raw == review(1)
    assert row.search_config == "english"
    assert len(bytes(row.embedding)) == 512


def test_a_reviewer_may_not_import():
    with pytest.raises(PermissionDenied):
        claimreview_import(actor=ReviewerFactory(), data=json.dumps(review(1)))
    assert not ClaimReview.objects.exists()


def test_an_array_a_datafeed_and_json_lines_are_all_read():
    editor = EditorFactory()
    claimreview_import(actor=editor, data=json.dumps([review(1), review(2)]))
    feed = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "dataFeedElement": [
            {"@type": "DataFeedItem", "item": [review(3), review(4)]},
            {"@type": "DataFeedItem", "item": review(5)},
        ],
    }
    report = claimreview_import(actor=editor, data=json.dumps(feed))
    assert (report.created, report.errors) == (3, [])
    lines = "\n".join(json.dumps(review(n)) for n in (6, 7)) + "\n"
    report = claimreview_import(actor=editor, data=lines.encode())
    assert (report.created, report.errors) == (2, [])
    assert ClaimReview.objects.count() == 7


def test_a_second_import_updates_and_never_duplicates():
    editor = EditorFactory()
    claimreview_import(actor=editor, data=json.dumps([review(1), review(2)]))
    changed = review(2, name="Bridge cost: the council's figure")
    report = claimreview_import(actor=editor, data=json.dumps([review(1), changed]))
    assert (report.created, report.updated) == (0, 2)
    assert ClaimReview.objects.count() == 2
    assert ClaimReview.objects.get(url=changed["url"]).title == "Bridge cost: the council's figure"


def test_bad_items_are_reported_by_position_and_the_good_ones_kept():
    items = [
        review(1),
        {"@type": "ClaimReview", "claimReviewed": "No url here"},
        review(3, url="javascript:alert(1)"),
        review(4, claimReviewed=""),
        "just a string",
        review(6, datePublished="last Tuesday"),
        {"@type": "NewsArticle", "url": "https://news.example/a"},
        review(8, reviewRating=["odd"]),
        review(9),
        review(10, description="nul \u0000 inside"),
    ]
    report = claimreview_import(actor=EditorFactory(), data=json.dumps(items))
    assert report.created == 2
    reasons = {p.position: p.reason for p in report.errors}
    assert sorted(reasons) == [2, 3, 4, 5, 6, 7, 8, 10]
    assert "url is missing" in reasons[2]
    assert "not an absolute http(s) URL" in reasons[3]
    assert "claimReviewed is missing" in reasons[4]
    assert reasons[5] == "not a JSON object"
    assert "datePublished is not an ISO 8601 date" in reasons[6]
    assert "not ClaimReview" in reasons[7]
    assert "reviewRating must be an object" in reasons[8]
    assert "NUL character" in reasons[10]
    assert set(ClaimReview.objects.values_list("url", flat=True)) == {
        "https://checks.example/review/1",
        "https://checks.example/review/9",
    }


def test_a_json_lines_line_that_is_not_json_is_reported_by_its_line_number():
    data = json.dumps(review(1)) + "\n{broken\n\n" + json.dumps(review(2)) + "\n"
    report = claimreview_import(actor=EditorFactory(), data=data)
    assert report.created == 2
    assert [(p.position, p.reason.split(":")[0]) for p in report.errors] == [(2, "not JSON")]


def test_a_document_that_is_not_json_at_all_is_refused_with_the_reason():
    with pytest.raises(ValidationError, match="Not JSON"):
        claimreview_import(actor=EditorFactory(), data="<html>feed</html>")
    with pytest.raises(ValidationError, match="empty"):
        claimreview_import(actor=EditorFactory(), data="  ")
    with pytest.raises(ValidationError, match="nested too deeply"):
        claimreview_import(actor=EditorFactory(), data="[" * 100_000 + "]" * 100_000)


def test_document_frequencies_follow_inserts_updates_and_deletes():
    claimreview_import_trusted(data=json.dumps([review(1), review(2, claim="Bridges rust fast")]))
    corpus = ClaimReviewCorpus.objects.get()
    assert corpus.documents == 2
    assert ClaimReviewTerm.objects.get(lexeme="bridg").documents == 2
    assert ClaimReviewTerm.objects.get(lexeme="rust").documents == 1
    claimreview_import_trusted(data=json.dumps(review(2, claim="Tunnels flood often")))
    assert ClaimReviewTerm.objects.get(lexeme="rust").documents == 0
    assert ClaimReviewTerm.objects.get(lexeme="tunnel").documents == 1
    ClaimReview.objects.all().delete()
    corpus.refresh_from_db()
    assert (corpus.documents, corpus.length_a, corpus.length_b, corpus.length_c) == (0, 0, 0, 0)
    assert not ClaimReviewTerm.objects.exclude(documents=0).exists()


def test_the_language_picks_the_text_search_configuration():
    claimreview_import_trusted(
        data=json.dumps(
            [
                review(1, inLanguage="fr", claimReviewed="Les ponts coûtent des millions"),
                review(2, inLanguage="xx", claimReviewed="Words as written"),
            ]
        )
    )
    configs = dict(ClaimReview.objects.values_list("language", "search_config"))
    assert configs == {"fr": "french", "xx": "simple"}


def test_the_command_imports_a_file_and_reports_bad_items(tmp_path, capsys):
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps(review(1)) + "\n" + json.dumps({"@type": "ClaimReview"}) + "\n")
    call_command("import_claimreviews", str(path))
    out, err = capsys.readouterr()
    assert "created 1, updated 0, rejected 1" in out
    assert "item 2: url is missing" in err
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"@type": "ClaimReview"}]))
    with pytest.raises(CommandError, match="no item could be imported"):
        call_command("import_claimreviews", str(bad))
