"""The scheduled re-fetch of articles (issue 20) through a real broker and a real Celery worker:
the beat's task finds the articles due, the worker fetches each from a local site (127.0.0.3)
and records a revision, with its claims re-anchored, only when the extracted text changed."""

from __future__ import annotations

import time
import uuid

import pytest
from django.utils import timezone

from claims.models import Article, ArticleRevision, Claim
from claims.services.claims import claim_create
from claims.tasks import article_refetch_due
from tests.conftest import own_worker, routed_tasks, worker_env, workers_running
from tests.factories import ReviewerFactory
from tests.sites import LocalSite, send

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

LEAD = "The minister said unemployment fell to 4.2 percent in March, the lowest in a decade."
REST = "Critics replied that wages have not kept pace with inflation since 2019."
PAGE = "<html><head><title>Jobs</title></head><body><article>{paragraphs}</article></body></html>"


def page(*paragraphs: str) -> bytes:
    return PAGE.format(paragraphs="".join(f"<p>{p}</p>" for p in paragraphs)).encode()


@pytest.fixture(scope="module")
def site():
    server = LocalSite("127.0.0.3")
    server.pages = {}

    def handler(h):
        body = server.pages.get(h.path.split("?", 1)[0])
        if body is None:
            send(h, 404, b"no", "text/plain")
        else:
            send(h, 200, body, "text/html; charset=utf-8")

    server.default = handler
    yield server
    server.close()


@pytest.fixture(scope="module")
def queue_name():
    return f"refetch-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def routed(queue_name):
    tasks = (
        "claims.tasks.article_refetch_due",
        "claims.tasks.article_refetch",
        "claims.tasks.article_extract",
        "claims.tasks.event_dispatch",
        "claims.tasks.claim_match_refresh",
        "claims.tasks.worker_heartbeat",
    )
    with routed_tasks(dict.fromkeys(tasks, queue_name)):
        yield


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, tmp_path_factory, site, queue_name, routed):
    """As in production: a thread-pool worker fetches (the test's queue), a prefork worker reads
    the pages under the parse queue's limits (its own queue, the workers' PARSE_QUEUE)."""
    env = worker_env(
        SOURCE_FETCH_QUEUE=queue_name,
        PARSE_QUEUE=f"{queue_name}-parse",
        SOURCE_FETCH_ALLOWED_NETWORKS="127.0.0.3/32",
        SOURCE_FETCH_ALLOWED_PORTS=str(site.port),
        SOURCE_FETCH_TOTAL_TIMEOUT="5",
        ARTICLE_REFETCH_INTERVAL_HOURS="24",
    )
    fetcher = own_worker(
        tmp_path_factory, "refetch", env, ["--pool=threads", "--concurrency=4", "-Q", queue_name]
    )
    parser = own_worker(
        tmp_path_factory,
        "refetch-parse",
        env,
        ["--pool=prefork", "--concurrency=1", "-Q", f"{queue_name}-parse"],
    )
    with workers_running(django_db_blocker, fetcher, parser):
        yield {"fetch": fetcher, "parse": parser}


def wait_for(predicate, timeout=40.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def test_the_scheduled_refetch_records_a_revision_only_when_the_text_changed(worker, site):
    site.pages["/jobs"] = page(LEAD, REST)
    reviewer = ReviewerFactory()
    # the article as first fetched: the same extraction the worker will run
    from claims.fetching import extract

    text = extract(page(LEAD, REST), "text/html", charset="utf-8", url=site.url("/jobs")).text
    article = Article.objects.create(title="Jobs", url=site.url("/jobs"), body=text)
    quote = "wages have not kept pace with inflation since 2019"
    at = text.index(quote)
    claim = claim_create(actor=reviewer, article=article, start=at, end=at + len(quote))
    not_due = Article.objects.create(title="No URL", body="Plain text, no URL to fetch.")

    # 1. unchanged page: the worker fetches it, records nothing, marks it fetched
    article_refetch_due.delay()
    assert wait_for(lambda: Article.objects.get(pk=article.pk).refetched_at is not None)
    assert wait_for(lambda: site.hits_to("/jobs") >= 1)
    time.sleep(1.0)  # the fetch's outcome is written after the request
    assert not ArticleRevision.objects.filter(article=article).exists()
    assert Article.objects.get(pk=not_due.pk).refetched_at is None

    # 2. not due again before the interval: a second sweep fetches nothing
    hits = site.hits_to("/jobs")
    article_refetch_due.delay()
    time.sleep(2.0)
    assert site.hits_to("/jobs") == hits

    # 3. the publisher adds a paragraph at the top; the article is due again
    site.pages["/jobs"] = page("Update: figures revised on Friday.", LEAD, REST)
    Article.objects.filter(pk=article.pk).update(refetched_at=None)
    article_refetch_due.delay()
    assert wait_for(lambda: ArticleRevision.objects.filter(article=article, number=2).exists())
    revision = ArticleRevision.objects.get(article=article, number=2)
    assert revision.reason == "publisher_update" and revision.created_by is None
    assert revision.source_url == site.url("/jobs")
    article.refresh_from_db()
    assert article.revision == 2 and article.body.startswith("Update: figures revised")
    claim = Claim.objects.get(pk=claim.pk)
    assert (claim.anchor_status, claim.quote, claim.revision) == ("moved", quote, 2)
    assert article.body[claim.start : claim.end] == quote
    assert article.refetch_error == ""
    # The page was read by the parse queue's prefork worker, not on the fetch worker's threads.
    # (A worker's log names each task it runs with its id: "name[id] received".)
    assert "claims.tasks.article_refetch_parse[" in worker["parse"].log_path.read_text()
    fetch_log = worker["fetch"].log_path.read_text()
    assert "claims.tasks.article_refetch[" in fetch_log
    assert "claims.tasks.article_refetch_parse[" not in fetch_log


def test_a_refetch_that_fails_records_its_code_and_changes_nothing(worker, site):
    from claims.fetching import extract

    said = "The council approved a budget of 12 million dollars for new schools on Tuesday."
    text = extract(page(said), "text/html", charset="utf-8", url=site.url("/gone")).text
    article = Article.objects.create(title="Gone", url=site.url("/gone"), body=text)
    Article.objects.exclude(pk=article.pk).update(refetched_at=timezone.now())
    article_refetch_due.delay()
    assert wait_for(lambda: Article.objects.get(pk=article.pk).refetch_error != "")
    article.refresh_from_db()
    assert article.refetch_error.startswith("http_")
    assert (article.body, article.revision, article.ingest_status) == (text, 1, "ready")
    assert not ArticleRevision.objects.filter(article=article).exists()

    # The page comes back with the same text: the next round finishes and clears the error.
    site.pages["/gone"] = page(said)
    Article.objects.filter(pk=article.pk).update(refetched_at=None)
    article_refetch_due.delay()
    assert wait_for(lambda: Article.objects.get(pk=article.pk).refetch_error == "")
    assert not ArticleRevision.objects.filter(article=article).exists()


def test_a_member_asks_for_a_refetch_and_the_workers_record_it_under_their_name(worker, site):
    # The request only queues it (202): the fetch and the reading are the workers' (issue 17).
    from rest_framework.test import APIClient

    from claims.fetching import extract

    said = "The port authority said traffic grew by 8 percent last year, a record."
    text = extract(page(said), "text/html", charset="utf-8", url=site.url("/port")).text
    article = Article.objects.create(title="Port", url=site.url("/port"), body=text)
    site.pages["/port"] = page(said, "Correction: the rise was 6 percent, not 8.")
    rita = ReviewerFactory(username="rita-refetch")
    client = APIClient()
    client.force_authenticate(rita)

    response = client.post(f"/api/v1/articles/{article.pk}/refetch/")
    assert response.status_code == 202, response.content
    assert response.json()["revision"] == 1 and response.json()["refetched_at"]
    again = client.post(f"/api/v1/articles/{article.pk}/refetch/")
    assert again.status_code == 409 and "less than 60 seconds" in again.json()["detail"]

    assert wait_for(lambda: ArticleRevision.objects.filter(article=article, number=2).exists())
    revision = ArticleRevision.objects.get(article=article, number=2)
    assert (revision.reason, revision.created_by) == ("publisher_update", rita)
    assert "Correction: the rise was 6 percent" in Article.objects.get(pk=article.pk).body
    assert "claims.tasks.article_refetch_parse[" in worker["parse"].log_path.read_text()
