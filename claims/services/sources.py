"""Sources: fetching and archiving them, checking quoted passages, sweeping and link checks.

The state machine of a Source's fetch is pending → fetching → fetched | failed. A worker *claims*
a source under a row lock (pending → fetching, with a lease); only the claimant fetches, and the
first result written wins, so a duplicated or redelivered task fetches once and writes one
snapshot. `lease_expires_at` means "the claimant must be done by" while fetching, and "retry not
before" while pending after a transient error.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import logging
import random
from dataclasses import dataclass

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from claims import fetching
from claims.fetching import FetchConfig, FetchError
from claims.models import Article, Evidence, Source, SourceSnapshot
from claims.urlnorm import URLError, url_normalize

logger = logging.getLogger(__name__)

Status = Source.FetchStatus
# Slack for a retry message delivered a moment before its "not before" time.
_ETA_SLACK = dt.timedelta(seconds=2)


@dataclass(frozen=True)
class FetchOutcome:
    """What one run of a fetch service did; `retry_in` is set when the task should retry."""

    state: str  # fetched, failed, retrying, skipped
    code: str = ""
    message: str = ""
    retry_in: float | None = None


def fetch_config() -> FetchConfig:
    """The fetcher's policy and limits, from settings."""
    return FetchConfig.build(
        allowed_networks=settings.SOURCE_FETCH_ALLOWED_NETWORKS,
        allowed_ports=settings.SOURCE_FETCH_ALLOWED_PORTS,
        max_bytes=settings.SOURCE_FETCH_MAX_BYTES,
        connect_timeout=float(settings.SOURCE_FETCH_CONNECT_TIMEOUT),
        read_timeout=float(settings.SOURCE_FETCH_READ_TIMEOUT),
        total_timeout=float(settings.SOURCE_FETCH_TOTAL_TIMEOUT),
    )


def retry_delay(*, attempt: int, retry_after: float | None = None) -> float:
    """Seconds before retry number `attempt` (1-based): exponential with full jitter.

    A server's Retry-After is honoured as the floor (capped at the maximum wait).
    """
    base = float(settings.SOURCE_FETCH_RETRY_BASE_SECONDS)
    cap = float(settings.SOURCE_FETCH_RETRY_MAX_SECONDS)
    ceiling = min(cap, base * 2 ** max(attempt - 1, 0))
    delay = ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 (jitter, not crypto)
    if retry_after is not None:
        delay = max(delay, min(retry_after, cap) + random.uniform(0, 1))  # noqa: S311
    return round(delay, 3)


def source_refetch(*, source_id: int) -> None:
    """Put a failed source back in the queue (a person asked to try again)."""
    with transaction.atomic():
        updated = Source.objects.filter(pk=source_id, fetch_status=Status.FAILED).update(
            fetch_status=Status.PENDING,
            attempts=0,
            worker_losses=0,
            lease_expires_at=None,
            updated_at=timezone.now(),
        )
        if updated:
            enqueue("claims.tasks.source_fetch", source_id)


def enqueue(task_name: str, object_id: int, **options) -> None:
    """Send a task by name once the current transaction commits (never for rolled-back rows)."""
    transaction.on_commit(lambda: current_app.send_task(task_name, args=[object_id], **options))


# --- fetch ---------------------------------------------------------------------------------------


def source_fetch(*, source_id: int) -> FetchOutcome:
    """Claim, fetch, extract and archive one source; check its evidence quotes."""
    claimed = _source_claim(source_id)
    if isinstance(claimed, FetchOutcome):
        return claimed
    url, lease, quoted = claimed
    try:
        result = fetching.fetch(url, fetch_config())
        extracted = fetching.extract(
            result.body, result.content_type, charset=result.charset, url=result.final_url
        )
    except FetchError as error:
        return _source_fetch_failed(source_id, lease, error)
    except Exception as exc:  # an extractor bug must not leave the row fetching forever
        logger.exception("fetching source %s crashed", source_id)
        error = FetchError("internal_error", f"Processing the page failed ({type(exc).__name__}).")
        return _source_fetch_failed(source_id, lease, error)
    outcome = _source_fetch_store(source_id, result, extracted, quoted=quoted)
    if outcome.state == "fetched":
        _import_claimreviews(result)
    return outcome


def _import_claimreviews(result) -> None:
    # A fact-check page carries ClaimReview JSON-LD: it joins the claim memory (issue 19).
    from claims.services.claimreviews import claimreview_import_from_page

    try:
        claimreview_import_from_page(body=result.body, content_type=result.content_type)
    except Exception:  # the fetch is stored either way
        logger.exception("importing the ClaimReview JSON-LD of %s failed", result.final_url)


def _source_claim(source_id: int) -> tuple[str, dt.datetime, bool] | FetchOutcome:
    """Mark the source fetching under a lease: its url, the lease, and whether evidence quotes it."""
    now = timezone.now()
    lease = now + dt.timedelta(seconds=settings.SOURCE_FETCH_LEASE_SECONDS)
    # The common case in one statement: a pending source whose retry time (if any) has come.
    with connection.cursor() as cursor:
        cursor.execute(
            _CLAIM_SQL,
            {
                "id": source_id,
                "now": now,
                "lease": lease,
                "not_before": now + _ETA_SLACK,
                "max_attempts": settings.SOURCE_FETCH_MAX_ATTEMPTS,
            },
        )
        row = cursor.fetchone()
    if row is not None:
        return row[0], lease, row[1]
    return _source_claim_slow(source_id, now, lease)


def _source_claim_slow(source_id, now, lease) -> tuple[str, dt.datetime, bool] | FetchOutcome:
    """Why the source cannot simply be claimed: done, busy, waiting, out of attempts, or abandoned."""
    with transaction.atomic():
        source = Source.objects.select_for_update().filter(pk=source_id).first()
        if source is None:
            return FetchOutcome("skipped", message="no such source")
        if source.fetch_status in (Status.FETCHED, Status.FAILED):
            return FetchOutcome("skipped", message=f"already {source.fetch_status}")
        current = source.lease_expires_at
        if source.fetch_status == Status.FETCHING and current and current > now:
            return FetchOutcome("skipped", message="being fetched by another worker")
        if source.fetch_status == Status.PENDING and current and current > now + _ETA_SLACK:
            return FetchOutcome("skipped", message="waiting for its retry time")
        if source.fetch_status == Status.FETCHING:
            # The lease ran out: whoever held it is gone.
            source.worker_losses += 1
            if source.worker_losses >= settings.SOURCE_FETCH_MAX_WORKER_LOSSES:
                _mark_worker_lost(source)
                source.save()
                return FetchOutcome("failed", source.error_code, source.error_message)
        if source.attempts >= settings.SOURCE_FETCH_MAX_ATTEMPTS:
            source.fetch_status = Status.FAILED
            source.error_code = source.error_code or "too_many_attempts"
            source.error_message = (
                f"Gave up after {source.attempts} attempts. {source.error_message}".strip()
            )
            source.lease_expires_at = None
            source.save()
            return FetchOutcome("failed", source.error_code, source.error_message)
        source.fetch_status = Status.FETCHING
        source.attempts += 1
        source.lease_expires_at = lease
        source.save()
        quoted = Evidence.objects.filter(source_id=source_id).exclude(quoted_passage="").exists()
        return source.url, lease, quoted


def _mark_worker_lost(source: Source) -> None:
    source.fetch_status = Status.FAILED
    source.error_code = "worker_lost"
    source.error_message = (
        f"The fetch was interrupted {source.worker_losses} times (the worker stopped "
        "mid-fetch); giving up. The page may crash or exhaust the fetcher."
    )
    source.lease_expires_at = None


def _source_fetch_failed(source_id: int, lease: dt.datetime, error: FetchError) -> FetchOutcome:
    now = timezone.now()
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id)
        if source.fetch_status == Status.FETCHED:
            return FetchOutcome("skipped", message="another worker fetched it first")
        source.error_code = error.code
        source.error_message = error.message[:2000]
        source.http_status = error.status_code
        if error.transient and source.attempts < settings.SOURCE_FETCH_MAX_ATTEMPTS:
            delay = retry_delay(attempt=source.attempts, retry_after=error.retry_after)
            source.fetch_status = Status.PENDING
            source.lease_expires_at = now + dt.timedelta(seconds=delay)
            source.save()
            return FetchOutcome("retrying", error.code, error.message, retry_in=delay)
        source.fetch_status = Status.FAILED
        source.lease_expires_at = None
        source.save()
        return FetchOutcome("failed", error.code, error.message)


def _source_fetch_store(source_id, result, extracted, *, quoted: bool) -> FetchOutcome:
    """Store the result in one statement, atomic on its own: the first result to arrive wins (the
    UPDATE skips a row already fetched, and locks it against a concurrent writer), the snapshot is
    archived unless this content already is, and the answer says whether any evidence quotes this
    source. When evidence quotes it, the quotes are checked in the same transaction, so nobody
    sees the source fetched with its quotes not yet checked (the page stops polling at fetched).
    """
    params = {
        "id": source_id,
        "final_url": result.final_url[:2000],
        "title": extracted.title[:1000],
        "publisher": extracted.site_name[:300],
        "author": extracted.author[:300],
        "published_date": _parse_date(extracted.published),
        "language": extracted.language[:20],
        "text": extracted.text,
        "sha256": extracted.sha256,
        "http_status": result.status_code,
        "content_type": result.content_type,
        "now": timezone.now(),
        "raw_gzip": gzip.compress(result.body, compresslevel=6, mtime=0),
        "raw_size": len(result.body),
    }
    with transaction.atomic() if quoted else contextlib.nullcontext():
        with connection.cursor() as cursor:
            cursor.execute(_STORE_SQL, params)
            row = cursor.fetchone()
        if row is None:
            return FetchOutcome("skipped", message="another worker fetched it first")
        if row[0] and quoted:
            _evidence_check_quotes(source_id, extracted.text)
    if row[0] and not quoted:
        # A quote added while the page was being fetched (the claim saw none): check it now.
        with transaction.atomic():
            _evidence_check_quotes(source_id, extracted.text)
    return FetchOutcome("fetched")


def _snapshot_save(source_id, result, extracted, when) -> None:
    """Archive a copy unless this source already has one with the same content."""
    snapshot = SourceSnapshot(
        source_id=source_id,
        content_sha256=extracted.sha256,
        fetched_at=when,
        final_url=result.final_url[:2000],
        http_status=result.status_code,
        content_type=result.content_type,
        raw_gzip=gzip.compress(result.body, compresslevel=6, mtime=0),
        raw_size=len(result.body),
        text=extracted.text,
    )
    SourceSnapshot.objects.bulk_create([snapshot], ignore_conflicts=True)


# The fetch path's two hot statements. Each replaces an ORM update plus a read (the store also an
# insert and a query for evidence), so a fetch's database work is two round trips, plus the quote
# check's when evidence quotes the source.
# Triggers (the audit trail) fire as for any UPDATE, and Django's cursor sends the audit context
# with them as with any query. tests/claims/services/test_sources.py holds them to the models.

# pending -> fetching, for a source whose retry time (if any) has come; returns its URL and
# whether any evidence quotes it.
_CLAIM_SQL = """
UPDATE claims_source
   SET fetch_status = 'fetching', attempts = attempts + 1,
       lease_expires_at = %(lease)s, updated_at = %(now)s
 WHERE id = %(id)s AND fetch_status = 'pending' AND attempts < %(max_attempts)s
   AND (lease_expires_at IS NULL OR lease_expires_at <= %(not_before)s)
RETURNING url, EXISTS (SELECT 1 FROM claims_evidence e WHERE e.source_id = claims_source.id
                                                         AND e.quoted_passage <> '')
"""

# Store the result unless the source is already fetched, archive a snapshot unless this source
# has one of the same content, and say whether any evidence quotes the source. No row: not stored.
_STORE_SQL = """
WITH stored AS (
    UPDATE claims_source
       SET final_url = %(final_url)s, title = %(title)s, publisher = %(publisher)s,
           author = %(author)s, published_date = %(published_date)s::date,
           language = %(language)s, text = %(text)s, content_sha256 = %(sha256)s,
           http_status = %(http_status)s, content_type = %(content_type)s,
           fetch_status = 'fetched', error_code = '', error_message = '',
           lease_expires_at = NULL, fetched_at = %(now)s, last_checked_at = %(now)s,
           link_status = 'ok', updated_at = %(now)s
     WHERE id = %(id)s AND fetch_status <> 'fetched'
 RETURNING id
), archived AS (
    INSERT INTO claims_sourcesnapshot
           (source_id, content_sha256, fetched_at, final_url, http_status, content_type,
            raw_gzip, raw_size, text)
    SELECT id, %(sha256)s, %(now)s, %(final_url)s, %(http_status)s, %(content_type)s,
           %(raw_gzip)s, %(raw_size)s, %(text)s
      FROM stored
        ON CONFLICT DO NOTHING
)
SELECT EXISTS (SELECT 1 FROM claims_evidence e WHERE e.source_id = stored.id
                  AND e.quoted_passage <> '')
  FROM stored
"""


def _same_url_key(url: str) -> str:
    try:
        return url_normalize(url)
    except URLError:
        return url


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


# --- quotes --------------------------------------------------------------------------------------


def source_check_quotes(*, source_id: int) -> int:
    """Re-check every quoted passage of a fetched source's evidence; returns how many were checked."""
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id)
        if source.fetch_status != Status.FETCHED:
            return 0
        return _evidence_check_quotes(source.pk, source.text)


def evidence_check_quote(*, evidence: Evidence) -> Evidence:
    """Check one piece of evidence's quoted passage now, if its source is already fetched."""
    source = Source.objects.only("fetch_status", "text").get(pk=evidence.source_id)
    if source.fetch_status == Status.FETCHED and evidence.quoted_passage:
        _evidence_check_quotes(source.pk, source.text, evidence_ids=[evidence.pk])
        evidence.refresh_from_db(fields=["quote_found", "quote_start", "quote_end", "quote_score"])
    return evidence


def _evidence_check_quotes(source_id: int, text: str, evidence_ids: list[int] | None = None) -> int:
    queryset = Evidence.objects.filter(source_id=source_id).exclude(quoted_passage="")
    if evidence_ids is not None:
        queryset = queryset.filter(pk__in=evidence_ids)
    items = list(queryset)
    if not items:
        return 0
    for evidence in items:
        match = fetching.find_quote(evidence.quoted_passage, text)
        evidence.quote_found = match.found
        evidence.quote_start = match.start
        evidence.quote_end = match.end
        evidence.quote_score = match.score
    Evidence.objects.bulk_update(
        items, ["quote_found", "quote_start", "quote_end", "quote_score"], batch_size=200
    )
    return len(items)


# --- sweeping ------------------------------------------------------------------------------------


def source_sweep() -> list[int]:
    """Find fetches stuck past their lease; return the ids to enqueue again.

    A source still fetching after its lease lost its worker: that counts against it, and after
    SOURCE_FETCH_MAX_WORKER_LOSSES it fails with `worker_lost`. A source pending well past its
    time lost its message (a killed worker's unacknowledged delivery, a broker flush).
    """
    now = timezone.now()
    grace = dt.timedelta(seconds=settings.SOURCE_FETCH_PENDING_GRACE_SECONDS)
    requeue: list[int] = []
    with transaction.atomic():
        abandoned = Source.objects.select_for_update(skip_locked=True).filter(
            fetch_status=Status.FETCHING, lease_expires_at__lt=now
        )
        for source in abandoned:
            source.worker_losses += 1
            if source.worker_losses >= settings.SOURCE_FETCH_MAX_WORKER_LOSSES:
                _mark_worker_lost(source)
            else:
                source.fetch_status = Status.PENDING
                source.lease_expires_at = None
                requeue.append(source.pk)
            source.save()
        forgotten = Source.objects.select_for_update(skip_locked=True).filter(
            Q(lease_expires_at__isnull=True, updated_at__lt=now - grace)
            | Q(lease_expires_at__lt=now - grace),
            fetch_status=Status.PENDING,
        )
        ids = list(forgotten.values_list("pk", flat=True))
        Source.objects.filter(pk__in=ids).update(lease_expires_at=None, updated_at=now)
        requeue.extend(ids)
    return requeue


def article_sweep() -> list[int]:
    """Articles waiting for (or stuck in) their URL fetch past the grace time; ids to enqueue again."""
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
    return ids


# --- link checks ---------------------------------------------------------------------------------


def source_link_check_due() -> list[int]:
    """Fetched sources last checked longer ago than SOURCE_LINK_CHECK_AGE_DAYS, oldest first."""
    cutoff = timezone.now() - dt.timedelta(days=settings.SOURCE_LINK_CHECK_AGE_DAYS)
    due = (
        Source.objects.filter(fetch_status=Status.FETCHED)
        .filter(Q(last_checked_at__lt=cutoff) | Q(last_checked_at__isnull=True))
        .order_by(F("last_checked_at").asc(nulls_first=True))
        .values_list("pk", flat=True)
    )
    return list(due[: settings.SOURCE_LINK_CHECK_BATCH])


def source_link_check(*, source_id: int) -> str:
    """Fetch a source again and record link rot: ok, moved, changed or gone.

    The archived snapshot and the text evidence was checked against are never replaced; a
    changed or moved page gets an additional snapshot. Transient failures record nothing, so the
    next round tries again.
    """
    source = Source.objects.get(pk=source_id)
    if source.fetch_status != Status.FETCHED:
        return "skipped"
    now = timezone.now()
    try:
        result = fetching.fetch(source.url, fetch_config())
        extracted = fetching.extract(
            result.body, result.content_type, charset=result.charset, url=result.final_url
        )
    except FetchError as error:
        if error.transient:
            return "unknown"
        gone = error.code in {"http_404", "http_410", "dns_failure"}
        status = Source.LinkStatus.GONE if gone else Source.LinkStatus.CHANGED
        Source.objects.filter(pk=source_id).update(
            link_status=status, last_checked_at=now, updated_at=now
        )
        return status
    moved = _same_url_key(result.final_url) != _same_url_key(source.final_url or source.url)
    changed = fetching.normalize(extracted.text) != fetching.normalize(source.text)
    if moved:
        status = Source.LinkStatus.MOVED
    elif changed:
        status = Source.LinkStatus.CHANGED
    else:
        status = Source.LinkStatus.OK
    with transaction.atomic():
        if moved or changed:
            _snapshot_save(source.pk, result, extracted, now)
        Source.objects.filter(pk=source_id).update(
            link_status=status,
            link_moved_to=result.final_url[:2000] if moved else "",
            last_checked_at=now,
            updated_at=now,
        )
    return status


# --- articles from a URL -------------------------------------------------------------------------


def article_create_from_url(*, url: str, title: str = "", created_by=None) -> Article:
    """An article known only by its URL; its text is fetched in the background, then claims suggested."""
    fetching.check_url(url, fetch_config().policy)  # refuse hostile URLs at once, with their code
    with transaction.atomic():
        article = Article.objects.create(
            title=title or url[:500],
            url=url,
            body="",
            ingest_status=Article.IngestStatus.PENDING,
            created_by=created_by,
        )
        enqueue("claims.tasks.article_fetch", article.pk)
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
        result = fetching.fetch(article.url, fetch_config())
        extracted = fetching.extract(
            result.body, result.content_type, charset=result.charset, url=result.final_url
        )
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
        published = _parse_date(extracted.published)
        if article.published_at is None and published:
            article.published_at = dt.datetime.combine(published, dt.time(), tzinfo=dt.UTC)
        article.ingest_status = Ingest.READY
        article.ingest_error = ""
        article.save()
    _article_suggest(article.pk)
    return FetchOutcome("fetched")


def _article_suggest(article_id: int) -> None:
    try:
        from claims.services.extraction import article_suggest_claims
    except ImportError:  # until the extraction service is merged
        logger.warning("claims.services.extraction is not available; no claims suggested")
        return
    article_suggest_claims(article_id=article_id)


# --- reads for the snapshot download -------------------------------------------------------------
