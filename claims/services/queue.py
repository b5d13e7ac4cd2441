"""The one way services start background work: a Celery task, by name, sent once the current
transaction commits (never for a row that was rolled back). Services never import claims.tasks;
the routes to queues are settings (CELERY_TASK_ROUTES).

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
SOURCE_LINK_CHECK = "claims.tasks.source_link_check"
ARTICLE_FETCH = "claims.tasks.article_fetch"
ARTICLE_EXTRACT = "claims.tasks.article_extract"
EVIDENCE_CHECK_QUOTE = "claims.tasks.evidence_check_quote"
EVENT_DISPATCH = "claims.tasks.event_dispatch"
WEBHOOK_DELIVER = "claims.tasks.webhook_deliver"
NOTIFICATION_EMAIL = "claims.tasks.notification_email"
CLAIM_MATCH_REFRESH = "claims.tasks.claim_match_refresh"


def enqueue(task_name: str, *args, **options) -> None:
    """Send the task ``task_name`` with these arguments after commit (at once outside a transaction)."""
    transaction.on_commit(lambda: _send_or_log(task_name, args, options))


def _send_or_log(task_name: str, args: tuple, options: dict) -> None:
    try:
        current_app.send_task(task_name, args=list(args), **options)
    except (KombuOperationalError, OSError) as exc:
        logger.warning("broker unavailable, %s%s left to the sweeper: %s", task_name, args, exc)
