"""What each parse-queue task records when a worker limit stops it (the handler Celery's
task_failure signal calls; tests/integration/test_parse_limits.py shows it with real workers)."""

from __future__ import annotations

import datetime as dt

import pytest
from billiard.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded, WorkerLostError
from django.utils import timezone

from claims import tasks
from claims.models import Article, Source
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("exception", "code"),
    [
        (SoftTimeLimitExceeded(), "parse_timeout"),
        (TimeLimitExceeded(3), "parse_killed"),
        (WorkerLostError("SIGKILL"), "parse_worker_lost"),
    ],
)
def test_a_stopped_source_parse_fails_the_source_with_its_code(exception, code):
    source = SourceFactory(fetch_status="fetching")
    tasks._parse_stopped(sender=tasks.source_parse, exception=exception, args=[source.pk, {}])
    source.refresh_from_db()
    assert (source.fetch_status, source.error_code) == ("failed", code)
    assert source.error_message and source.lease_expires_at is None


def test_a_stopped_claim_extraction_fails_the_article():
    article = Article.objects.create(title="x", body="Some text.", ingest_status="extracting")
    tasks._parse_stopped(
        sender=tasks.article_extract, exception=TimeLimitExceeded(3), args=[article.pk]
    )
    article.refresh_from_db()
    assert article.ingest_status == "failed"
    assert article.ingest_error.startswith("parse_killed: ")


def test_a_stopped_refetch_records_its_code_and_leaves_the_article_ready():
    article = Article.objects.create(title="x", body="Some text.", url="https://news.test/a")
    tasks._parse_stopped(
        sender=tasks.article_refetch_parse, exception=SoftTimeLimitExceeded(), args=[article.pk, {}]
    )
    article.refresh_from_db()
    assert article.refetch_error.startswith("parse_timeout: ")
    assert (article.ingest_status, article.body, article.revision) == ("ready", "Some text.", 1)


def test_the_refetch_parse_runs_on_the_parse_queue_with_its_limits():
    from django.conf import settings

    task = tasks.article_refetch_parse
    assert settings.CELERY_TASK_ROUTES[task.name] == {"queue": settings.PARSE_QUEUE}
    assert task.time_limit == (settings.PARSE_TIME_LIMIT_SECONDS or None)
    assert task.soft_time_limit == (settings.PARSE_SOFT_TIME_LIMIT_SECONDS or None)
    assert settings.CELERY_TASK_ROUTES.get(tasks.article_refetch.name, {}).get("queue") != (
        settings.PARSE_QUEUE
    )


def test_a_stopped_link_check_releases_its_lease():
    source = SourceFactory(
        fetch_status="fetched", lease_expires_at=timezone.now() + dt.timedelta(minutes=10)
    )
    tasks._parse_stopped(
        sender=tasks.source_link_check_parse,
        exception=SoftTimeLimitExceeded(),
        args=[source.pk, {}],
    )
    source.refresh_from_db()
    assert source.fetch_status == "fetched" and source.lease_expires_at is None
    assert source.last_checked_at is not None


def test_an_ordinary_error_or_another_task_records_nothing():
    source = SourceFactory(fetch_status="fetching")
    tasks._parse_stopped(
        sender=tasks.source_parse, exception=ValueError("bug"), args=[source.pk, {}]
    )
    tasks._parse_stopped(
        sender=tasks.source_fetch, exception=TimeLimitExceeded(3), args=[source.pk]
    )
    assert Source.objects.get(pk=source.pk).fetch_status == "fetching"


def test_a_source_already_fetched_is_left_alone():
    source = SourceFactory(fetch_status="fetched")
    tasks._parse_stopped(
        sender=tasks.source_parse, exception=TimeLimitExceeded(3), args=[source.pk, {}]
    )
    assert Source.objects.get(pk=source.pk).fetch_status == "fetched"
