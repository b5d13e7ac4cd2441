"""Articles added by their URL: created pending, fetched and extracted by a worker, then their
claims suggested; the sweeper re-enqueues fetches whose message or worker was lost."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims import fetching
from claims.fetching import FetchError
from claims.models import Article
from claims.services.extraction import article_suggest_claims
from claims.services.fetch import FetchOutcome, fetch_config, parse_page_date, retry_delay
from claims.services.queue import ARTICLE_FETCH, enqueue


def article_create_from_url(*, url: str, title: str = "", created_by=None) -> Article:
    """An article known only by its URL; its text is fetched in the background, then claims
    suggested. Reached through claims.services.articles.article_create (which checks the role and
    the input); a hostile URL is refused here at once with its FetchError."""
    fetching.check_url(url, fetch_config().policy)  # refuse hostile URLs at once, with their code
    with transaction.atomic():
        article = Article.objects.create(
            title=title or url[:500],
            url=url,
            body="",
            ingest_status=Article.IngestStatus.PENDING,
            created_by=created_by,
        )
        enqueue(ARTICLE_FETCH, article.pk)
    return article


def article_fetch(*, article_id: int, attempt: int = 1) -> FetchOutcome:
    """Fetch and extract an article's URL into its body, then suggest its claims."""
    Ingest = Article.IngestStatus
    now = timezone.now()
    grace = now - dt.timedelta(seconds=settings.SOURCE_FETCH_LEASE_SECONDS)
    claimed = Article.objects.filter(
        Q(ingest_status=Ingest.PENDING) | Q(ingest_status=Ingest.FETCHING, updated_at__lt=grace),
        pk=article_id,
    ).update(ingest_status=Ingest.FETCHING, updated_at=now)
    if not claimed:
        return FetchOutcome("skipped", message="not waiting for a fetch")
    article = Article.objects.get(pk=article_id)
    try:
        _result, extracted = fetching.fetch_page(article.url, fetch_config())
        if not extracted.text.strip():
            raise FetchError("empty_text", "No article text could be extracted from the page.")
    except FetchError as error:
        if error.transient and attempt < settings.SOURCE_FETCH_MAX_ATTEMPTS:
            Article.objects.filter(pk=article_id).update(
                ingest_status=Ingest.PENDING,
                ingest_error=f"{error.code}: {error.message}",
                updated_at=timezone.now(),
            )
            delay = retry_delay(attempt=attempt, retry_after=error.retry_after)
            return FetchOutcome("retrying", error.code, error.message, retry_in=delay)
        Article.objects.filter(pk=article_id).update(
            ingest_status=Ingest.FAILED,
            ingest_error=f"{error.code}: {error.message}",
            updated_at=timezone.now(),
        )
        return FetchOutcome("failed", error.code, error.message)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        if article.ingest_status != Ingest.FETCHING:
            return FetchOutcome("skipped", message="another worker finished it first")
        article.body = extracted.text.replace("\x00", "")
        if not article.title or article.title == article.url[:500]:
            article.title = (extracted.title or article.title)[:500]
        article.publisher = article.publisher or extracted.site_name[:200]
        article.byline = article.byline or extracted.author[:300]
        article.language = article.language or extracted.language[:20]
        published = parse_page_date(extracted.published)
        if article.published_at is None and published:
            article.published_at = dt.datetime.combine(published, dt.time(), tzinfo=dt.UTC)
        article.ingest_status = Ingest.READY
        article.ingest_error = ""
        article.save()
    article_suggest_claims(article_id=article.pk)
    return FetchOutcome("fetched")


def article_sweep() -> list[int]:
    """Enqueue again the articles waiting for (or stuck in) their URL fetch past the grace time;
    return their ids."""
    now = timezone.now()
    grace = dt.timedelta(seconds=settings.SOURCE_FETCH_PENDING_GRACE_SECONDS)
    with transaction.atomic():
        stuck = Article.objects.select_for_update(skip_locked=True).filter(
            ingest_status__in=[Article.IngestStatus.PENDING, Article.IngestStatus.FETCHING],
            updated_at__lt=now - grace,
        )
        ids = list(stuck.values_list("pk", flat=True))
        Article.objects.filter(pk__in=ids).update(
            ingest_status=Article.IngestStatus.PENDING, updated_at=now
        )
        for article_id in ids:
            enqueue(ARTICLE_FETCH, article_id)
    return ids
