"""POSTs on a kept-alive client (webhook deliveries): one connection reused, each call under its own
deadline, every new connection resolved and checked, and any failure drops the client."""

from __future__ import annotations

import threading
import time

import pytest

from claims.fetching import FetchConfig, FetchError, drop_kept_client, post
from tests.receiver import Receiver


@pytest.fixture
def receiver():
    site = Receiver("127.0.0.2")
    yield site
    site.close()


@pytest.fixture
def kept():
    drop_kept_client()
    yield
    drop_kept_client()


def receiver_config(receiver, stub_resolver, **limits) -> FetchConfig:
    stub_resolver.add("hooks.test", "127.0.0.2")
    return FetchConfig.build(
        allowed_networks="127.0.0.2/32",
        allowed_ports=(receiver.port,),
        resolver=stub_resolver,
        connect_timeout=1.0,
        read_timeout=1.0,
        total_timeout=1.0,
        **limits,
    )


def url(receiver, host="hooks.test") -> str:
    return f"http://{host}:{receiver.port}/hook"


def test_posts_on_one_thread_share_one_connection(receiver, stub_resolver, connections, kept):
    config = receiver_config(receiver, stub_resolver)
    codes = [post(url(receiver), b"{}", {}, config, keep_alive=True).status_code for _ in range(5)]
    assert codes == [204] * 5 and len(receiver.received) == 5
    assert connections.to("127.0.0.2", receiver.port) == [("127.0.0.2", receiver.port)]
    assert stub_resolver.lookups("hooks.test") == 1  # resolved once, for its one connection


def test_without_keep_alive_each_post_connects_anew(receiver, stub_resolver, connections):
    config = receiver_config(receiver, stub_resolver)
    for _ in range(3):
        post(url(receiver), b"{}", {}, config)
    assert len(connections.to("127.0.0.2", receiver.port)) == 3


def test_each_thread_has_its_own_client(receiver, stub_resolver, connections, kept):
    config = receiver_config(receiver, stub_resolver)

    def two_posts():
        try:
            post(url(receiver), b"{}", {}, config, keep_alive=True)
            post(url(receiver), b"{}", {}, config, keep_alive=True)
        finally:
            drop_kept_client()

    threads = [threading.Thread(target=two_posts) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(receiver.received) == 6
    assert len(connections.to("127.0.0.2", receiver.port)) == 3


def test_a_reused_connection_obeys_the_new_calls_deadline(
    receiver, stub_resolver, connections, kept
):
    config = receiver_config(receiver, stub_resolver)
    post(url(receiver), b"{}", {}, config, keep_alive=True)
    time.sleep(1.2)  # longer than the first call's whole deadline: a stale one would fail at once
    assert post(url(receiver), b"{}", {}, config, keep_alive=True).status_code == 204
    receiver.delay = 3.0
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        post(url(receiver), b"{}", {}, config, keep_alive=True)
    assert caught.value.code == "timeout" and time.monotonic() - started < 2.0
    assert len(connections.to("127.0.0.2", receiver.port)) == 1
    receiver.delay = 0.0
    # The failure dropped the client: the next call connects (and is checked) anew.
    assert post(url(receiver), b"{}", {}, config, keep_alive=True).status_code == 204
    assert len(connections.to("127.0.0.2", receiver.port)) == 2


def test_a_new_connection_is_checked_again_so_rebinding_gets_nothing(
    receiver, stub_resolver, connections, kept
):
    """The receiver closes its connection; the reconnect meets a rebound (blocked) answer."""
    config = receiver_config(receiver, stub_resolver)
    stub_resolver.add("rebind.test", ["127.0.0.2"], ["127.0.0.1"])
    receiver.headers = {"Connection": "close"}
    assert post(url(receiver, "rebind.test"), b"{}", {}, config, keep_alive=True).status_code == 204
    with pytest.raises(FetchError) as caught:
        post(url(receiver, "rebind.test"), b"{}", {}, config, keep_alive=True)
    assert caught.value.code == "blocked_address"
    assert stub_resolver.lookups("rebind.test") == 2
    assert {host for host, _ in connections.made} == {"127.0.0.2"}


def test_new_settings_get_a_new_client_that_applies_them(
    receiver, stub_resolver, connections, kept
):
    config = receiver_config(receiver, stub_resolver)
    post(url(receiver), b"{}", {}, config, keep_alive=True)
    closed = FetchConfig.build(allowed_ports=(receiver.port,), resolver=stub_resolver)
    with pytest.raises(FetchError) as caught:  # the kept connection is not a way around them
        post(url(receiver), b"{}", {}, closed, keep_alive=True)
    assert caught.value.code == "blocked_address"
    assert len(receiver.received) == 1


def test_a_kept_client_refuses_a_refused_url_every_time(receiver, stub_resolver, connections, kept):
    """The kept client remembers the URLs it checked and passed, never a refusal."""
    config = receiver_config(receiver, stub_resolver)
    assert post(url(receiver), b"{}", {}, config, keep_alive=True).status_code == 204
    for _ in range(2):
        with pytest.raises(FetchError) as caught:
            post(url(receiver, "127.0.0.1"), b"{}", {}, config, keep_alive=True)
        assert caught.value.code == "blocked_address"
    assert post(url(receiver), b"{}", {}, config, keep_alive=True).status_code == 204
    assert {host for host, _ in connections.made} == {"127.0.0.2"}


def test_redirects_are_answers_never_followed(receiver, stub_resolver, kept):
    config = receiver_config(receiver, stub_resolver)
    receiver.default_status = 307
    receiver.headers = {"Location": "http://127.0.0.1/steal"}
    result = post(url(receiver), b"{}", {}, config, keep_alive=True)
    assert result.status_code == 307 and len(receiver.received) == 1


def test_a_body_longer_than_the_head_is_not_left_on_the_reused_connection(
    receiver, stub_resolver, connections, kept
):
    config = receiver_config(receiver, stub_resolver)
    receiver.default_status = 500  # answers "nope"
    first = post(url(receiver), b"{}", {}, config, keep_alive=True, max_body=2)
    receiver.default_status = 200
    second = post(url(receiver), b"{}", {}, config, keep_alive=True)
    assert (first.status_code, first.body_head) == (500, b"no")
    assert (second.status_code, second.body_head) == (200, b"ok")
    assert len(connections.to("127.0.0.2", receiver.port)) == 2  # the half-read one was closed
