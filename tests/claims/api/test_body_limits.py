"""Body limits line up: the longest article body the service takes (2,000,000 characters) passes
every layer in front of it however it is spelt (JSON escaped to ASCII, multipart, a file), and
each layer refuses more with a 400 or 413 that names its limit, with nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.fetching.extract import MAX_TEXT_CHARS
from claims.models import ARTICLE_BODY_MAX_CHARS, Article, ArticleRevision
from claims.services.text import max_length
from tests.claims.api.conftest import token_client
from tests.factories import ArticleFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
SEED = (ROOT / "seeds" / "000_5fe590b60e8f00fa.txt").read_text(encoding="utf-8")
MB = 1_000_000


def _document(n_bytes: int) -> str:
    """About ``n_bytes`` of UTF-8 news text with accented words, quotes and dashes."""
    unit = SEED + "\nL'économie a crû de 2,5 % — « un record », dit-il.\n\n"
    return (unit * (n_bytes // len(unit.encode()) + 1))[: n_bytes // 1]


def _transcript(n_bytes: int) -> str:
    turns, size, i = [], 0, 0
    while size < n_bytes:
        line = f"SPEAKER {i % 3}: Unemployment fell to {i % 90} percent in {1990 + i % 30}, née.\n"
        turns.append(line)
        size += len(line.encode())
        i += 1
    return "".join(turns)


def _post_json(client, url, payload, *, method="post", **extra):
    # As a client that escapes everything outside ASCII writes it (Python's json default).
    raw = json.dumps(payload, ensure_ascii=True)
    return getattr(client, method)(url, raw, content_type="application/json", **extra), len(raw)


def _if_match(article: Article) -> dict:
    article.refresh_from_db()
    return {"HTTP_IF_MATCH": f'"article:{article.pk}:{article.version}"'}


def test_the_limits_are_derived_from_the_longest_body():
    assert max_length(Article, "body") == ARTICLE_BODY_MAX_CHARS == MAX_TEXT_CHARS
    assert settings.ARTICLE_BODY_MAX_CHARS == ARTICLE_BODY_MAX_CHARS
    # The longest JSON spelling of one character is a surrogate pair escaped: 12 bytes.
    assert len(json.dumps("\U0001f600")) - 2 == 12
    assert settings.API_MAX_ARTICLE_BYTES >= 12 * ARTICLE_BODY_MAX_CHARS + 100_000
    assert settings.FORM_MAX_BODY_BYTES >= 4 * ARTICLE_BODY_MAX_CHARS + 100_000
    ceiling = settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # Django's, under DRF's JSON parsing too
    assert ceiling >= max(settings.API_MAX_ARTICLE_BYTES, settings.FORM_MAX_BODY_BYTES)


def test_a_1_mb_article_posted_as_escaped_json_is_accepted():
    client = token_client(ReviewerFactory())
    body = _document(MB)
    response, sent = _post_json(client, "/api/v1/articles/", {"title": "Long", "body": body})
    assert sent > settings.API_MAX_BODY_BYTES  # the old limit refused it
    assert response.status_code == 202, response.content[:300]
    assert Article.objects.get(pk=response.json()["id"]).body == body


def test_a_1_mb_transcript_posted_as_json_is_accepted():
    client = token_client(ReviewerFactory())
    body = _transcript(MB)
    response, _ = _post_json(
        client, "/api/v1/articles/", {"title": "Debate", "kind": "transcript", "body": body}
    )
    assert response.status_code == 202, response.content[:300]
    article = Article.objects.get(pk=response.json()["id"])
    assert article.body == body and article.turns


def test_the_longest_body_in_its_longest_json_spelling_is_accepted():
    client = token_client(ReviewerFactory())
    body = "\U0001f600" * (ARTICLE_BODY_MAX_CHARS - 1) + "."
    response, sent = _post_json(client, "/api/v1/articles/", {"title": "Emoji", "body": body})
    assert sent > 12 * (ARTICLE_BODY_MAX_CHARS - 1)
    assert response.status_code == 202, response.content[:300]
    assert len(Article.objects.get(pk=response.json()["id"]).body) == ARTICLE_BODY_MAX_CHARS


def test_one_character_more_than_the_service_takes_is_a_400_naming_the_limit():
    client = token_client(ReviewerFactory())
    body = "a" * (ARTICLE_BODY_MAX_CHARS + 1)
    response, _ = _post_json(client, "/api/v1/articles/", {"title": "Too long", "body": body})
    assert response.status_code == 400
    problem = " ".join(response.json()["errors"]["body"])
    assert "2,000,000" in problem or "2000000" in problem
    assert not Article.objects.exists()


def test_a_request_over_the_article_limit_is_a_413_naming_it():
    client = token_client(ReviewerFactory())
    limit = settings.API_MAX_ARTICLE_BYTES
    raw = json.dumps({"title": "Huge", "body": "a" * limit})
    response = client.post("/api/v1/articles/", raw, content_type="application/json")
    assert response.status_code == 413
    assert f"{limit:,}" in response.json()["detail"]
    assert "body" in response.json()["errors"]
    assert not Article.objects.exists()


def test_other_endpoints_keep_the_general_limit():
    article = ArticleFactory()
    client = token_client(ReviewerFactory())
    response, _ = _post_json(
        client, f"/api/v1/articles/{article.pk}/extract-claims/", {"x": "a" * (2 * MB)}
    )
    assert response.status_code == 413
    assert f"{settings.API_MAX_BODY_BYTES:,}" in response.json()["detail"]


def test_a_1_mb_file_and_a_1_mb_multipart_field_are_accepted():
    client = token_client(ReviewerFactory())
    body = _document(MB)
    upload = SimpleUploadedFile("story.txt", body.encode(), content_type="text/plain")
    by_file = client.post(
        "/api/v1/articles/", {"title": "File", "file": upload}, format="multipart"
    )
    assert by_file.status_code == 202, by_file.content[:300]
    assert Article.objects.get(pk=by_file.json()["id"]).body == body
    by_field = client.post(
        "/api/v1/articles/", {"title": "Field", "body": body}, format="multipart"
    )
    assert by_field.status_code == 202, by_field.content[:300]
    assert Article.objects.get(pk=by_field.json()["id"]).body == body


def test_a_form_field_over_djangos_ceiling_is_a_413_naming_it(settings):
    # Only when DATA_UPLOAD_MAX_MEMORY_SIZE is set below the API's limits (it is not by default).
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = limit = 500_000
    client = token_client(ReviewerFactory())
    response = client.post(
        "/api/v1/articles/", {"title": "Big", "body": "a" * (limit + 1)}, format="multipart"
    )
    assert response.status_code == 413
    assert f"{limit:,}" in response.json()["detail"]
    assert not Article.objects.exists()


def test_a_file_over_the_form_limit_is_refused_naming_it():
    client = token_client(ReviewerFactory())
    limit = settings.FORM_MAX_BODY_BYTES
    upload = SimpleUploadedFile("big.txt", b"a" * (limit + 1), content_type="text/plain")
    response = client.post("/api/v1/articles/", {"title": "F", "file": upload}, format="multipart")
    assert response.status_code == 400
    assert f"{limit:,}" in " ".join(response.json()["errors"]["file"])
    assert not Article.objects.exists()


def test_a_1_mb_revision_is_accepted_and_an_overlong_one_changes_nothing():
    article = ArticleFactory(body="A short first text about 4.2 percent unemployment.\n")
    client = token_client(ReviewerFactory())
    url = f"/api/v1/articles/{article.pk}/"
    body = _document(MB)
    response, sent = _post_json(client, url, {"body": body}, method="patch", **_if_match(article))
    assert sent > settings.API_MAX_BODY_BYTES
    assert response.status_code == 200, response.content[:300]
    article.refresh_from_db()
    assert article.body == body and article.revision == 2
    # Over ARTICLE_SYNC_MAX_CHARS its suggestions come from the worker (not running here); only a
    # ready article may be revised again.
    assert article.ingest_status == "extracting"
    Article.objects.filter(pk=article.pk).update(ingest_status="ready")
    too_long, _ = _post_json(
        client,
        url,
        {"body": "b" * (ARTICLE_BODY_MAX_CHARS + 1)},
        method="patch",
        **_if_match(article),
    )
    assert too_long.status_code == 400
    assert "the limit is 2,000,000" in " ".join(too_long.json()["errors"]["body"])
    huge = client.patch(
        url,
        json.dumps({"body": "c" * settings.API_MAX_ARTICLE_BYTES}),
        content_type="application/json",
        **_if_match(article),
    )
    assert huge.status_code == 413
    article.refresh_from_db()
    assert article.body == body and article.revision == 2
    assert ArticleRevision.objects.filter(article=article).count() == 2


def test_a_revision_is_measured_after_its_line_ends_are_normalised():
    article = ArticleFactory(body="First text.\n")
    client = token_client(ReviewerFactory())
    # CRLF from a textarea: twice the characters of the body that is stored.
    body = "line\r\n" * (ARTICLE_BODY_MAX_CHARS // 5)
    assert len(body) > ARTICLE_BODY_MAX_CHARS >= len(body.replace("\r\n", "\n"))
    response, _ = _post_json(
        client,
        f"/api/v1/articles/{article.pk}/",
        {"body": body},
        method="patch",
        **_if_match(article),
    )
    assert response.status_code == 200, response.content[:300]


@pytest.mark.parametrize("where", [0, 700_000])
def test_a_lone_surrogate_in_a_long_body_is_refused_by_its_code_point(where):
    """JSON can spell a lone surrogate (UTF-8 cannot store it): refused with DRF's words, found
    by the regular-expression engine wherever it lies in a 1 MB body, with nothing stored."""
    client = token_client(ReviewerFactory())
    body = _document(MB)
    body = body[:where] + "\udbff" + body[where:]
    before = Article.objects.count()
    response, _ = _post_json(client, "/api/v1/articles/", {"title": "Lone", "body": body})
    assert response.status_code == 400
    assert response.json()["errors"]["body"] == ["Surrogate characters are not allowed: U+DBFF."]
    article = ArticleFactory()
    response, _ = _post_json(
        client, f"/api/v1/articles/{article.pk}/", {"body": body}, method="patch",
        **_if_match(article),
    )  # fmt: skip
    assert response.status_code == 400
    assert "U+DBFF" in response.json()["errors"]["body"][0]
    assert Article.objects.count() == before + 1
