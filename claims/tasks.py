"""Celery tasks: ids in, one service call, retry policy in the decorator."""

from __future__ import annotations

import logging
import socket

from billiard.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded, WorkerLostError
from celery import shared_task
from celery.signals import task_failure
from django.conf import settings

from claims.models import Evidence, WorkerHeartbeat
from claims.services import (
    extraction,
    fetch,
    ingest,
    linkcheck,
    mail,
    matching,
    quotes,
    revisions,
    stats,
    webhooks,
)

logger = logging.getLogger(__name__)


@shared_task(name="claims.tasks.worker_heartbeat", ignore_result=True)
def worker_heartbeat(token: str = "") -> None:
    """Record that a worker is alive and consuming; the token identifies who asked."""
    hostname = socket.gethostname()
    WorkerHeartbeat.objects.update_or_create(
        token=token or f"periodic:{hostname}", defaults={"hostname": hostname}
    )


# --- Sources: ids in, one service call. acks_late + reject_on_worker_lost: a message is only
# acknowledged once its fetch is recorded, so a worker killed mid-fetch leaves it for redelivery;
# the service's lease makes the redelivery (or any duplicate) harmless. The attempt count lives
# on the row, not in the message, because redeliveries and sweeps are attempts too.

_FETCH_TASK = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": None,  # the service stops at SOURCE_FETCH_MAX_ATTEMPTS
    "ignore_result": True,
}


@shared_task(name="claims.tasks.source_fetch", **_FETCH_TASK)
def source_fetch(self, source_id: int) -> str:
    """Fetch one source's page and hand it to source_parse; retry transient failures."""
    outcome = fetch.source_fetch(source_id=source_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.state


@shared_task(name="claims.tasks.article_fetch", **_FETCH_TASK)
def article_fetch(self, article_id: int) -> str:
    """Fetch an article given by URL and hand the page to article_parse."""
    outcome = ingest.article_fetch(article_id=article_id, attempt=self.request.retries + 1)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.state


# --- The parse queue (settings.PARSE_QUEUE, a prefork pool): every task that reads a page or a long
# text runs under PARSE_SOFT_TIME_LIMIT_SECONDS and PARSE_TIME_LIMIT_SECONDS. The soft limit raises
# in the task; the hard limit kills the child process (a parser stuck in C ignores the soft one)
# and so does the kernel or a memory limit. Either way `_parse_stopped` below records a failure
# code on the object, so no page or text keeps it fetching or extracting. Not reject_on_worker_lost:
# a page that kills its worker would be delivered again forever; acks_late still keeps a message
# whose worker was shut down cleanly.
_PARSE_TASK = {
    "acks_late": True,
    "ignore_result": True,
    "soft_time_limit": settings.PARSE_SOFT_TIME_LIMIT_SECONDS or None,
    "time_limit": settings.PARSE_TIME_LIMIT_SECONDS or None,
}


@shared_task(name="claims.tasks.source_parse", **_PARSE_TASK)
def source_parse(source_id: int, payload: dict) -> str:
    """Extract, archive and quote-check a page that source_fetch fetched."""
    return fetch.source_parse(source_id=source_id, payload=payload).state


@shared_task(name="claims.tasks.article_parse", **_PARSE_TASK)
def article_parse(article_id: int, payload: dict) -> str:
    """Extract a page that article_fetch fetched into the article's body."""
    return ingest.article_parse(article_id=article_id, payload=payload).state


@shared_task(name="claims.tasks.source_link_check_parse", **_PARSE_TASK)
def source_link_check_parse(source_id: int, payload: dict) -> str:
    """Compare a re-fetched page with its archived text and record link rot."""
    return linkcheck.source_link_check_parse(source_id=source_id, payload=payload)


# Quote matching is bounded (claims.fetching.quotes) but reads the whole page text.
@shared_task(name="claims.tasks.evidence_check_quote", **_PARSE_TASK)
def evidence_check_quote(evidence_id: int) -> None:
    """Check one piece of evidence's quoted passage against its fetched source."""
    evidence = Evidence.objects.filter(pk=evidence_id).first()
    if evidence is not None:
        quotes.evidence_check_quote(evidence=evidence)


@shared_task(name="claims.tasks.article_extract", **_PARSE_TASK)
def article_extract(article_id: int) -> str:
    """Suggest the claims of an article too long to extract in its request, or just fetched."""
    return extraction.article_extract(article_id=article_id)


@shared_task(name="claims.tasks.article_refetch_parse", **_PARSE_TASK)
def article_refetch_parse(article_id: int, payload: dict, actor_id: int | None = None) -> str:
    """Read a re-fetched page; a changed text becomes a revision (publisher update)."""
    return revisions.article_refetch_parse(
        article_id=article_id, payload=payload, actor_id=actor_id
    )


# What records a stopped parse, by task: the service fails the object with the code.
_STOPPED = {
    "claims.tasks.source_parse": lambda source_id, *_, **kw: fetch.source_parse_stopped(
        source_id=source_id, **kw
    ),
    "claims.tasks.article_parse": lambda article_id, *_, **kw: ingest.article_ingest_stopped(
        article_id=article_id, **kw
    ),
    "claims.tasks.article_extract": lambda article_id, *_, **kw: ingest.article_ingest_stopped(
        article_id=article_id, **kw
    ),
    "claims.tasks.article_refetch_parse": lambda article_id, *_, **kw: (
        revisions.article_refetch_stopped(article_id=article_id, **kw)
    ),
    "claims.tasks.source_link_check_parse": lambda source_id, *_, **kw: (
        linkcheck.source_link_check_stopped(source_id=source_id, **kw)
    ),
}


def _stop_reason(exc: BaseException) -> tuple[str, str] | None:
    if isinstance(exc, SoftTimeLimitExceeded):
        limit = settings.PARSE_SOFT_TIME_LIMIT_SECONDS
        return "parse_timeout", f"Reading it took longer than {limit} s; it was stopped."
    if isinstance(exc, TimeLimitExceeded):
        limit = settings.PARSE_TIME_LIMIT_SECONDS
        return "parse_killed", (
            f"Reading it did not stop within {limit} s; the worker process was killed."
        )
    if isinstance(exc, WorkerLostError):
        return "parse_worker_lost", (
            "The worker process reading it died (it may have run out of memory)."
        )
    if isinstance(exc, MemoryError):
        return "parse_out_of_memory", "Reading it ran out of memory."
    return None


@task_failure.connect(weak=False, dispatch_uid="claims.tasks.parse_stopped")
def _parse_stopped(sender=None, exception=None, args=None, **kwargs) -> None:
    """Record why a parse-queue task stopped. A soft limit is reported in the child; a hard limit
    or a lost child in the worker's main process, which has its own database connection."""
    record = _STOPPED.get(getattr(sender, "name", ""))
    reason = _stop_reason(exception) if exception is not None else None
    if record is None or reason is None or not args:
        return
    from django.db import close_old_connections, connection

    code, message = reason
    try:
        if not connection.in_atomic_block:  # the main process's connection may have gone stale
            close_old_connections()
        record(*args, code=code, message=message)
    except Exception:  # the worker must go on; the sweeper's cap is the last resort
        logger.exception("recording %s for %s%s failed", code, sender.name, tuple(args)[:1])


@shared_task(name="claims.tasks.source_sweep", ignore_result=True)
def source_sweep() -> int:
    """Periodic: re-enqueue fetches stuck past their lease (lost workers, lost messages)."""
    return len(fetch.source_sweep()) + len(ingest.article_sweep())


@shared_task(name="claims.tasks.source_link_check", acks_late=True, ignore_result=True)
def source_link_check(source_id: int) -> str:
    """Re-fetch one archived source under a lease and hand the page to source_link_check_parse."""
    return linkcheck.source_link_check(source_id=source_id)


@shared_task(name="claims.tasks.source_link_check_due", ignore_result=True)
def source_link_check_due() -> int:
    """Periodic: enqueue link checks for sources not checked for SOURCE_LINK_CHECK_AGE_DAYS."""
    return len(linkcheck.source_link_check_due())


# --- The outbox: events dispatched to webhooks, deliveries retried with backoff, and a sweep for
# what a dead worker or a down broker left. Deliveries are acknowledged late and claimed under a
# lease (on the row), so a redelivered or duplicate message sends at most one extra POST.


@shared_task(name="claims.tasks.event_dispatch", acks_late=True, ignore_result=True)
def event_dispatch(event_id: int) -> int:
    """Dispatch this event and others waiting (a batch): inbox, e-mail and webhook deliveries."""
    return webhooks.event_dispatch(event_id=event_id)


@shared_task(name="claims.tasks.webhook_deliver", **_FETCH_TASK)
def webhook_deliver(self, delivery_ids: int | list[int]) -> dict:
    """POST some deliveries of one webhook, signed, in turn; those that failed are sent again
    (a new message with their backoff) for WEBHOOK_RETRY_WINDOW_SECONDS."""
    ids = [delivery_ids] if isinstance(delivery_ids, int) else list(delivery_ids)
    outcomes = webhooks.webhook_deliver_batch(delivery_ids=ids)
    return {pk: outcome.state for pk, outcome in outcomes.items()}


@shared_task(name="claims.tasks.outbox_sweep", ignore_result=True)
def outbox_sweep() -> int:
    """Periodic: dispatch lost events, resend overdue or abandoned deliveries and e-mails."""
    return sum(webhooks.outbox_sweep()) + mail.email_sweep()


@shared_task(name="claims.tasks.notification_email", acks_late=True, ignore_result=True)
def notification_email(event_ids: int | list[int]) -> dict:
    """E-mail some events' recipients who want it now; mark the rest for the digest or skipped."""
    return mail.notification_email_send(event_id=event_ids)


@shared_task(name="claims.tasks.email_digest", ignore_result=True)
def email_digest() -> int:
    """Daily: one e-mail per person of what waited for the digest."""
    return mail.email_digest_send()


@shared_task(name="claims.tasks.claim_match_refresh", acks_late=True, ignore_result=True)
def claim_match_refresh(claim_id: int) -> None:
    """Compute and keep a claim's earlier fact-checks (claim memory)."""
    matching.claim_matches_refresh(claim_id=claim_id)


@shared_task(name="claims.tasks.desk_weeks_refresh", ignore_result=True)
def desk_weeks_refresh() -> int:
    """Hourly (beat): add the weeks that closed to the desk's weekly summary."""
    return stats.desk_weeks_refresh()


@shared_task(name="claims.tasks.article_refetch_due", ignore_result=True)
def article_refetch_due() -> int:
    """Beat: enqueue the articles due to be fetched again (ARTICLE_REFETCH_INTERVAL_HOURS)."""
    return len(revisions.article_refetch_due())


@shared_task(name="claims.tasks.article_refetch", acks_late=True, ignore_result=True)
def article_refetch(article_id: int, actor_id: int | None = None) -> str:
    """Fetch an article's URL again (on schedule, or asked by the member ``actor_id``) and hand
    the page to article_refetch_parse."""
    return revisions.article_refetch_fetch(article_id=article_id, actor_id=actor_id)
