"""The parse queue's limits, with real workers: a page whose parse does not end is stopped, the
object records why, and the other fetches go on.

The looping page is a real input, not a test hook: one table row of 40,000 cells, which trafilatura
reads in time that grows with the square of the cells (about 20 s here; 100,000 cells took 56 s).
Three worker processes, each on queues of its own so no other worker in the session takes these
tasks: the fetch worker (thread pool, as in production) and two prefork parse workers, one with a
hard time limit only (the parser is killed) and one with a soft limit (the parser is stopped).
"""

from __future__ import annotations

import time
import uuid

import pytest

from claims.fetching import FetchResult
from claims.models import Article, Source
from claims.services import fetch, queue
from claims.tasks import article_fetch, article_refetch, source_fetch
from tests.conftest import own_worker, routed_tasks, worker_env, workers_running
from tests.factories import SourceFactory
from tests.sites import LocalSite, send

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

HARD_LIMIT = 3
SOFT_LIMIT = 2
CELLS = 40_000
LOOPING_PAGE = (
    "<html><head><title>One long row</title></head><body><table><tr>"
    + "<td>x</td>" * CELLS
    + "</tr></table></body></html>"
)
PAGE = (
    "<html><head><title>Page {n}</title></head><body><article><p>{text}</p></article></body></html>"
)


@pytest.fixture(scope="module")
def site():
    server = LocalSite("127.0.0.1")

    def handler(h):
        path = h.path.split("?", 1)[0]
        if path.startswith("/looping/"):
            send(h, 200, LOOPING_PAGE.encode(), "text/html; charset=utf-8")
            return
        text = f"The minister said on Tuesday that {len(path)} schools had opened. " * 10
        send(h, 200, PAGE.format(n=path, text=text).encode(), "text/html; charset=utf-8")

    server.default = handler
    yield server
    server.close()


@pytest.fixture(scope="module")
def queues():
    tag = uuid.uuid4().hex[:8]
    return {"fetch": f"fetch-{tag}", "parse": f"parse-{tag}", "soft": f"parse-soft-{tag}"}


@pytest.fixture(scope="module")
def routed(queues):
    """The test process sends fetches to the fetch worker's queue; the fetch worker sends parses
    to its PARSE_QUEUE, the hard-limit worker's."""
    routes = {
        "claims.tasks.source_fetch": queues["fetch"],
        "claims.tasks.article_fetch": queues["fetch"],
        "claims.tasks.article_refetch": queues["fetch"],
        "claims.tasks.source_parse": queues["soft"],
        "claims.tasks.worker_heartbeat": queues["fetch"],
    }
    with routed_tasks(routes):
        yield


def _worker(tmp_path_factory, site, queues, name, env_extra, args):
    env = worker_env(
        SOURCE_FETCH_QUEUE=queues["fetch"],
        PARSE_QUEUE=queues["parse"],
        SOURCE_FETCH_ALLOWED_NETWORKS="127.0.0.1/32",
        SOURCE_FETCH_ALLOWED_PORTS=str(site.port),
        **env_extra,
    )
    return own_worker(tmp_path_factory, name, env, args)


@pytest.fixture(scope="module")
def workers(django_db_setup, django_db_blocker, tmp_path_factory, site, queues, routed):
    fetcher = _worker(
        tmp_path_factory,
        site,
        queues,
        "fetcher",
        {},
        ["--pool=threads", "--concurrency=4", "-Q", queues["fetch"]],
    )
    # Hard limit only: nothing asks the parser to stop, the worker kills it.
    hard = _worker(
        tmp_path_factory,
        site,
        queues,
        "parse-hard",
        {"PARSE_SOFT_TIME_LIMIT_SECONDS": "0", "PARSE_TIME_LIMIT_SECONDS": str(HARD_LIMIT)},
        ["--pool=prefork", "--concurrency=2", "-Q", queues["parse"]],
    )
    soft = _worker(
        tmp_path_factory,
        site,
        queues,
        "parse-soft",
        {"PARSE_SOFT_TIME_LIMIT_SECONDS": str(SOFT_LIMIT), "PARSE_TIME_LIMIT_SECONDS": "60"},
        ["--pool=prefork", "--concurrency=1", "-Q", queues["soft"]],
    )
    with workers_running(django_db_blocker, fetcher, hard, soft):
        yield {"fetcher": fetcher, "hard": hard, "soft": soft}


def wait_for(predicate, timeout=60.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def settled(ids) -> bool:
    return not Source.objects.filter(pk__in=ids, fetch_status__in=["pending", "fetching"]).exists()


def test_a_looping_page_is_killed_at_the_hard_limit_while_other_fetches_complete(workers, site):
    looping = SourceFactory(url=site.url("/looping/1"), normalized_url=site.url("/looping/1"))
    source_fetch.delay(looping.pk)
    # The looping parse holds one of the two parse processes; the others go through the second.
    time.sleep(0.5)
    others = [
        SourceFactory(url=site.url(f"/ok/{n}"), normalized_url=site.url(f"/ok/{n}")).pk
        for n in range(6)
    ]
    for source_id in others:
        source_fetch.delay(source_id)
    assert wait_for(lambda: settled([looping.pk, *others]), timeout=90), list(
        Source.objects.filter(pk__in=[looping.pk, *others]).values_list("pk", "fetch_status")
    )
    looping.refresh_from_db()
    assert (looping.fetch_status, looping.error_code) == ("failed", "parse_killed")
    assert f"within {HARD_LIMIT} s" in looping.error_message
    assert looping.lease_expires_at is None
    finished = Source.objects.filter(pk__in=others)
    assert set(finished.values_list("fetch_status", flat=True)) == {"fetched"}
    # They completed while the looping page was still being parsed, not after it was killed.
    assert max(finished.values_list("fetched_at", flat=True)) < looping.updated_at
    log = workers["hard"].log_path.read_text()
    assert f"Hard time limit ({HARD_LIMIT}s) exceeded for claims.tasks.source_parse" in log

    # The worker replaced the killed process and parses on.
    again = SourceFactory(url=site.url("/ok/after"), normalized_url=site.url("/ok/after"))
    source_fetch.delay(again.pk)
    assert wait_for(lambda: settled([again.pk]))
    assert Source.objects.get(pk=again.pk).fetch_status == "fetched"


def test_a_looping_article_page_fails_the_article_with_the_code(workers, site):
    article = Article.objects.create(
        title="x", url=site.url("/looping/article"), ingest_status="pending"
    )
    article_fetch.delay(article.pk)

    def done():
        return Article.objects.get(pk=article.pk).ingest_status not in ("pending", "fetching")

    assert wait_for(done, timeout=60)
    article.refresh_from_db()
    assert article.ingest_status == "failed"
    assert article.ingest_error.startswith("parse_killed:")


def test_a_scheduled_refetch_of_a_looping_page_records_the_code_and_keeps_the_article(
    workers, site
):
    body = "The minister said on Tuesday that 12 schools had opened."
    article = Article.objects.create(title="Schools", url=site.url("/looping/refetch"), body=body)
    article_refetch.delay(article.pk)
    assert wait_for(lambda: Article.objects.get(pk=article.pk).refetch_error != "", timeout=60)
    article.refresh_from_db()
    assert article.refetch_error.startswith("parse_killed:")
    assert (article.body, article.revision, article.ingest_status) == (body, 1, "ready")
    log = workers["hard"].log_path.read_text()
    assert f"Hard time limit ({HARD_LIMIT}s) exceeded for claims.tasks.article_refetch_parse" in log


def test_the_soft_limit_stops_the_parser_and_records_parse_timeout(workers, site):
    source = SourceFactory(url=site.url("/looping/2"), normalized_url=site.url("/looping/2"))
    # As source_fetch leaves it: fetching under a lease, the page handed to the parse queue.
    result = FetchResult(
        requested_url=source.url,
        final_url=source.url,
        status_code=200,
        content_type="text/html",
        charset="utf-8",
        body=LOOPING_PAGE.encode(),
    )
    Source.objects.filter(pk=source.pk).update(fetch_status="fetching", attempts=1)
    started = time.monotonic()
    # Through the one enqueue, as source_fetch sends it: the limits are the parse worker's.
    queue.enqueue(queue.SOURCE_PARSE, source.pk, fetch.page_payload(result))
    assert wait_for(lambda: settled([source.pk]), timeout=60)
    source.refresh_from_db()
    assert (source.fetch_status, source.error_code) == ("failed", "parse_timeout")
    assert time.monotonic() - started < 30  # stopped near its 2 s, not run to its end
    log = workers["soft"].log_path.read_text()
    assert "Soft time limit (2s) exceeded for claims.tasks.source_parse" in log
    assert "Hard time limit" not in log
