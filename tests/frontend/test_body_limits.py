"""The UI's forms take the longest article body the service takes, and a form over the limit is
a 413 page naming it, with nothing stored."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.models import ARTICLE_BODY_MAX_CHARS, Article, ArticleRevision
from tests.factories import ArticleFactory

MB = 1_000_000
UNIT = "Unemployment fell to 4.2 percent — « un record », dit l'économiste.\n"


def _document(n_bytes: int) -> str:
    return UNIT * (n_bytes // len(UNIT.encode()) + 1)


def test_a_1_mb_article_is_added_from_the_form(reviewer_client):
    body = _document(MB)
    response = reviewer_client.post(
        "/articles/new/", {"mode": "text", "title": "Long", "body": body, "kind": "article"}
    )
    assert response.status_code == 302
    assert Article.objects.get(title="Long").body == body


def test_the_longest_body_fits_the_form_as_utf_8(reviewer_client):
    # Four bytes a character in UTF-8, the most a multipart form spends on one.
    body = "\U0001f600" * ARTICLE_BODY_MAX_CHARS
    response = reviewer_client.post("/articles/new/", {"mode": "text", "title": "E", "body": body})
    assert response.status_code == 302
    assert len(Article.objects.get(title="E").body) == ARTICLE_BODY_MAX_CHARS


def test_a_form_over_the_limit_is_a_413_naming_it(reviewer_client):
    limit = settings.FORM_MAX_BODY_BYTES
    response = reviewer_client.post(
        "/articles/new/", {"mode": "text", "title": "Huge", "body": "a" * limit}
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert f"{limit:,}" in html and f"{ARTICLE_BODY_MAX_CHARS:,}" in html
    assert not Article.objects.exists()


def test_a_file_over_the_limit_is_a_413_before_it_is_stored(reviewer_client):
    limit = settings.FORM_MAX_BODY_BYTES
    upload = SimpleUploadedFile("big.txt", b"a" * limit, content_type="text/plain")
    response = reviewer_client.post(
        "/articles/new/", {"mode": "text", "title": "F", "file": upload}
    )
    assert response.status_code == 413
    assert f"{limit:,}" in response.content.decode()
    assert not Article.objects.exists()


def test_a_body_one_character_too_long_is_named_under_its_field(reviewer_client):
    body = "a" * (ARTICLE_BODY_MAX_CHARS + 1)
    response = reviewer_client.post("/articles/new/", {"mode": "text", "title": "T", "body": body})
    assert response.status_code == 400
    assert "2,000,001 characters; the limit is 2,000,000" in response.content.decode()
    assert not Article.objects.exists()


def _worker_done(article):
    # A body over ARTICLE_SYNC_MAX_CHARS has its suggestions found by the worker (not running
    # here); only a ready article may be revised again.
    assert article.ingest_status == "extracting"
    Article.objects.filter(pk=article.pk).update(ingest_status="ready")


def test_a_1_mb_correction_is_saved_from_the_form_and_too_much_changes_nothing(reviewer_client):
    article = ArticleFactory(body="A first text.\n")
    page = reviewer_client.get(f"/articles/{article.pk}/revisions/").content.decode()
    assert 'enctype="multipart/form-data"' in page  # UTF-8 as typed, not percent-encoded
    body = _document(MB)
    response = reviewer_client.post(
        f"/articles/{article.pk}/correct/",
        {"body": body.replace("\n", "\r\n"), "version": article.version},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == body and article.revision == 2
    _worker_done(article)
    limit = settings.FORM_MAX_BODY_BYTES
    huge = reviewer_client.post(
        f"/articles/{article.pk}/correct/", {"body": "b" * limit, "version": article.version}
    )
    assert huge.status_code == 413 and f"{limit:,}" in huge.content.decode()
    too_long = reviewer_client.post(
        f"/articles/{article.pk}/correct/",
        {"body": "b" * (ARTICLE_BODY_MAX_CHARS + 1), "version": article.version},
    )
    assert too_long.status_code == 400
    assert "the limit is 2,000,000" in too_long.content.decode()
    article.refresh_from_db()
    assert article.body == body and ArticleRevision.objects.filter(article=article).count() == 2
