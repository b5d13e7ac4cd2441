"""The worker keeps its database connections between tasks, as the web server does per request."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from django.db import connection

from factcheck.celery import _close_old_db_connections, app

pytestmark = pytest.mark.django_db(transaction=True)


def _task(eager: bool):
    return SimpleNamespace(request=SimpleNamespace(is_eager=eager))


def test_celerys_django_fixup_does_not_close_connections_around_every_task():
    assert app.conf.get("CELERY_DB_REUSE_MAX") >= 100_000


def test_a_task_boundary_keeps_a_healthy_young_connection():
    connection.ensure_connection()
    before = connection.connection
    _close_old_db_connections(sender=_task(eager=False))
    assert connection.connection is before


def test_a_task_boundary_drops_a_connection_past_conn_max_age():
    connection.ensure_connection()
    connection.close_at = time.monotonic() - 1
    _close_old_db_connections(sender=_task(eager=False))
    assert connection.connection is None


def test_an_eager_task_leaves_the_callers_connection_alone():
    connection.ensure_connection()
    connection.close_at = time.monotonic() - 1
    before = connection.connection
    _close_old_db_connections(sender=_task(eager=True))
    assert connection.connection is before
