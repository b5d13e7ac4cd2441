"""The one way services start background work: a Celery task, by name, sent once the current
transaction commits (never for a row that was rolled back). Services never import claims.tasks;
the routes to queues are settings (CELERY_TASK_ROUTES): network I/O on the fetch queue (a thread
pool), parsing on the parse queue (a prefork pool with time and memory limits); the queues named
here (``OWN_QUEUES``) are routed by factcheck/celery.py and consumed by every worker.

A broker that does not answer is logged, not raised: the write has committed and its row is left
pending, so the sweepers (fetch.source_sweep, ingest.article_sweep, webhooks.outbox_sweep) send
it again once it answers.
"""

from __future__ import annotations

import logging

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError as KombuOperationalError

logger = logging.getLogger(__name__)

SOURCE_FETCH = "claims.tasks.source_fetch"
SOURCE_PARSE = "claims.tasks.source_parse"
SOURCE_LINK_CHECK = "claims.tasks.source_link_check"
SOURCE_LINK_CHECK_PARSE = "claims.tasks.source_link_check_parse"
ARTICLE_FETCH = "claims.tasks.article_fetch"
ARTICLE_PARSE = "claims.tasks.article_parse"
ARTICLE_EXTRACT = "claims.tasks.article_extract"
ARTICLE_REFETCH = "claims.tasks.article_refetch"
ARTICLE_REFETCH_PARSE = "claims.tasks.article_refetch_parse"
EVIDENCE_CHECK_QUOTE = "claims.tasks.evidence_check_quote"
EVENT_DISPATCH = "claims.tasks.event_dispatch"
WEBHOOK_DELIVER = "claims.tasks.webhook_deliver"
NOTIFICATION_EMAIL = "claims.tasks.notification_email"
CLAIM_MATCH_REFRESH = "claims.tasks.claim_match_refresh"

# Tasks with a queue of their own. Claim matching is CPU-bound (a re-rank, embeddings): on its own
# queue a burst of it never delays fetches and webhooks, nor they it, and a deployment can give it
# dedicated workers (`celery -A factcheck worker -Q matching`). A worker started without -Q
# consumes these queues besides the default one (factcheck/celery.py).
MATCHING_QUEUE = "matching"
OWN_QUEUES = {CLAIM_MATCH_REFRESH: MATCHING_QUEUE}


def route(name, args, kwargs, options, task=None, **kw):
    """Celery router (factcheck/celery.py): the tasks of ``OWN_QUEUES`` to their queue."""
    queue = OWN_QUEUES.get(name)
    return {"queue": queue} if queue else None


def enqueue(task_name: str, *args, **options) -> None:
    """Send the task ``task_name`` with these arguments after commit (at once outside a transaction)."""
    transaction.on_commit(lambda: _send_or_log(task_name, args, options))


def _send_or_log(task_name: str, args: tuple, options: dict) -> None:
    # No time limits in the message: send_task would copy the sender's (its settings' defaults),
    # and the limits are the consuming worker's, from its own settings (PARSE_*_TIME_LIMIT_SECONDS).
    options = {"time_limit": None, "soft_time_limit": None} | options
    try:
        current_app.send_task(task_name, args=list(args), **options)
    except (KombuOperationalError, OSError) as exc:
        logger.warning("broker unavailable, %s%s left to the sweeper: %s", task_name, args, exc)
