"""The fetch state machine of a Source: pending → fetching → fetched | failed.

A worker *claims* a source under a row lock (pending → fetching, with a lease); only the claimant
fetches, and the first result written wins, so a duplicated or redelivered task fetches once and
writes one snapshot. `lease_expires_at` means "the claimant must be done by" while fetching, and
"retry not before" while pending after a transient error. The sweeper re-enqueues fetches whose
worker or message was lost; `source_refetch` is the one way a person asks for a fetch again.

A fetch is two tasks: the network I/O (`source_fetch`, on the fetch queue's thread pool) and the
parse (`source_parse`, on the parse queue's prefork pool, under time and memory limits), which
receives the page's bytes in its message. The source stays `fetching` between them, its lease
renewed for PARSE_LEASE_SECONDS; a parse stopped at a limit fails the source with a code of its
own (`source_parse_stopped`), so no page leaves a source fetching.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import gzip
import logging
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from claims import fetching
from claims.fetching import Extracted, FetchConfig, FetchError, FetchResult
from claims.models import Evidence, Source
from claims.permissions import require_editor, require_member
from claims.services.concurrency import lock
from claims.services.errors import InvalidTransition
from claims.services.queue import SOURCE_FETCH, SOURCE_PARSE, enqueue
from claims.services.quotes import evidence_check_quotes

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


@transaction.atomic
def source_refetch(*, actor, source: Source) -> Source:
    """Put a source back in the queue with a fresh attempt budget; the fetch is sent on commit.

    Any member may ask again for a source whose fetch failed (citing it again is a reason to
    try); refreshing a source that did not fail is an editor's decision (the admin's action).
    """
    require_member(actor, "re-fetch sources")
    locked = lock(Source, source.pk)
    if locked.fetch_status != Status.FAILED:
        require_editor(actor, "re-fetch sources that did not fail")
    lease = locked.lease_expires_at
    if locked.fetch_status == Status.FETCHING and lease and lease > timezone.now():
        raise InvalidTransition("a fetch is under way", current_state=locked.fetch_status)
    locked.fetch_status = Status.PENDING
    locked.attempts = 0
    locked.worker_losses = 0
    locked.lease_expires_at = None
    locked.save(
        update_fields=[
            "fetch_status",
            "attempts",
            "worker_losses",
            "lease_expires_at",
            "updated_at",
        ]
    )
    enqueue(SOURCE_FETCH, locked.pk)
    return locked


def page_payload(result: FetchResult) -> dict:
    """A fetched page as a task argument (JSON): its facts and its body, gzipped and base64."""
    return {
        "requested_url": result.requested_url,
        "final_url": result.final_url,
        "status_code": result.status_code,
        "content_type": result.content_type,
        "charset": result.charset,
        "body": base64.b64encode(gzip.compress(result.body, compresslevel=1)).decode("ascii"),
    }


def page_from_payload(payload: dict) -> FetchResult:
    """The FetchResult a fetch task handed to a parse task."""
    return FetchResult(
        requested_url=payload["requested_url"],
        final_url=payload["final_url"],
        status_code=payload["status_code"],
        content_type=payload["content_type"],
        charset=payload["charset"],
        body=gzip.decompress(base64.b64decode(payload["body"])),
    )


def page_extract(result: FetchResult) -> Extracted:
    """Extract a fetched page's text (FetchError on a page that cannot be read). An unexpected
    error of the extractor becomes internal_error; a time limit is let through to the task."""
    try:
        return fetching.extract(
            result.body, result.content_type, charset=result.charset, url=result.final_url
        )
    except FetchError:
        raise
    except Exception as exc:
        if fetching.is_time_limit(exc):
            raise
        logger.exception("extracting %s crashed", result.final_url)
        raise FetchError(
            "internal_error", f"Processing the page failed ({type(exc).__name__})."
        ) from None


def source_fetch(*, source_id: int) -> FetchOutcome:
    """Claim a source and fetch its page; hand the page to the parse queue (`source_parse`)."""
    claimed = _source_claim(source_id)
    if isinstance(claimed, FetchOutcome):
        return claimed
    url, lease, _quoted = claimed
    try:
        result = fetching.fetch(url, fetch_config())
    except FetchError as error:
        return _source_fetch_failed(source_id, lease, error)
    except Exception as exc:  # a client bug must not leave the row fetching forever
        logger.exception("fetching source %s crashed", source_id)
        error = FetchError("internal_error", f"Fetching the page failed ({type(exc).__name__}).")
        return _source_fetch_failed(source_id, lease, error)
    # The parse may wait behind a backlog: the lease now covers it.
    parse_lease = timezone.now() + dt.timedelta(seconds=settings.PARSE_LEASE_SECONDS)
    with transaction.atomic():
        renewed = Source.objects.filter(
            pk=source_id, fetch_status=Status.FETCHING, lease_expires_at=lease
        ).update(lease_expires_at=parse_lease, updated_at=timezone.now())
        if not renewed:
            return FetchOutcome("skipped", message="the lease was lost while fetching")
        enqueue(SOURCE_PARSE, source_id, page_payload(result))
    return FetchOutcome("parsing")


def source_parse(*, source_id: int, payload: dict) -> FetchOutcome:
    """Extract a fetched page's text, archive it and check the evidence quoting it (parse queue)."""
    source = Source.objects.filter(pk=source_id).only("fetch_status", "lease_expires_at").first()
    if source is None or source.fetch_status != Status.FETCHING:
        return FetchOutcome("skipped", message="not waiting for a parse")
    result = page_from_payload(payload)
    try:
        extracted = page_extract(result)
    except FetchError as error:
        return _source_fetch_failed(source_id, source.lease_expires_at, error)
    quoted = Evidence.objects.filter(source_id=source_id).exclude(quoted_passage="").exists()
    outcome = _source_fetch_store(source_id, result, extracted, quoted=quoted)
    if outcome.state == "fetched":
        _import_claimreviews(result)
    return outcome


def source_parse_stopped(*, source_id: int, code: str, message: str) -> bool:
    """A parse stopped at a worker limit (time, memory): fail the source, still fetching, with
    this code; a person may ask again (`source_refetch`). True if the source was failed here."""
    return bool(
        Source.objects.filter(pk=source_id, fetch_status=Status.FETCHING).update(
            fetch_status=Status.FAILED,
            error_code=code,
            error_message=message[:2000],
            lease_expires_at=None,
            updated_at=timezone.now(),
        )
    )


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


def _mark_message_lost(source: Source) -> None:
    source.fetch_status = Status.FAILED
    source.error_code = "message_lost"
    source.error_message = (
        f"The fetch was sent {source.worker_losses} times and never ran (no worker took it, "
        "or the broker lost it); giving up. Ask again once the workers run."
    )
    source.lease_expires_at = None


def _source_fetch_failed(
    source_id: int, lease: dt.datetime | None, error: FetchError
) -> FetchOutcome:
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
    params = _page_params(source_id, result, extracted, timezone.now())
    params |= {
        "title": extracted.title[:1000],
        "publisher": extracted.site_name[:300],
        "author": extracted.author[:300],
        "published_date": parse_page_date(extracted.published),
        "language": extracted.language[:20],
    }
    with transaction.atomic() if quoted else contextlib.nullcontext():
        with connection.cursor() as cursor:
            cursor.execute(_STORE_SQL, params)
            row = cursor.fetchone()
        if row is None:
            return FetchOutcome("skipped", message="another worker fetched it first")
        if row[0] and quoted:
            evidence_check_quotes(source_id=source_id, text=extracted.text)
    if row[0] and not quoted:
        # A quote added while the page was being fetched (the claim saw none): check it now.
        with transaction.atomic():
            evidence_check_quotes(source_id=source_id, text=extracted.text)
    return FetchOutcome("fetched")


def snapshot_archive(
    source_id: int, result: FetchResult, extracted: Extracted, when: dt.datetime
) -> None:
    """Archive a copy of the page unless this source already has one with the same content."""
    with connection.cursor() as cursor:
        cursor.execute(_ARCHIVE_SQL, _page_params(source_id, result, extracted, when))


def _page_params(
    source_id: int, result: FetchResult, extracted: Extracted, when: dt.datetime
) -> dict:
    """The values of a fetched page that the store and the snapshot archive write."""
    return {
        "id": source_id,
        "final_url": result.final_url[:2000],
        "text": extracted.text,
        "sha256": extracted.sha256,
        "http_status": result.status_code,
        "content_type": result.content_type,
        "now": when,
        "raw_gzip": gzip.compress(result.body, compresslevel=6, mtime=0),
        "raw_size": len(result.body),
    }


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

# A snapshot row, written once for the store and for link checks: the archive keeps one copy of
# each content of a source (a unique constraint on source and content hash).
_SNAPSHOT_COLUMNS = """claims_sourcesnapshot
           (source_id, content_sha256, fetched_at, final_url, http_status, content_type,
            raw_gzip, raw_size, text)"""
_SNAPSHOT_VALUES = """%(sha256)s, %(now)s, %(final_url)s, %(http_status)s, %(content_type)s,
           %(raw_gzip)s, %(raw_size)s, %(text)s"""
_ARCHIVE_SQL = f"""
INSERT INTO {_SNAPSHOT_COLUMNS}
VALUES (%(id)s, {_SNAPSHOT_VALUES})
    ON CONFLICT DO NOTHING
"""  # noqa: S608 (constants only)

# Store the result unless the source is already fetched, archive a snapshot unless this source
# has one of the same content, and say whether any evidence quotes the source. No row: not stored.
_STORE_SQL = f"""
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
    INSERT INTO {_SNAPSHOT_COLUMNS}
    SELECT id, {_SNAPSHOT_VALUES}
      FROM stored
        ON CONFLICT DO NOTHING
)
SELECT EXISTS (SELECT 1 FROM claims_evidence e WHERE e.source_id = stored.id
                  AND e.quoted_passage <> '')
  FROM stored
"""  # noqa: S608 (constants only)


def parse_page_date(value: str) -> dt.date | None:
    """The date a page declares (ISO, possibly with a time), or None."""
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def source_sweep() -> list[int]:
    """Enqueue again the fetches stuck past their lease; return their ids.

    A source still fetching after its lease lost its worker: that counts against it, and after
    SOURCE_FETCH_MAX_WORKER_LOSSES it fails with `worker_lost`. A source pending well past its
    time lost its message (a killed worker's unacknowledged delivery, a broker flush): that counts
    too, and at the same cap it fails with `message_lost`. So no source is sent again forever.
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
        for source in forgotten:
            source.worker_losses += 1
            if source.worker_losses >= settings.SOURCE_FETCH_MAX_WORKER_LOSSES:
                _mark_message_lost(source)
            else:
                source.lease_expires_at = None
                requeue.append(source.pk)
            source.save()
        for source_id in requeue:
            enqueue(SOURCE_FETCH, source_id)
    return requeue
