"""Articles: creating them and editing their metadata (the body is the claims' coordinate system)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction

from claims.models import Article
from claims.permissions import require_member
from claims.services.errors import ValidationError
from claims.services.extraction import article_suggest_claims
from claims.tasks import article_extract as article_extract_task

METADATA_FIELDS = ("title", "url", "publisher", "byline", "published_at", "language", "note")


def _clean_text(field: str, value: str, *, required: bool = False, max_length: int = 0) -> str:
    value = (value or "").strip() if field != "body" else (value or "")
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
    """Create an article from its plain-text body, or, given only a url, fetch it first.

    A body of up to ARTICLE_SYNC_MAX_CHARS is ready with its suggested claims when this returns;
    a longer one is "extracting": the worker suggests its claims (claims.tasks.article_extract)."""
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
    if len(article.body) > settings.ARTICLE_SYNC_MAX_CHARS:
        article.ingest_status = Article.IngestStatus.EXTRACTING
        article.save()
        article_id = article.pk
        transaction.on_commit(lambda: article_extract_task.delay(article_id))
        return article
    article.save()
    # Ingest: reviewers open a new article with its check-worthy claims already marked.
    article_suggest_claims(article=article)
    return article


@transaction.atomic
def article_update(*, actor, article: Article, **changes) -> Article:
    """Change an article's metadata (title, url, publisher, byline, published_at, language, note)."""
    require_member(actor, "edit articles")
    unknown = set(changes) - set(METADATA_FIELDS)
    if unknown:
        field = sorted(unknown)[0]
        raise ValidationError(field, "Only the metadata of an article can be changed.")
    locked = Article.objects.select_for_update().get(pk=article.pk)
    limits = {"title": 500, "url": 2000, "publisher": 200, "byline": 300, "language": 20}
    for field, value in changes.items():
        if field != "published_at":
            value = _clean_text(
                field, value, required=field == "title", max_length=limits.get(field, 0)
            )
        setattr(locked, field, value)
    if changes:
        locked.save(update_fields=[*changes, "updated_at"])
    return locked


@transaction.atomic
def article_extract_later(*, actor, article: Article) -> bool:
    """Hand an article's claim suggestion to the worker if its body is over
    ARTICLE_SYNC_MAX_CHARS (True), else leave it to the caller (False). A ready article becomes
    "extracting" until the worker is done; one already on its way is not enqueued again."""
    require_member(actor, "suggest claims")
    if len(article.body) <= settings.ARTICLE_SYNC_MAX_CHARS:
        return False
    Ingest = Article.IngestStatus
    moved = Article.objects.filter(pk=article.pk, ingest_status=Ingest.READY).update(
        ingest_status=Ingest.EXTRACTING
    )
    if moved:
        article_id = article.pk
        transaction.on_commit(lambda: article_extract_task.delay(article_id))
    return True


def _article_create_from_url(*, actor, url: str, title: str) -> Article:
    from claims.fetching import FetchError
    from claims.services.sources import article_create_from_url

    url = _clean_text("url", url, max_length=2000)
    try:
        return article_create_from_url(
            url=url, title=_clean_text("title", title, max_length=500), created_by=actor
        )
    except FetchError as exc:
        raise ValidationError("url", f"{exc.message} ({exc.code})") from None
