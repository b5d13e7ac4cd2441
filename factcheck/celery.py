"""The Celery application, configured from Django settings (the CELERY_ namespace)."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect(weak=False, dispatch_uid="factcheck.celery.own_queues")
def _own_queues(sender, **kwargs) -> None:
    """The queues of claims.services.queue.OWN_QUEUES: their tasks routed there (before the
    settings' CELERY_TASK_ROUTES), and consumed with the default queue by every worker that is not
    given -Q (`make run`, the compose workers, the test worker)."""
    from kombu import Exchange, Queue

    from claims.services import queue

    conf = sender.conf
    routes = conf.task_routes
    conf.task_routes = (queue.route, *([routes] if routes else []))
    default = Queue(
        conf.task_default_queue,
        Exchange(conf.task_default_exchange or conf.task_default_queue),
        routing_key=conf.task_default_routing_key or conf.task_default_queue,
    )
    # Each with its own exchange and routing key: a message bound for one never reaches another.
    own = [
        Queue(name, Exchange(name), routing_key=name)
        for name in sorted(set(queue.OWN_QUEUES.values()))
    ]
    conf.task_queues = [default, *own]


@task_prerun.connect(weak=False, dispatch_uid="factcheck.celery.db_connections_prerun")
@task_postrun.connect(weak=False, dispatch_uid="factcheck.celery.db_connections_postrun")
def _close_old_db_connections(sender=None, **kwargs) -> None:
    """Around each task, what Django does around each request: drop this thread's database
    connection if it is broken or older than CONN_MAX_AGE, keep it otherwise (settings:
    CELERY_DB_REUSE_MAX stops Celery's fixup from closing it every time). Not for a task run
    eagerly (apply(), tests): it runs inside the caller's connection and transaction."""
    from django.db import close_old_connections

    if sender is None or getattr(sender.request, "is_eager", False):
        return

    close_old_connections()
