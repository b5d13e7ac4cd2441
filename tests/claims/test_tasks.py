"""A real round trip: enqueue on commit, a worker process consumes, the database shows it."""

import time
import uuid

import pytest
from django.db import transaction

from claims.models import WorkerHeartbeat
from claims.tasks import worker_heartbeat

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def wait_for(predicate, timeout=30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_a_task_enqueued_on_commit_runs_in_the_worker(celery_worker_process):
    token = f"round-trip-{uuid.uuid4()}"
    with transaction.atomic():
        transaction.on_commit(lambda: worker_heartbeat.delay(token))
        time.sleep(1)  # a worker would have had time to run it if it had been sent early
        assert not WorkerHeartbeat.objects.filter(token=token).exists()
    assert wait_for(lambda: WorkerHeartbeat.objects.filter(token=token).exists())


def test_a_rolled_back_transaction_enqueues_nothing(celery_worker_process):
    rolled_back = f"rolled-back-{uuid.uuid4()}"
    committed = f"committed-{uuid.uuid4()}"
    with pytest.raises(RuntimeError), transaction.atomic():
        transaction.on_commit(lambda: worker_heartbeat.delay(rolled_back))
        raise RuntimeError("abort")
    with transaction.atomic():
        transaction.on_commit(lambda: worker_heartbeat.delay(committed))
    # Tasks run in order of arrival on one queue; once the later one ran, the earlier would have.
    assert wait_for(lambda: WorkerHeartbeat.objects.filter(token=committed).exists())
    assert not WorkerHeartbeat.objects.filter(token=rolled_back).exists()
