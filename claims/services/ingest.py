"""Articles added by their URL: created pending, fetched by a worker (the fetch queue), parsed
into their body (the parse queue, under its limits), then their claims suggested (article_extract,
the parse queue). The sweeper re-sends work whose message or worker was lost, at most
SOURCE_FETCH_MAX_WORKER_LOSSES times an article (`ingest_requeues`), then fails it with a reason.

pending -> fetching -> extracting -> ready, or failed with `ingest_error` = "code: message".
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims import fetching
from claims.fetching import FetchError
from claims.models import Article
from claims.services.fetch import (
    FetchOutcome,
    fetch_config,
    page_extract,
    page_from_payload,
    page_payload,
    parse_page_date,
    retry_delay,
)
from claims.services.queue import ARTICLE_EXTRACT, ARTICLE_FETCH, ARTICLE_PARSE, enqueue


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
    """Fetch an article's URL and hand the page to the parse queue (`article_parse`)."""
    Ingest = Article.IngestStatus
    now = timezone.now()
    grace = now - dt.timedelta(seconds=settings.SOURCE_FETCH_LEASE_SECONDS)
    claimed = Article.objects.filter(
        Q(ingest_status=Ingest.PENDING) | Q(ingest_status=Ingest.FETCHING, updated_at__lt=grace),
        pk=article_id,
    ).update(ingest_status=Ingest.FETCHING, updated_at=now)
    if not claimed:
        return FetchOutcome("skipped", message="not waiting for a fetch")
    url = Article.objects.values_list("url", flat=True).get(pk=article_id)
    try:
        result = fetching.fetch(url, fetch_config())
    except FetchError as error:
        if error.transient and attempt < settings.SOURCE_FETCH_MAX_ATTEMPTS:
            Article.objects.filter(pk=article_id).update(
                ingest_status=Ingest.PENDING,
                ingest_error=f"{error.code}: {error.message}",
                updated_at=timezone.now(),
            )
            delay = retry_delay(attempt=attempt, retry_after=error.retry_after)
            return FetchOutcome("retrying", error.code, error.message, retry_in=delay)
        _article_failed(article_id, error.code, error.message)
        return FetchOutcome("failed", error.code, error.message)
    with transaction.atomic():
        # Fetching until parsed: updated_at now, so the claim above and the sweeper leave it be.
        Article.objects.filter(pk=article_id, ingest_status=Ingest.FETCHING).update(
            updated_at=timezone.now()
        )
        enqueue(ARTICLE_PARSE, article_id, page_payload(result))
    return FetchOutcome("parsing")


def article_parse(*, article_id: int, payload: dict) -> FetchOutcome:
    """Extract a fetched page into the article's body (parse queue), then send its claim
    extraction (`article_extract`)."""
    Ingest = Article.IngestStatus
    if not Article.objects.filter(pk=article_id, ingest_status=Ingest.FETCHING).exists():
        return FetchOutcome("skipped", message="not waiting for a parse")
    try:
        extracted = page_extract(page_from_payload(payload))
        if not extracted.text.strip():
            raise FetchError("empty_text", "No article text could be extracted from the page.")
    except FetchError as error:
        _article_failed(article_id, error.code, error.message)
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
        article.ingest_status = Ingest.EXTRACTING
        article.ingest_error = ""
        article.save()
        enqueue(ARTICLE_EXTRACT, article.pk)
    return FetchOutcome("fetched")


def _article_failed(article_id: int, code: str, message: str) -> None:
    Article.objects.filter(pk=article_id).update(
        ingest_status=Article.IngestStatus.FAILED,
        ingest_error=f"{code}: {message}"[:2000],
        updated_at=timezone.now(),
    )


def article_ingest_stopped(*, article_id: int, code: str, message: str) -> bool:
    """A parse or claim extraction stopped at a worker limit (time, memory): fail the article,
    still fetching or extracting, with this code. True if the article was failed here."""
    Ingest = Article.IngestStatus
    return bool(
        Article.objects.filter(
            pk=article_id, ingest_status__in=[Ingest.FETCHING, Ingest.EXTRACTING]
        ).update(
            ingest_status=Ingest.FAILED,
            ingest_error=f"{code}: {message}"[:2000],
            updated_at=timezone.now(),
        )
    )


def article_sweep() -> list[int]:
    """Send again the work of articles waiting for (or stuck in) their fetch or their claim
    extraction past the grace time; return their ids. Each re-send counts (`ingest_requeues`);
    at SOURCE_FETCH_MAX_WORKER_LOSSES the article fails with `too_many_requeues` instead."""
    Ingest = Article.IngestStatus
    now = timezone.now()
    grace = dt.timedelta(seconds=settings.SOURCE_FETCH_PENDING_GRACE_SECONDS)
    cap = settings.SOURCE_FETCH_MAX_WORKER_LOSSES
    sent: list[int] = []
    with transaction.atomic():
        stuck = Article.objects.select_for_update(skip_locked=True).filter(
            ingest_status__in=[Ingest.PENDING, Ingest.FETCHING, Ingest.EXTRACTING],
            updated_at__lt=now - grace,
        )
        for article_id, status, requeues in stuck.values_list(
            "pk", "ingest_status", "ingest_requeues"
        ):
            stage = "claim extraction" if status == Ingest.EXTRACTING else "fetch"
            if requeues + 1 >= cap:
                Article.objects.filter(pk=article_id).update(
                    ingest_status=Ingest.FAILED,
                    ingest_requeues=requeues + 1,
                    ingest_error=(
                        f"too_many_requeues: The {stage} was found abandoned {requeues + 1} "
                        "times (a worker stopped or a message was lost); giving up."
                    ),
                    updated_at=now,
                )
                continue
            if status == Ingest.EXTRACTING:
                Article.objects.filter(pk=article_id).update(
                    ingest_requeues=requeues + 1, updated_at=now
                )
                enqueue(ARTICLE_EXTRACT, article_id)
            else:
                Article.objects.filter(pk=article_id).update(
                    ingest_status=Ingest.PENDING, ingest_requeues=requeues + 1, updated_at=now
                )
                enqueue(ARTICLE_FETCH, article_id)
            sent.append(article_id)
    return sent
