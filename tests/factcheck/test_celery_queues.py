"""Claim matching has a queue of its own, and the workers we start consume it."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from claims.models import ClaimMatchResult
from claims.services import queue
from claims.services.matching import claim_matches_enqueue
from factcheck.celery import app
from tests.factories import ClaimFactory

ROOT = Path(__file__).resolve().parents[2]


def test_claim_matching_is_routed_to_its_own_queue_and_nothing_else_is():
    route = app.amqp.router.route({}, queue.CLAIM_MATCH_REFRESH, (), {})
    target = route["queue"]
    assert target.name == queue.MATCHING_QUEUE == "matching"
    # A direct exchange delivers by routing key: no other declared queue shares the binding, so
    # the message reaches one queue (and runs once).
    bindings = {(q.exchange.name, q.routing_key): q.name for q in app.amqp.queues.values()}
    assert bindings[(target.exchange.name, target.routing_key)] == "matching"
    assert len(bindings) == len(app.amqp.queues)
    assert app.amqp.router.route({}, queue.EVENT_DISPATCH, (), {})["queue"].name == "celery"
    for parsing in (queue.ARTICLE_EXTRACT, queue.EVIDENCE_CHECK_QUOTE):
        assert app.amqp.router.route({}, parsing, (), {})["queue"].name == settings.PARSE_QUEUE


def test_a_worker_without_q_consumes_the_default_and_the_matching_queue():
    assert {"celery", "matching"} <= set(app.amqp.queues)


def _worker_queue_options(command: list[str]) -> list[str]:
    return [a for i, a in enumerate(command) if a.startswith("-Q") or command[i - 1] == "-Q"]


def test_make_run_and_compose_workers_do_not_narrow_their_queues_without_matching():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    worker = compose["services"]["worker"]["command"]
    options = _worker_queue_options(worker) + [a for a in worker if a.startswith("--queues")]
    assert not options or any("matching" in a for a in options)
    runner = (ROOT / "scripts" / "run_workbench.py").read_text()
    assert not re.search(r'"-Q"|"--queues', runner) or re.search(
        r'"-Q",\s*f?"[^"\n]*\bmatching\b', runner
    )
    makefile = (ROOT / "Makefile").read_text()
    assert " -Q " not in makefile or "matching" in makefile


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_computes_a_claims_matches_sent_through_the_queue_module(
    celery_worker_process,
):
    claim = ClaimFactory(statement="The river bridge cost 40 million euros")
    ClaimMatchResult.objects.filter(claim=claim).delete()
    claim_matches_enqueue(claim_id=claim.pk)  # outside a transaction: sent at once
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if ClaimMatchResult.objects.filter(claim=claim).exists():
            return
        time.sleep(0.2)
    pytest.fail("no worker consumed claims.tasks.claim_match_refresh from the matching queue")
