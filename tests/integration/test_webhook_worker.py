"""Webhook delivery through a real broker and a real Celery worker process: a change commits, the
worker dispatches and signs, a loopback receiver verifies; retries and a SIGKILL lose nothing.

The worker consumes its own queue, so no other worker in the session takes these tasks, and has
the network guard (tests/worker_guard) loaded.
"""

from __future__ import annotations

import signal
import time
import uuid

import pytest
from cryptography.fernet import Fernet
from django.db import transaction
from standardwebhooks.webhooks import Webhook as Verifier

from claims.models import Notification, WebhookDelivery
from claims.services import webhooks
from claims.services.claims import claim_assign
from tests.conftest import own_worker, routed_tasks, worker_env, workers_running
from tests.factories import ClaimFactory, EditorFactory, ReviewerFactory
from tests.receiver import Receiver

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

LEASE_SECONDS = 4
GRACE_SECONDS = 2
# The worker reads the keys of the webhook secrets from its environment (new first, old after).
NEW_KEY, OLD_KEY, LOST_KEY = (Fernet.generate_key().decode() for _ in range(3))
TASKS = (
    "claims.tasks.event_dispatch",
    "claims.tasks.webhook_deliver",
    "claims.tasks.outbox_sweep",
    "claims.tasks.worker_heartbeat",
)


@pytest.fixture(scope="module")
def receiver():
    server = Receiver("127.0.0.2")
    yield server
    server.close()


@pytest.fixture(scope="module")
def hook_queue():
    return f"hooks-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def routed(hook_queue):
    with routed_tasks(dict.fromkeys(TASKS, hook_queue)):
        yield


@pytest.fixture(scope="module")
def hook_worker(django_db_setup, django_db_blocker, tmp_path_factory, receiver, hook_queue, routed):
    env = worker_env(
        SOURCE_FETCH_QUEUE=hook_queue,
        SOURCE_FETCH_ALLOWED_NETWORKS="127.0.0.2/32",
        SOURCE_FETCH_ALLOWED_PORTS=str(receiver.port),
        WEBHOOK_RETRY_BASE_SECONDS="1",
        WEBHOOK_LEASE_SECONDS=str(LEASE_SECONDS),
        WEBHOOK_SWEEP_GRACE_SECONDS=str(GRACE_SECONDS),
        WEBHOOK_TIMEOUT_SECONDS="3",
        WEBHOOK_SECRET_KEYS=f"{NEW_KEY},{OLD_KEY}",
    )
    args = ["--pool=threads", "--concurrency=10", "-Q", hook_queue]
    worker = own_worker(tmp_path_factory, "hooks", env, args)
    with workers_running(django_db_blocker, worker):
        yield worker


@pytest.fixture(autouse=True)
def hook_settings(settings, receiver):
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    settings.SOURCE_FETCH_ALLOWED_PORTS = [receiver.port]
    settings.WEBHOOK_LEASE_SECONDS = LEASE_SECONDS
    settings.WEBHOOK_SWEEP_GRACE_SECONDS = GRACE_SECONDS
    settings.WEBHOOK_SECRET_KEYS = [NEW_KEY, OLD_KEY]
    receiver.received.clear()
    receiver.statuses = []
    receiver.delay = 0.0


def wait_for(predicate, timeout=60.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def assign(editor, assignee=None) -> None:
    with transaction.atomic():
        claim_assign(actor=editor, claim=ClaimFactory(), assignee=assignee or ReviewerFactory())


def test_a_committed_change_reaches_the_receiver_signed(hook_worker, receiver):
    editor, assignee = EditorFactory(), ReviewerFactory()
    hook = webhooks.webhook_create(actor=editor, url=receiver.url("/one"), events=["*"])
    assign(editor, assignee)
    # The worker writes the inbox line too (the request wrote only the event).
    assert wait_for(lambda: Notification.objects.filter(recipient=assignee).count() == 1)
    assert wait_for(lambda: len(receiver.received) == 1)
    headers, body = receiver.received[0]
    assert Verifier(hook.secret).verify(body, headers)["type"] == "claim.assigned"
    assert wait_for(lambda: WebhookDelivery.objects.filter(status="delivered").count() == 1)


def test_a_secret_the_workers_keys_cannot_read_fails_alone_and_the_worker_goes_on(
    hook_worker, receiver, settings
):
    editor = EditorFactory()
    settings.WEBHOOK_SECRET_KEYS = [OLD_KEY]  # still among the worker's keys, second
    old = webhooks.webhook_create(actor=editor, url=receiver.url("/old"), events=["*"])
    settings.WEBHOOK_SECRET_KEYS = [LOST_KEY]  # a key the worker does not have
    lost = webhooks.webhook_create(actor=editor, url=receiver.url("/lost"), events=["*"])
    settings.WEBHOOK_SECRET_KEYS = [NEW_KEY, OLD_KEY]
    assign(editor)
    failed = WebhookDelivery.objects.filter(webhook=lost, status="failed")
    assert wait_for(failed.exists)
    assert failed.get().error.startswith("secret_unreadable: ")
    assert failed.get().attempts == 1
    assert wait_for(lambda: WebhookDelivery.objects.filter(status="delivered").count() == 1)
    assign(editor)  # the worker is still there, and delivers the next one
    assert wait_for(lambda: WebhookDelivery.objects.filter(status="delivered").count() == 2)
    assert len(receiver.received) == 2
    for headers, body in receiver.received:
        assert Verifier(old.secret).verify(body, headers)["type"] == "claim.assigned"
    assert wait_for(lambda: failed.count() == 2)
    time.sleep(2)  # the retries' base is 1 s here: a retry would have come by now
    assert list(WebhookDelivery.objects.filter(webhook=lost).values_list("status", "attempts")) == [
        ("failed", 1),
        ("failed", 1),
    ]


def test_three_500s_then_the_fourth_try_delivers_with_backoff(hook_worker, receiver):
    receiver.statuses = [500, 500, 500]
    editor = EditorFactory()
    webhooks.webhook_create(actor=editor, url=receiver.url("/flaky"), events=["claim.assigned"])
    assign(editor)
    assert wait_for(lambda: WebhookDelivery.objects.filter(status="delivered").exists(), 30)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.attempts, delivery.response_code) == (4, 204)
    assert len(set(receiver.ids())) == 1 and len(receiver.received) == 4


def test_a_worker_killed_during_100_deliveries_loses_none(hook_worker, receiver, settings):
    receiver.delay = 0.1
    settings.WEBHOOK_MAX_COUNT = 100  # one event, a hundred webhooks
    editor = EditorFactory()
    for n in range(100):
        webhooks.webhook_create(actor=editor, url=receiver.url(f"/kill/{n}"), events=["*"])
    assign(editor)
    assert wait_for(lambda: len(receiver.received) >= 10)
    hook_worker.kill(signal.SIGKILL)
    assert WebhookDelivery.objects.exclude(status="delivered").exists(), "killed too late"
    hook_worker.start()
    hook_worker.wait_until_consuming()

    def all_delivered() -> bool:
        webhooks.outbox_sweep()  # the beat's job, run here on the test's clock
        return WebhookDelivery.objects.filter(status="delivered").count() == 100

    assert wait_for(all_delivered, timeout=90, interval=1.0)
    ids = receiver.ids()
    assert len(set(ids)) == 100  # every delivery arrived; duplicates allowed, none lost
    assert len(ids) >= 100
