"""Articles: creating them and editing their metadata (the body is the claims' coordinate system)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from claims.models import Article
from claims.permissions import require_member
from claims.services.concurrency import check_version, save_bumped
from claims.services.errors import ValidationError
from claims.services.extraction import article_suggest_claims
from claims.services.text import text_clean, web_url_clean

METADATA_FIELDS = ("title", "url", "publisher", "byline", "published_at", "language", "note")


def _clean_text(field: str, value: str, *, required: bool = False, max_length: int = 0) -> str:
    if field == "url":
        return web_url_clean(field, value, max_length=max_length)
    if field != "body":
        return text_clean(field, value, required=required, max_length=max_length)
    value = value or ""
    if required and not value.strip():
        raise ValidationError(field, "This field may not be blank.")
    if max_length and len(value) > max_length:
        raise ValidationError(field, f"Ensure this field has no more than {max_length} characters.")
    if "\x00" in value:
        raise ValidationError(field, "Null characters are not allowed.")
    return value


@transaction.atomic
def article_create(
    *,
    actor,
    title: str,
    body: str,
    url: str = "",
    publisher: str = "",
    byline: str = "",
    published_at: dt.datetime | None = None,
    language: str = "",
    note: str = "",
) -> Article:
    """Create a ready article from its plain-text body, or, given only a url, fetch it first."""
    require_member(actor, "add articles")
    if not (body or "").strip() and (url or "").strip():
        return _article_create_from_url(actor=actor, url=url, title=title)
    article = Article(
        title=_clean_text("title", title, required=True, max_length=500),
        body=_clean_text("body", body, required=True),
        url=_clean_text("url", url, max_length=2000),
        publisher=_clean_text("publisher", publisher, max_length=200),
        byline=_clean_text("byline", byline, max_length=300),
        published_at=published_at,
        language=_clean_text("language", language, max_length=20),
        note=_clean_text("note", note),
        created_by=actor,
    )
    article.save()
    # Ingest: reviewers open a new article with its check-worthy claims already marked.
    article_suggest_claims(article=article)
    return article


@transaction.atomic
def article_update(
    *, actor, article: Article, expected_version: int | None = None, **changes
) -> Article:
    """Change an article's metadata (title, url, publisher, byline, published_at, language, note)."""
    require_member(actor, "edit articles")
    unknown = set(changes) - set(METADATA_FIELDS)
    if unknown:
        field = sorted(unknown)[0]
        raise ValidationError(field, "Only the metadata of an article can be changed.")
    locked = Article.objects.select_for_update().get(pk=article.pk)
    check_version(locked, expected_version, (*METADATA_FIELDS, "version"))
    limits = {"title": 500, "url": 2000, "publisher": 200, "byline": 300, "language": 20}
    for field, value in changes.items():
        if field != "published_at":
            value = _clean_text(
                field, value, required=field == "title", max_length=limits.get(field, 0)
            )
        setattr(locked, field, value)
    if changes:
        save_bumped(locked, set(changes))
    return locked


def _article_create_from_url(*, actor, url: str, title: str) -> Article:
    from claims.fetching import FetchError
    from claims.services.sources import article_create_from_url

    url = _clean_text("url", url, max_length=2000)  # http(s) only, no credentials
    try:
        return article_create_from_url(
            url=url, title=_clean_text("title", title, max_length=500), created_by=actor
        )
    except FetchError as exc:
        raise ValidationError("url", f"{exc.message} ({exc.code})") from None
