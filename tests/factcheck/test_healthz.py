"""GET /healthz answers 200 only when both the database and the broker answer."""

import pytest
from django.db import connection

from factcheck.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthy_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True


@pytest.fixture
def broker_down():
    """Point the Celery app at a Redis port where nothing listens (a real refused connection)."""
    keys = ("broker_url", "broker_write_url", "broker_read_url")
    original = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(dict.fromkeys(keys, "redis://127.0.0.1:1/0"))
    try:
        yield
    finally:
        celery_app.conf.update(original)


def test_unavailable_when_the_broker_does_not_answer(client, broker_down, caplog):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"]["ok"] is True
    assert body["broker"] == {"ok": False}  # the error text is logged, not shown to anyone
    assert "127.0.0.1:1" not in response.content.decode()
    assert any("broker does not answer" in r.getMessage() for r in caplog.records)


@pytest.fixture
def database_down():
    """Point Django's connection at a port where nothing listens, then restore it."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update({"HOST": "127.0.0.1", "PORT": "1"})
    try:
        yield
    finally:
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@pytest.mark.django_db(transaction=True)
def test_unavailable_when_the_database_does_not_answer(client, database_down, caplog):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"]["ok"] is False
    assert body["database"] == {"ok": False}
    logged = " ".join(r.getMessage() for r in caplog.records if r.name == "factcheck.health")
    assert "connect" in logged.lower() and "connect" not in response.content.decode().lower()
    assert body["broker"]["ok"] is True


def test_only_get_is_allowed(client):
    assert client.post("/healthz").status_code == 405
