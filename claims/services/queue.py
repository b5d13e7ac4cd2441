"""The one way services start background work: a Celery task, by name, sent once the current
transaction commits (never for a row that was rolled back). Services never import claims.tasks;
the routes to queues are settings (CELERY_TASK_ROUTES)."""

from __future__ import annotations

from celery import current_app
from django.db import transaction

SOURCE_FETCH = "claims.tasks.source_fetch"
SOURCE_LINK_CHECK = "claims.tasks.source_link_check"
ARTICLE_FETCH = "claims.tasks.article_fetch"
EVENT_DISPATCH = "claims.tasks.event_dispatch"
WEBHOOK_DELIVER = "claims.tasks.webhook_deliver"


def enqueue(task_name: str, *args, robust: bool = False, **options) -> None:
    """Send the task ``task_name`` with these arguments after commit (at once outside a transaction).

    ``robust``: a broker error is logged, not raised, for work a sweep recovers (the outbox).
    """
    transaction.on_commit(
        lambda: current_app.send_task(task_name, args=list(args), **options), robust=robust
    )
