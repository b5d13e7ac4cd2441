"""Link rot: fetched sources are fetched again when old, and the change is recorded.

A check takes a lease on the source like a fetch (`lease_expires_at` on a fetched source), so a
duplicated or redelivered check fetches once; the page is fetched on the fetch queue
(`source_link_check`) and compared on the parse queue (`source_link_check_parse`, under its
limits). A check whose worker was lost leaves a lease that simply expires: the next round takes it.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from claims import fetching
from claims.fetching import FetchError
from claims.models import Source
from claims.services import notify
from claims.services.fetch import (
    fetch_config,
    page_extract,
    page_from_payload,
    page_payload,
    snapshot_archive,
)
from claims.services.queue import SOURCE_LINK_CHECK, SOURCE_LINK_CHECK_PARSE, enqueue
from claims.urlnorm import URLError, url_normalize

logger = logging.getLogger(__name__)

Status = Source.FetchStatus


def source_link_check_due() -> list[int]:
    """Enqueue link checks of the fetched sources last checked longer ago than
    SOURCE_LINK_CHECK_AGE_DAYS (and not being checked), oldest first, a batch at a time; return
    their ids."""
    now = timezone.now()
    cutoff = now - dt.timedelta(days=settings.SOURCE_LINK_CHECK_AGE_DAYS)
    due = (
        Source.objects.filter(fetch_status=Status.FETCHED)
        .filter(Q(last_checked_at__lt=cutoff) | Q(last_checked_at__isnull=True))
        .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now))
        .order_by(F("last_checked_at").asc(nulls_first=True))
        .values_list("pk", flat=True)
    )
    source_ids = list(due[: settings.SOURCE_LINK_CHECK_BATCH])
    for source_id in source_ids:
        enqueue(SOURCE_LINK_CHECK, source_id)
    return source_ids


def _claim(source_id: int) -> tuple[str, dt.datetime] | None:
    """Take the link-check lease of a fetched source nobody is checking: its URL and the lease."""
    now = timezone.now()
    lease = now + dt.timedelta(seconds=settings.SOURCE_FETCH_LEASE_SECONDS)
    claimed = Source.objects.filter(
        Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now),
        pk=source_id,
        fetch_status=Status.FETCHED,
    ).update(lease_expires_at=lease)
    if not claimed:
        return None
    return Source.objects.values_list("url", flat=True).get(pk=source_id), lease


def source_link_check(*, source_id: int) -> str:
    """Fetch a source again under a lease and hand the page to the parse queue; record a failed
    fetch at once (gone or changed). Transient failures record nothing, so the next round tries
    again."""
    claimed = _claim(source_id)
    if claimed is None:
        return "skipped"
    url, lease = claimed
    try:
        result = fetching.fetch(url, fetch_config())
    except FetchError as error:
        if error.transient:
            _release(source_id, lease)
            return "unknown"
        gone = error.code in {"http_404", "http_410", "dns_failure"}
        status = Source.LinkStatus.GONE if gone else Source.LinkStatus.CHANGED
        with transaction.atomic():
            source = Source.objects.get(pk=source_id)
            _record(source_id, lease, link_status=status)
            _tell(source, status)
        return status
    with transaction.atomic():
        parse_lease = timezone.now() + dt.timedelta(seconds=settings.PARSE_LEASE_SECONDS)
        if not Source.objects.filter(pk=source_id, lease_expires_at=lease).update(
            lease_expires_at=parse_lease
        ):
            return "skipped"
        enqueue(SOURCE_LINK_CHECK_PARSE, source_id, page_payload(result))
    return "parsing"


def source_link_check_parse(*, source_id: int, payload: dict) -> str:
    """Compare a re-fetched page with the archived one and record link rot: ok, moved, changed
    or gone. The archived snapshot and the text evidence was checked against are never replaced;
    a changed or moved page gets an additional snapshot."""
    source = Source.objects.filter(pk=source_id, fetch_status=Status.FETCHED).first()
    if source is None or source.lease_expires_at is None:
        return "skipped"
    lease = source.lease_expires_at
    result = page_from_payload(payload)
    try:
        extracted = page_extract(result)
    except FetchError:
        with transaction.atomic():
            _record(source_id, lease, link_status=Source.LinkStatus.CHANGED)
            _tell(source, Source.LinkStatus.CHANGED)
        return Source.LinkStatus.CHANGED
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
            snapshot_archive(source.pk, result, extracted, timezone.now())
        _record(
            source_id,
            lease,
            link_status=status,
            link_moved_to=result.final_url[:2000] if moved else "",
        )
        _tell(source, status, moved_to=result.final_url[:2000] if moved else "")
    return status


def source_link_check_stopped(*, source_id: int, code: str, message: str) -> bool:
    """A link check's parse stopped at a worker limit: release its lease and count the source as
    checked (the link status stays), so the page is not parsed again every hour."""
    logger.warning("link check of source %s stopped: %s: %s", source_id, code, message)
    now = timezone.now()
    return bool(
        Source.objects.filter(pk=source_id, fetch_status=Status.FETCHED)
        .exclude(lease_expires_at=None)
        .update(lease_expires_at=None, last_checked_at=now, updated_at=now)
    )


def _record(source_id: int, lease: dt.datetime, **fields) -> None:
    """Write a check's result and release its lease, if this check still holds it."""
    now = timezone.now()
    Source.objects.filter(pk=source_id, lease_expires_at=lease).update(
        lease_expires_at=None, last_checked_at=now, updated_at=now, **fields
    )


def _release(source_id: int, lease: dt.datetime) -> None:
    Source.objects.filter(pk=source_id, lease_expires_at=lease).update(lease_expires_at=None)


def _tell(source: Source, status: str, *, moved_to: str = "") -> None:
    """Those working on the claims that cite it hear of a new state (in this transaction)."""
    previous = source.link_status
    source.link_status, source.link_moved_to = status, moved_to or source.link_moved_to
    source.last_checked_at = timezone.now()
    notify.source_link_changed(source=source, previous=previous)


def _same_url_key(url: str) -> str:
    try:
        return url_normalize(url)
    except URLError:
        return url
