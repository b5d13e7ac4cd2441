"""Celery tasks: ids in, one service call, retry policy in the decorator."""

from __future__ import annotations

import socket

from celery import shared_task

from claims.models import WorkerHeartbeat


@shared_task(name="claims.tasks.worker_heartbeat", ignore_result=True)
def worker_heartbeat(token: str = "") -> None:
    """Record that a worker is alive and consuming; the token identifies who asked."""
    hostname = socket.gethostname()
    WorkerHeartbeat.objects.update_or_create(
        token=token or f"periodic:{hostname}", defaults={"hostname": hostname}
    )


# Placeholder until the fetching work lands (it replaces this with the real fetch): the enqueue
# from evidence_add is real, and a worker that consumes it logs that it ran.
@shared_task(name="claims.tasks.source_fetch", ignore_result=True)
def source_fetch(source_id: int) -> None:
    """Fetch a source (placeholder: logs that the task ran)."""
    import logging

    logging.getLogger(__name__).info("source_fetch ran for source %s (placeholder)", source_id)
