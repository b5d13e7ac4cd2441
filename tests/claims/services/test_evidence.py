"""Evidence: sources created or reused, and their fetch enqueued after commit."""

from __future__ import annotations

import time
from unittest import mock

import pytest

from claims.models import Evidence, Source
from claims.services.errors import InvalidTransition, PermissionDenied, ValidationError
from claims.services.evidence import evidence_add
from tests.factories import ClaimFactory, ReviewerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_evidence_creates_the_source_and_enqueues_its_fetch_on_commit(
    django_capture_on_commit_callbacks,
):
    with (
        mock.patch("claims.services.queue.current_app.send_task") as send_task,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        evidence = evidence_add(
            actor=ReviewerFactory(),
            claim=ClaimFactory(),
            url="HTTPS://News.Test:443/a?b=1#frag",
            stance="refutes",
            quoted_passage="  The figure was 3.9 million.  ",
        )
        send_task.assert_not_called()  # not before the commit
    assert len(callbacks) == 1
    send_task.assert_called_once_with(
        "claims.tasks.source_fetch",
        args=[evidence.source_id],
        time_limit=None,  # the consuming worker's limits apply
        soft_time_limit=None,
    )
    assert evidence.source.normalized_url == "https://news.test/a?b=1"
    assert evidence.quoted_passage == "The figure was 3.9 million."


def test_the_same_url_reuses_one_source(django_capture_on_commit_callbacks):
    reviewer = ReviewerFactory()
    with mock.patch("claims.services.queue.current_app.send_task"):
        evidence_add(actor=reviewer, claim=ClaimFactory(), url="http://x.test/", stance="context")
        evidence_add(actor=reviewer, claim=ClaimFactory(), url="http://X.test", stance="supports")
    assert Source.objects.count() == 1 and Evidence.objects.count() == 2


def test_the_same_source_twice_on_one_claim_is_refused():
    claim, reviewer = ClaimFactory(), ReviewerFactory()
    with mock.patch("claims.services.queue.current_app.send_task"):
        evidence_add(actor=reviewer, claim=claim, url="http://x.test/", stance="context")
        with pytest.raises(ValidationError) as exc:
            evidence_add(actor=reviewer, claim=claim, url="http://x.test", stance="refutes")
    assert exc.value.field == "url"


@pytest.mark.parametrize(
    ("url", "stance", "field"),
    [
        ("ftp://x.test/", "supports", "url"),
        ("", "supports", "url"),
        ("http://x.test", "no", "stance"),
    ],
)
def test_bad_urls_and_stances_are_refused_by_field(url, stance, field):
    with pytest.raises(ValidationError) as exc:
        evidence_add(actor=ReviewerFactory(), claim=ClaimFactory(), url=url, stance=stance)
    assert exc.value.field == field
    assert not Source.objects.exists()


def test_no_evidence_from_outsiders_or_on_dismissed_claims():
    with pytest.raises(PermissionDenied):
        evidence_add(
            actor=UserFactory(), claim=ClaimFactory(), url="http://x.test", stance="context"
        )
    dismissed = ClaimFactory(status="dismissed", dismissal_reason="duplicate")
    with pytest.raises(InvalidTransition):
        evidence_add(
            actor=ReviewerFactory(), claim=dismissed, url="http://x.test", stance="context"
        )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_fetch_after_commit(celery_worker_process):
    evidence = evidence_add(
        actor=ReviewerFactory(), claim=ClaimFactory(), url="http://worker.test/", stance="context"
    )
    # Wait for the fetch to finish (not just to arrive), so the test's flush never races it. The
    # worker's network guard refuses the lookup, so the fetch settles as a DNS failure.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        source = Source.objects.get(pk=evidence.source_id)
        if source.fetch_status not in ("pending", "fetching"):
            assert (source.fetch_status, source.error_code) == ("failed", "dns_failure")
            assert source.attempts == 1
            return
        time.sleep(0.2)
    pytest.fail("the worker never finished claims.tasks.source_fetch")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_quote_on_a_fetched_source_is_checked_by_the_worker_not_in_the_request(
    celery_worker_process,
):
    text = "The council approved the budget. " * 2000 + "Spending rose to 4.2 million euros."
    source = Source.objects.create(
        url="https://news.test/fetched", normalized_url="https://news.test/fetched",
        fetch_status="fetched", text=text,
    )  # fmt: skip
    evidence = evidence_add(
        actor=ReviewerFactory(), claim=ClaimFactory(), url=source.url, stance="supports",
        quoted_passage="spending rose to 4.2 million euros",
    )  # fmt: skip
    assert evidence.quote_found is None  # the request did not read the page
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        evidence.refresh_from_db()
        if evidence.quote_found is not None:
            assert evidence.quote_found and text[evidence.quote_start : evidence.quote_end] == (
                "Spending rose to 4.2 million euros"
            )
            return
        time.sleep(0.2)
    pytest.fail("the worker never ran claims.tasks.evidence_check_quote")
