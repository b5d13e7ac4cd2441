"""The Redis broker transport: kombu's, with one Redis client per channel, against a real Redis."""

import socket
import uuid

import pytest
from kombu import Connection, Exchange, Queue

from factcheck.broker import Transport
from tests.factcheck.test_settings import run_manage

BROKER = "redis://127.0.0.1:6379/7"


@pytest.fixture
def redis_connection():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379 (the embedded defaults use the filesystem broker)")
    with Connection(BROKER, transport=Transport) as conn:
        yield conn


def test_a_redis_broker_url_selects_the_transport():
    result = run_manage(
        "shell",
        "-c",
        "from factcheck.celery import app; print(app.connection_for_write().transport_cls)",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/9",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "factcheck.broker:Transport"


def test_a_tls_broker_url_keeps_kombus_transport():
    # kombu sets up TLS from the rediss scheme itself; naming a transport would bypass that.
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(getattr(settings, 'CELERY_BROKER_TRANSPORT', None))",
        CELERY_BROKER_URL="rediss://127.0.0.1:6380/9",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "None"


def test_the_channel_reuses_one_client_until_its_pool_is_replaced(redis_connection):
    channel = redis_connection.default_channel
    with channel.conn_or_acquire() as first, channel.conn_or_acquire() as second:
        assert first is second
        assert first.connection_pool is channel.pool
    channel._disconnect_pools()  # what kombu does after a connection error
    with channel.conn_or_acquire() as third:
        assert third is not first
        assert third.connection_pool is channel.pool
    explicit = object()
    with channel.conn_or_acquire(explicit) as given:
        assert given is explicit


def test_messages_are_delivered_and_acknowledged_late(redis_connection):
    """Publish, receive without acknowledging (the message waits in the unacked index), then
    acknowledge: every step that used to build a client per command goes through the shared one."""
    name = f"broker-test-{uuid.uuid4().hex[:8]}"
    queue = Queue(name, Exchange(name, type="direct"), routing_key=name)
    with redis_connection.Producer() as producer:
        for n in range(3):
            producer.publish({"n": n}, exchange=queue.exchange, routing_key=name, declare=[queue])
    received = []
    with redis_connection.Consumer(queue, callbacks=[lambda body, msg: received.append(msg)]):
        while len(received) < 3:
            redis_connection.drain_events(timeout=5)
    channel = redis_connection.default_channel
    with channel.conn_or_acquire() as client:
        assert client.hlen(channel.unacked_key) >= 3
        for message in received:
            message.ack()
        assert not {str(m.delivery_tag) for m in received} & {
            tag.decode() for tag in client.hkeys(channel.unacked_key)
        }
    assert [m.payload["n"] for m in received] == [0, 1, 2]
    queue(channel).delete()
