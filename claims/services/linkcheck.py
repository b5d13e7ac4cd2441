"""Link rot: fetched sources are fetched again when old, and the change is recorded."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from claims import fetching
from claims.fetching import FetchError
from claims.models import Source
from claims.services import notify
from claims.services.fetch import fetch_config, snapshot_archive
from claims.services.queue import SOURCE_LINK_CHECK, enqueue
from claims.urlnorm import URLError, url_normalize

Status = Source.FetchStatus


def source_link_check_due() -> list[int]:
    """Enqueue link checks of the fetched sources last checked longer ago than
    SOURCE_LINK_CHECK_AGE_DAYS, oldest first, a batch at a time; return their ids."""
    cutoff = timezone.now() - dt.timedelta(days=settings.SOURCE_LINK_CHECK_AGE_DAYS)
    due = (
        Source.objects.filter(fetch_status=Status.FETCHED)
        .filter(Q(last_checked_at__lt=cutoff) | Q(last_checked_at__isnull=True))
        .order_by(F("last_checked_at").asc(nulls_first=True))
        .values_list("pk", flat=True)
    )
    source_ids = list(due[: settings.SOURCE_LINK_CHECK_BATCH])
    for source_id in source_ids:
        enqueue(SOURCE_LINK_CHECK, source_id)
    return source_ids


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
        result, extracted = fetching.fetch_page(source.url, fetch_config())
    except FetchError as error:
        if error.transient:
            return "unknown"
        gone = error.code in {"http_404", "http_410", "dns_failure"}
        status = Source.LinkStatus.GONE if gone else Source.LinkStatus.CHANGED
        with transaction.atomic():
            Source.objects.filter(pk=source_id).update(
                link_status=status, last_checked_at=now, updated_at=now
            )
            _tell(source, status)
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
            snapshot_archive(source.pk, result, extracted, now)
        Source.objects.filter(pk=source_id).update(
            link_status=status,
            link_moved_to=result.final_url[:2000] if moved else "",
            last_checked_at=now,
            updated_at=now,
        )
        _tell(source, status, moved_to=result.final_url[:2000] if moved else "")
    return status


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
