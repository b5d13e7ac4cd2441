"""The fetcher's behaviour on ordinary and hostile servers: limits, rebinding, statuses, proxies."""

from __future__ import annotations

import gzip
import time
import tracemalloc
import zlib

import pytest

from claims.fetching import FetchConfig, FetchError, fetch, parse_retry_after
from tests.sites import LocalSite, send


def test_a_page_is_fetched_with_its_final_url_type_and_body(config, public):
    public.page("/a", "<p>héllo</p>", "text/html; charset=UTF-8", headers={"ETag": '"v1"'})
    result = fetch(f"http://news.test:{public.port}/a", config)
    assert (result.status_code, result.content_type, result.charset) == (200, "text/html", "utf-8")
    assert result.body == "<p>héllo</p>".encode()
    assert result.final_url == f"http://news.test:{public.port}/a"
    assert result.etag == '"v1"'
    assert public.requests[0]["host"] == f"news.test:{public.port}"


def test_up_to_three_redirects_are_followed_and_recorded(config, public):
    for n in range(3):
        public.redirect(f"/r{n}", f"/r{n + 1}", status=(301, 302, 307)[n])
    public.page("/r3", "done", "text/plain")
    result = fetch(f"http://news.test:{public.port}/r0", config)
    assert result.body == b"done"
    assert result.redirects[-1].endswith("/r3") and len(result.redirects) == 3


def test_a_fourth_redirect_is_refused(config, public):
    for n in range(4):
        public.redirect(f"/r{n}", f"/r{n + 1}")
    public.page("/r4", "done", "text/plain")
    with pytest.raises(FetchError) as caught:
        fetch(f"http://news.test:{public.port}/r0", config)
    assert caught.value.code == "too_many_redirects"
    assert "/r4" not in public.hits


def test_a_redirect_loop_ends(config, public):
    public.redirect("/loop", "/loop")
    with pytest.raises(FetchError) as caught:
        fetch(f"http://news.test:{public.port}/loop", config)
    assert caught.value.code == "too_many_redirects"


def test_dns_rebinding_gets_no_connection_to_the_second_answer(
    config, public, canary, connections, stub_resolver
):
    public.page("/p", "<p>first</p>")
    stub_resolver.add("rebind.test", ["127.0.0.2"], ["127.0.0.1"])
    result = fetch(f"http://rebind.test:{public.port}/p", config)
    assert result.body == b"<p>first</p>"
    assert stub_resolver.lookups("rebind.test") == 1
    with pytest.raises(FetchError) as caught:
        fetch(f"http://rebind.test:{public.port}/p", config)
    assert caught.value.code == "blocked_address"
    assert {host for host, _ in connections.made} == {"127.0.0.2"}


def test_a_new_connection_within_one_fetch_is_checked_again(
    config, public, canary, connections, stub_resolver
):
    """The server closes after a redirect to the same host; the reconnect meets the rebound answer."""
    public.routes["/first"] = lambda h: send(
        h, 302, b"", "text/plain", {"Location": "/second", "Connection": "close"}
    )
    public.page("/second", "<p>never</p>")
    stub_resolver.add("rebind.test", ["127.0.0.2"], ["127.0.0.1"])
    with pytest.raises(FetchError) as caught:
        fetch(f"http://rebind.test:{public.port}/first", config)
    assert caught.value.code == "blocked_address"
    assert public.hits == ["/first"]
    assert {host for host, _ in connections.made} == {"127.0.0.2"}


def test_an_endless_body_stops_at_the_size_cap(config, public):
    def endless(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Connection", "close")
        h.end_headers()
        while True:
            h.wfile.write(b"x" * 65536)

    public.routes["/endless"] = endless
    with pytest.raises(FetchError) as caught:
        fetch(f"http://news.test:{public.port}/endless", config)
    assert caught.value.code == "too_large"


def test_a_gzip_bomb_stops_at_the_size_cap_without_inflating_it(config, public):
    bomb = gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 300 * 1024
    public.page("/bomb", bomb, "text/html", headers={"Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        with pytest.raises(FetchError) as caught:
            fetch(f"http://news.test:{public.port}/bomb", config)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.code == "too_large"
    assert peak < 4 * config.max_bytes


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
def test_compressed_bodies_are_decoded(encoding, config, public):
    text = b"<p>" + b"compressed " * 1000 + b"</p>"
    if encoding == "gzip":
        data = gzip.compress(text)
    elif encoding == "deflate":
        data = zlib.compress(text)
    else:
        packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        data = packer.compress(text) + packer.flush()
    public.page("/z", data, "text/html", headers={"Content-Encoding": encoding.replace("raw-", "")})
    assert fetch(f"http://news.test:{public.port}/z", config).body == text


def test_an_unknown_content_encoding_is_refused(config, public):
    public.page("/br", b"\x1b\x00", "text/html", headers={"Content-Encoding": "br"})
    with pytest.raises(FetchError) as caught:
        fetch(f"http://news.test:{public.port}/br", config)
    assert caught.value.code == "bad_encoding"


def test_a_slow_drip_body_hits_the_total_time_limit(config, public):
    def drip(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/plain")
        h.send_header("Connection", "close")
        h.end_headers()
        while True:
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(0.1)

    public.routes["/drip"] = drip
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch(f"http://news.test:{public.port}/drip", config)
    assert caught.value.code == "timeout" and caught.value.transient
    assert time.monotonic() - started < config.total_timeout + 0.5


def test_slowly_dripped_headers_hit_the_total_time_limit(config, public):
    def drip_headers(h):
        for byte in b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 1000:
            h.wfile.write(bytes([byte]))
            h.wfile.flush()
            time.sleep(0.1)

    public.routes["/slowhead"] = drip_headers
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch(f"http://news.test:{public.port}/slowhead", config)
    assert caught.value.code == "timeout"
    assert time.monotonic() - started < config.total_timeout + 0.5


def test_a_silent_server_hits_the_read_timeout(config, public):
    public.routes["/silent"] = lambda h: time.sleep(3)
    with pytest.raises(FetchError) as caught:
        fetch(f"http://news.test:{public.port}/silent", config)
    assert caught.value.code == "timeout"


def test_a_huge_content_length_is_refused_before_reading(config, public):
    def liar(h):
        send(h, 200, b"tiny", "text/html", {"Content-Length": str(50 * 1024**3)})

    public.routes["/huge"] = liar
    with pytest.raises(FetchError) as caught:
        fetch(f"http://news.test:{public.port}/huge", config)
    assert caught.value.code == "too_large"
    assert "declares" in caught.value.message


def test_the_default_cap_is_five_megabytes():
    assert FetchConfig().max_bytes == 5 * 1024 * 1024


@pytest.mark.parametrize(
    "content_type",
    [
        "application/octet-stream",
        "image/png",
        "application/zip",
        "application/x-msdownload",
        "video/mp4",
        None,
    ],
)
def test_binary_and_missing_content_types_are_refused(content_type, config, public):
    public.page("/bin", b"\x89PNG\r\n\x1a\n", content_type)
    with pytest.raises(FetchError) as caught:
        fetch(f"http://news.test:{public.port}/bin", config)
    assert caught.value.code == "bad_content_type"


@pytest.mark.parametrize(
    "content_type",
    [
        "text/html",
        "application/xhtml+xml; charset=utf-8",
        "text/plain",
        "application/pdf",
        "TEXT/HTML",
    ],
)
def test_html_xhtml_text_and_pdf_are_accepted(content_type, config, public):
    public.page("/ok", b"%PDF-1.4 or text", content_type)
    assert fetch(f"http://news.test:{public.port}/ok", config).status_code == 200


@pytest.mark.parametrize(
    ("status", "code", "transient"),
    [
        (404, "http_404", False),
        (410, "http_410", False),
        (403, "http_status", False),
        (500, "http_5xx", True),
        (503, "http_5xx", True),
        (429, "http_429", True),
    ],
)
def test_http_errors_carry_a_code_and_whether_to_retry(status, code, transient, config, public):
    public.page("/e", "error", "text/html", status=status, headers={"Retry-After": "7"})
    with pytest.raises(FetchError) as caught:
        fetch(f"http://news.test:{public.port}/e", config)
    assert (caught.value.code, caught.value.transient, caught.value.status_code) == (
        code,
        transient,
        status,
    )
    if status == 429:
        assert caught.value.retry_after == 7.0


def test_retry_after_reads_seconds_and_http_dates():
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412450.0) == 30.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_an_unknown_name_is_a_dns_failure(config, connections):
    with pytest.raises(FetchError) as caught:
        fetch("http://nowhere.test/", config)
    assert caught.value.code == "dns_failure" and not caught.value.transient
    assert connections.made == []


def test_a_closed_port_is_a_transient_connect_failure(config, public):
    closed = LocalSite("127.0.0.2")
    port = closed.port
    closed.close()
    cfg = FetchConfig.build(
        allowed_networks="127.0.0.2/32", allowed_ports=(port,), resolver=config.resolver
    )
    with pytest.raises(FetchError) as caught:
        fetch(f"http://news.test:{port}/", cfg)
    assert caught.value.code == "connect_failed" and caught.value.transient


def test_proxy_environment_variables_are_ignored(config, public, monkeypatch):
    proxy = LocalSite("127.0.0.3")
    try:
        for name in (
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "http_proxy",
            "https_proxy",
            "all_proxy",
        ):
            monkeypatch.setenv(name, proxy.url("/"))
        monkeypatch.setenv("NO_PROXY", "")
        public.page("/direct", "<p>direct</p>")
        assert fetch(f"http://news.test:{public.port}/direct", config).body == b"<p>direct</p>"
        assert proxy.hits == []
    finally:
        proxy.close()


def test_without_an_allowlist_even_the_test_site_is_blocked(public, stub_resolver, connections):
    stub_resolver.add("news.test", "127.0.0.2")
    cfg = FetchConfig.build(allowed_ports=(public.port,), resolver=stub_resolver)
    with pytest.raises(FetchError) as caught:
        fetch(f"http://news.test:{public.port}/", cfg)
    assert caught.value.code == "blocked_address"
    assert connections.made == []


def test_fetch_errors_survive_pickling():
    import pickle

    error = pickle.loads(  # noqa: S301 (our own bytes)
        pickle.dumps(FetchError("http_429", "slow down", transient=True, retry_after=3.0))
    )
    assert (error.code, error.transient, error.retry_after) == ("http_429", True, 3.0)
