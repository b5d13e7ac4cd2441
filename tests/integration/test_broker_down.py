"""With the broker down an API write still succeeds; the sweeper sends the lost fetch later."""

from __future__ import annotations

import time

import pytest
from rest_framework.test import APIClient

from claims.models import Source
from claims.services.tokens import api_token_create
from claims.tasks import source_sweep
from factcheck.celery import app as celery_app
from tests.factories import ClaimFactory, ReviewerFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
KEYS = ("broker_url", "broker_write_url", "broker_read_url")


def _point_broker_at(urls: dict) -> None:
    celery_app.conf.update(urls)
    # The app caches its connection pool and producer pool: drop them so the next send uses the
    # new URL.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_an_api_write_succeeds_with_the_broker_down_and_the_sweeper_sends_it_later(
    celery_worker_process, settings
):
    settings.API_THROTTLE_RATES = {"token": None, "writes": None}
    claim = ClaimFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=ReviewerFactory())[1]}")
    original = {key: celery_app.conf[key] for key in KEYS}
    _point_broker_at(dict.fromkeys(KEYS, "redis://127.0.0.1:1/0"))  # nothing listens there
    try:
        response = client.post(
            f"/api/v1/claims/{claim.pk}/evidence/",
            {"url": "http://127.0.0.1:9/lost-message", "stance": "supports"},
            format="json",
        )
    finally:
        _point_broker_at(original)
    assert response.status_code == 201, response.content
    source = Source.objects.get(normalized_url="http://127.0.0.1:9/lost-message")
    assert source.fetch_status == Source.FetchStatus.PENDING and source.attempts == 0
    time.sleep(1.0)
    assert Source.objects.get(pk=source.pk).attempts == 0  # the message was indeed lost

    # The broker is back: the sweeper finds the source pending past its grace and sends it again.
    settings.SOURCE_FETCH_PENDING_GRACE_SECONDS = 0
    assert source_sweep() >= 1
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        source.refresh_from_db()
        if source.attempts >= 1 or source.fetch_status != Source.FetchStatus.PENDING:
            break
        time.sleep(0.2)
    # The worker ran the fetch (the loopback address is refused by the fetch policy: it fails).
    assert source.attempts >= 1 or source.fetch_status == Source.FetchStatus.FAILED
