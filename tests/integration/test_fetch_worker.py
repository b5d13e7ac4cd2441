"""Source fetching through a real broker and a real Celery worker process.

The worker consumes its own queue (SOURCE_FETCH_QUEUE) so no other worker in the session can take
these tasks, runs with the thread pool the fetch queue is meant for, and has the network guard
(tests/worker_guard) loaded at start-up.
"""

from __future__ import annotations

import signal
import time
import uuid

import pytest
from django.db.models import Count

from claims.models import Source, SourceSnapshot
from claims.services import fetch
from claims.tasks import source_fetch, source_sweep
from tests.conftest import own_worker, routed_tasks, worker_env, workers_running
from tests.factories import EditorFactory, SourceFactory
from tests.sites import LocalSite, send

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

LEASE_SECONDS = 4
PAGE = (
    "<html><head><title>Page {n}</title></head><body><article><p>{text}</p></article></body></html>"
)


@pytest.fixture(scope="module")
def site():
    server = LocalSite("127.0.0.2")
    flaky_counts: dict[str, int] = {}

    def handler(h):
        path = h.path.split("?", 1)[0]
        if path.startswith("/slow/"):
            time.sleep(0.5)
        elif path.startswith("/flaky/"):
            flaky_counts[path] = flaky_counts.get(path, 0) + 1
            if flaky_counts[path] <= 2:
                send(h, 503, b"busy", "text/plain")
                return
        elif path.startswith("/throttled/"):
            flaky_counts[path] = flaky_counts.get(path, 0) + 1
            if flaky_counts[path] == 1:
                send(h, 429, b"later", "text/plain", {"Retry-After": "2"})
                return
        elif path.startswith("/missing/"):
            send(h, 404, b"no", "text/plain")
            return
        text = f"Paragraph for {path}. " * 20
        send(h, 200, PAGE.format(n=path, text=text).encode(), "text/html; charset=utf-8")

    server.default = handler
    yield server
    server.close()


@pytest.fixture(scope="module")
def fetch_queue():
    return f"fetch-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def routed(fetch_queue):
    """Send this module's tasks to the test worker's own queue."""
    tasks = ("claims.tasks.source_fetch", "claims.tasks.worker_heartbeat")
    with routed_tasks(dict.fromkeys(tasks, fetch_queue)):
        yield


@pytest.fixture(scope="module")
def fetch_worker(django_db_setup, django_db_blocker, tmp_path_factory, site, fetch_queue, routed):
    env = worker_env(
        SOURCE_FETCH_QUEUE=fetch_queue,
        PARSE_QUEUE=fetch_queue,  # this worker parses what it fetched (the limits: test_parse_limits)
        PARSE_LEASE_SECONDS=str(LEASE_SECONDS),
        SOURCE_FETCH_ALLOWED_NETWORKS="127.0.0.2/32",
        SOURCE_FETCH_ALLOWED_PORTS=str(site.port),
        SOURCE_FETCH_LEASE_SECONDS=str(LEASE_SECONDS),
        SOURCE_FETCH_RETRY_BASE_SECONDS="1",
        SOURCE_FETCH_TOTAL_TIMEOUT="3",
    )
    args = ["--pool=threads", "--concurrency=20", "-Q", fetch_queue]
    worker = own_worker(tmp_path_factory, "fetch", env, args)
    with workers_running(django_db_blocker, worker):
        yield worker


@pytest.fixture(autouse=True)
def lease(settings):
    settings.SOURCE_FETCH_LEASE_SECONDS = LEASE_SECONDS
    settings.SOURCE_FETCH_PENDING_GRACE_SECONDS = LEASE_SECONDS


def wait_for(predicate, timeout=30.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def settled(ids) -> bool:
    return not Source.objects.filter(pk__in=ids, fetch_status__in=["pending", "fetching"]).exists()


def new_source(site, path) -> Source:
    return SourceFactory(url=site.url(path), normalized_url=site.url(path))


def test_transient_errors_are_retried_with_growing_backoff(fetch_worker, site):
    source = new_source(site, "/flaky/1")
    source_fetch.delay(source.pk)
    assert wait_for(lambda: settled([source.pk]))
    source.refresh_from_db()
    assert (source.fetch_status, source.attempts) == ("fetched", 3)
    times = [t for p, t in zip(site.hits, site.times, strict=True) if p == "/flaky/1"]
    first_gap, second_gap = times[1] - times[0], times[2] - times[1]
    assert 0.5 <= first_gap < 2.0  # base 1 s, jitter in [0.5, 1]
    assert 1.0 <= second_gap < 3.5  # doubled: [1, 2]


def test_429_waits_at_least_retry_after(fetch_worker, site):
    source = new_source(site, "/throttled/1")
    source_fetch.delay(source.pk)
    assert wait_for(lambda: settled([source.pk]))
    times = [t for p, t in zip(site.hits, site.times, strict=True) if p == "/throttled/1"]
    assert len(times) == 2 and times[1] - times[0] >= 2.0
    assert Source.objects.get(pk=source.pk).fetch_status == "fetched"


def test_permanent_errors_are_not_retried(fetch_worker, site):
    source = new_source(site, "/missing/1")
    source_fetch.delay(source.pk)
    assert wait_for(lambda: settled([source.pk]))
    time.sleep(1.5)  # a retry, if any, would come within this time
    source.refresh_from_db()
    assert (source.fetch_status, source.error_code, source.attempts) == ("failed", "http_404", 1)
    assert site.hits_to("/missing/1") == 1


def test_the_same_task_delivered_five_times_at_once_fetches_once(fetch_worker, site):
    source = new_source(site, "/slow/dup")
    for _ in range(5):
        source_fetch.delay(source.pk)
    assert wait_for(lambda: settled([source.pk]))
    time.sleep(1.0)  # let the duplicates finish
    assert site.hits_to("/slow/dup") == 1
    assert SourceSnapshot.objects.filter(source=source).count() == 1


def test_a_worker_killed_mid_batch_leaves_nothing_stuck(fetch_worker, site):
    ids = [new_source(site, f"/slow/batch-{n}").pk for n in range(50)]
    for source_id in ids:
        source_fetch.delay(source_id)
    # Kill once the first pages are archived and others are in flight.
    assert wait_for(lambda: Source.objects.filter(pk__in=ids, fetch_status="fetched").count() >= 5)
    fetch_worker.kill(signal.SIGKILL)
    in_flight = Source.objects.filter(pk__in=ids, fetch_status="fetching").count()
    assert not settled(ids), "the kill came too late to test anything"
    fetch_worker.start()
    fetch_worker.wait_until_consuming()

    # Beat would run the sweeper every minute; here it runs as soon as leases can have expired.
    def swept_and_settled():
        source_sweep.apply()
        return settled(ids)

    assert wait_for(swept_and_settled, timeout=90, interval=1.0), list(
        Source.objects.filter(pk__in=ids).values_list("fetch_status", "lease_expires_at")
    )
    states = dict(
        Source.objects.filter(pk__in=ids)
        .values_list("fetch_status")
        .annotate(n=Count("id"))
        .values_list("fetch_status", "n")
    )
    assert set(states) <= {"fetched", "failed"}
    assert not Source.objects.filter(pk__in=ids, fetch_status="failed", error_code="").exists()
    snapshots = dict(
        SourceSnapshot.objects.filter(source_id__in=ids)
        .values_list("source_id")
        .annotate(n=Count("id"))
        .values_list("source_id", "n")
    )
    fetched = set(
        Source.objects.filter(pk__in=ids, fetch_status="fetched").values_list("pk", flat=True)
    )
    assert set(snapshots) == fetched and set(snapshots.values()) == {1}
    lost = Source.objects.filter(pk__in=ids, worker_losses__gt=0).count()
    print(
        f"killed with {in_flight} in flight; {lost} sources recorded a lost worker; final {states}"
    )


def test_a_refetch_request_reaches_the_fetch_worker(fetch_worker, site):
    source = new_source(site, "/slow/refetched")
    Source.objects.filter(pk=source.pk).update(
        fetch_status="failed", error_code="timeout", attempts=5
    )
    fetch.source_refetch(actor=EditorFactory(), source=source)
    assert wait_for(lambda: settled([source.pk]))
    assert Source.objects.get(pk=source.pk).fetch_status == "fetched"
