"""Celery tasks: ids in, one service call, retry policy in the decorator."""

from __future__ import annotations

import socket

from celery import shared_task

from claims.models import Evidence, WorkerHeartbeat
from claims.services import (
    extraction,
    fetch,
    ingest,
    linkcheck,
    mail,
    matching,
    quotes,
    webhooks,
)


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
    """Fetch, archive and quote-check one source; retry transient failures with backoff."""
    outcome = fetch.source_fetch(source_id=source_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.state


@shared_task(name="claims.tasks.article_fetch", **_FETCH_TASK)
def article_fetch(self, article_id: int) -> str:
    """Fetch an article given by URL into its body, then suggest its claims."""
    outcome = ingest.article_fetch(article_id=article_id, attempt=self.request.retries + 1)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.state


# Quote matching is bounded (claims.fetching.quotes) but reads the whole page text: a worker's
# job, with time limits that hold in a prefork worker.
@shared_task(
    name="claims.tasks.evidence_check_quote",
    acks_late=True,
    ignore_result=True,
    soft_time_limit=60,
    time_limit=90,
)
def evidence_check_quote(evidence_id: int) -> None:
    """Check one piece of evidence's quoted passage against its fetched source."""
    evidence = Evidence.objects.filter(pk=evidence_id).first()
    if evidence is not None:
        quotes.evidence_check_quote(evidence=evidence)


@shared_task(
    name="claims.tasks.article_extract",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=300,
    time_limit=360,
)
def article_extract(article_id: int) -> str:
    """Suggest the claims of an article too long to extract in its request."""
    return extraction.article_extract(article_id=article_id)


@shared_task(name="claims.tasks.source_sweep", ignore_result=True)
def source_sweep() -> int:
    """Periodic: re-enqueue fetches stuck past their lease (lost workers, lost messages)."""
    return len(fetch.source_sweep()) + len(ingest.article_sweep())


@shared_task(name="claims.tasks.source_link_check", acks_late=True, ignore_result=True)
def source_link_check(source_id: int) -> str:
    """Re-fetch one archived source and record whether its link rotted."""
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
    """Create an event's webhook deliveries and enqueue them."""
    return webhooks.event_dispatch(event_id=event_id)


@shared_task(name="claims.tasks.webhook_deliver", **_FETCH_TASK)
def webhook_deliver(self, delivery_id: int) -> str:
    """POST one signed delivery; retry failures with backoff for WEBHOOK_RETRY_WINDOW_SECONDS."""
    outcome = webhooks.webhook_deliver(delivery_id=delivery_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.state


@shared_task(name="claims.tasks.outbox_sweep", ignore_result=True)
def outbox_sweep() -> int:
    """Periodic: dispatch lost events, resend overdue or abandoned deliveries and e-mails."""
    return sum(webhooks.outbox_sweep()) + mail.email_sweep()


@shared_task(name="claims.tasks.notification_email", acks_late=True, ignore_result=True)
def notification_email(event_id: int) -> dict:
    """E-mail an event's recipients who want it now; mark the rest for the digest or skipped."""
    return mail.notification_email_send(event_id=event_id)


@shared_task(name="claims.tasks.email_digest", ignore_result=True)
def email_digest() -> int:
    """Daily: one e-mail per person of what waited for the digest."""
    return mail.email_digest_send()


@shared_task(name="claims.tasks.claim_match_refresh", acks_late=True, ignore_result=True)
def claim_match_refresh(claim_id: int) -> None:
    """Compute and keep a claim's earlier fact-checks (claim memory)."""
    matching.claim_matches_refresh(claim_id=claim_id)
