"""The Celery application, configured from Django settings (the CELERY_ namespace)."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
