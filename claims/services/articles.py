"""Articles: creating them, editing their metadata, correcting their text (a new revision)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction

from claims.extraction.transcript import TranscriptError, decode, parse
from claims.fetching import FetchError
from claims.models import Article, ArticleRevision
from claims.permissions import require_member
from claims.services.concurrency import check_version, save_bumped
from claims.services.errors import ValidationError
from claims.services.extraction import article_suggest_claims
from claims.services.ingest import article_create_from_url
from claims.services.queue import ARTICLE_EXTRACT, enqueue
from claims.services.revisions import article_revise
from claims.services.text import clean_text, clean_web_url


def _clean(field: str, value, *, required: bool = False):
    """A metadata field cleaned: the URL as an http(s) URL, the rest as text."""
    if field == "published_at":
        return value
    if field == "url":
        return clean_web_url(Article, "url", value)
    return clean_text(Article, field, value, required=required)


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
    kind: str = Article.Kind.ARTICLE,
    body_bytes: bytes | None = None,
) -> Article:
    """Create an article from its plain-text body, or, given only a url, fetch it first.

    A body of up to ARTICLE_SYNC_MAX_CHARS is ready with its suggested claims when this returns;
    a longer one is "extracting": the worker suggests its claims (claims.tasks.article_extract).
    A ``kind="transcript"`` body (speaker turns, WebVTT or SRT) is stored as received, with its
    turns and cue times read from it; one that cannot be read is refused, naming the line.
    ``body_bytes`` (an uploaded file) replaces ``body``; it must be UTF-8 and not empty.
    """
    require_member(actor, "add articles")
    if body_bytes is not None:
        try:
            body = decode(body_bytes)
        except TranscriptError as exc:
            raise ValidationError("file", str(exc)) from None
    if kind not in Article.Kind.values:
        raise ValidationError("kind", f"Choose one of: {', '.join(Article.Kind.values)}.")
    if not (body or "").strip() and (url or "").strip():
        if kind == Article.Kind.TRANSCRIPT:
            raise ValidationError("body", "A transcript is added by its text, not by its URL.")
        return _article_create_from_url(actor=actor, url=url, title=title)
    # The body is quoted as published, so direction controls stay (allow_bidi).
    body = clean_text(Article, "body", body, required=True, strip=False, allow_bidi=True)
    turns = _transcript_turns(body) if kind == Article.Kind.TRANSCRIPT else []
    article = Article(
        title=clean_text(Article, "title", title, required=True),
        body=body,
        kind=kind,
        turns=turns,
        url=clean_web_url(Article, "url", url),
        publisher=clean_text(Article, "publisher", publisher),
        byline=clean_text(Article, "byline", byline),
        published_at=published_at,
        language=clean_text(Article, "language", language),
        note=clean_text(Article, "note", note),
        created_by=actor,
    )
    if len(article.body) > settings.ARTICLE_SYNC_MAX_CHARS:
        article.ingest_status = Article.IngestStatus.EXTRACTING
        article.save()
        enqueue(ARTICLE_EXTRACT, article.pk)
        return article
    article.save()
    # Ingest: reviewers open a new article with its check-worthy claims already marked.
    article_suggest_claims(article=article)
    return article


@transaction.atomic
def article_update(
    *,
    actor,
    article: Article,
    expected_version: int | None = None,
    body: str | None = None,
    revision_note: str = "",
    **changes,
) -> Article:
    """Change an article's metadata (title, url, publisher, byline, published_at, language, note)
    and, given a ``body``, its text: a new revision with its claims re-anchored
    (``services.revisions.article_revise``, a manual correction with ``revision_note``)."""
    require_member(actor, "edit articles")
    unknown = set(changes) - set(Article.METADATA_FIELDS)
    if unknown:
        field = sorted(unknown)[0]
        raise ValidationError(field, "Only the metadata and the body of an article can be changed.")
    if body is not None:
        outcome = article_revise(
            actor=actor,
            article=article,
            body=body,
            expected_version=expected_version,
            reason=ArticleRevision.Reason.CORRECTION,
            note=revision_note,
        )
        expected_version = outcome.article.version  # checked; the lock is held
    elif revision_note:
        raise ValidationError("revision_note", "A note goes with a new body.")
    locked = Article.objects.select_for_update().get(pk=article.pk)
    check_version(locked, expected_version, (*Article.METADATA_FIELDS, "version"))
    for field, value in changes.items():
        setattr(locked, field, _clean(field, value, required=field == "title"))
    if changes:
        save_bumped(locked, set(changes))
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
        enqueue(ARTICLE_EXTRACT, article.pk)
    return True


def _transcript_turns(body: str) -> list[dict]:
    try:
        return parse(body).as_list()
    except TranscriptError as exc:
        raise ValidationError("body", f"This transcript cannot be read: {exc}") from None


def _article_create_from_url(*, actor, url: str, title: str) -> Article:
    url = clean_web_url(Article, "url", url)  # http(s) only, no credentials
    try:
        return article_create_from_url(
            url=url, title=clean_text(Article, "title", title), created_by=actor
        )
    except FetchError as exc:
        raise ValidationError("url", f"{exc.message} ({exc.code})") from None
