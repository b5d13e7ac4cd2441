"""The bad-URL corpus: every hostile URL ends in the right code with 0 connections made.

Loopback forms point at the canary (127.0.0.1, blocked); private, link-local and metadata
literals are only ever judged by the address policy, and the network guard would fail the test
if the fetcher tried to reach one.
"""

from __future__ import annotations

import ipaddress

import pytest

from claims.fetching import FetchError, fetch

SCHEMES = [
    ("file:///etc/passwd", "blocked_scheme"),
    ("file://localhost/etc/passwd", "blocked_scheme"),
    ("ftp://news.test/", "blocked_scheme"),
    ("gopher://news.test:70/_GET", "blocked_scheme"),
    ("dict://127.0.0.1:11211/stat", "blocked_scheme"),
    ("ldap://127.0.0.1/", "blocked_scheme"),
    ("javascript:alert(1)", "blocked_scheme"),
    ("data:text/html,<h1>hi</h1>", "blocked_scheme"),
    ("ws://news.test/", "blocked_scheme"),
    ("news.test/page", "blocked_scheme"),
    ("//news.test/page", "blocked_scheme"),
    ("http:///nohost", "invalid_url"),
    ("http://news.test/a b", "invalid_url"),
    ("http://news.test/\x00", "invalid_url"),
]

# One address from each blocked range (and the metadata endpoints).
BLOCKED_V4 = [
    "0.0.0.0",
    "10.0.0.1",
    "100.64.0.1",
    "127.0.0.1",
    "169.254.169.254",
    "172.16.0.1",
    "192.0.0.192",
    "192.0.2.1",
    "192.88.99.1",
    "192.168.1.1",
    "198.18.0.1",
    "198.51.100.7",
    "203.0.113.9",
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "168.63.129.16",
    "100.100.100.200",
]
BLOCKED_V6 = [
    "::",
    "::1",
    "fe80::1",
    "fc00::1",
    "fd00:ec2::254",
    "ff02::1",
    "2001:db8::1",
    "fec0::1",
    "100::1",
    "64:ff9b:1::1",
    "3fff::1",
]


def v4_forms(address: str) -> list[str]:
    """Every spelling of an IPv4 address a URL parser or inet_aton accepts."""
    a = ipaddress.IPv4Address(address)
    n = int(a)
    o = [int(x) for x in address.split(".")]
    mapped_hex = f"{n >> 16:x}:{n & 0xFFFF:x}"
    forms = [
        address,
        str(n),
        f"0{n:o}",
        f"0x{n:x}",
        ".".join(f"0{x:o}" for x in o),
        ".".join(f"0x{x:x}" for x in o),
        f"{o[0]}.{n & 0xFFFFFF}",
        f"{o[0]}.{o[1]}.{n & 0xFFFF}",
        f"{address}.",
        f"[::ffff:{address}]",
        f"[::ffff:{mapped_hex}]",
        f"[0:0:0:0:0:ffff:{address}]",
        f"[64:ff9b::{mapped_hex}]",
        f"[2002:{mapped_hex}::1]",
    ]
    if n > 1:
        forms.append(f"[::{address}]")
    return forms


LITERALS = sorted(
    {form for address in BLOCKED_V4 for form in v4_forms(address)} | {f"[{a}]" for a in BLOCKED_V6}
)


@pytest.mark.parametrize(("url", "code"), SCHEMES)
def test_only_http_and_https_are_fetched(url, code, config, connections):
    assert_refused(url, code, config, connections)


@pytest.mark.parametrize("host", LITERALS)
def test_blocked_addresses_are_refused_in_every_spelling(
    host, config, canary, connections, stub_resolver
):
    assert_refused(f"http://{host}:{canary.port}/", "blocked_address", config, connections)
    assert stub_resolver.calls == [], "a literal must never reach the resolver"


@pytest.mark.parametrize("address", BLOCKED_V4 + BLOCKED_V6)
def test_names_resolving_to_blocked_addresses_are_refused(
    address, config, canary, connections, stub_resolver
):
    stub_resolver.add("evil.test", address)
    assert_refused(f"http://evil.test:{canary.port}/", "blocked_address", config, connections)


@pytest.mark.parametrize(
    "answers",
    [
        ["127.0.0.2", "10.0.0.1"],
        ["10.0.0.1", "127.0.0.2"],
        ["127.0.0.2", "127.0.0.1"],
        ["127.0.0.2", "169.254.169.254"],
        ["127.0.0.2", "::1"],
    ],
)
def test_a_name_with_one_public_and_one_private_address_is_refused(
    answers, config, public, connections, stub_resolver
):
    public.page("/", "<p>hello</p>")
    stub_resolver.add("mixed.test", *answers)
    assert_refused(f"http://mixed.test:{public.port}/", "blocked_address", config, connections)
    assert public.hits == []


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("http://127.0.0.1:{cport}/", "blocked_address"),
        ("http://2130706433:{cport}/", "blocked_address"),
        ("http://[::ffff:127.0.0.1]:{cport}/", "blocked_address"),
        ("http://10.0.0.1:{cport}/", "blocked_address"),
        ("http://169.254.169.254:{cport}/latest/meta-data/", "blocked_address"),
        ("http://[fd00:ec2::254]:{cport}/", "blocked_address"),
        ("http://evil.test:{cport}/", "blocked_address"),
        ("file:///etc/passwd", "blocked_scheme"),
        ("gopher://news.test/", "blocked_scheme"),
        ("http://news.test:22/", "blocked_port"),
        ("//127.0.0.1:{cport}/", "blocked_address"),
    ],
)
def test_redirects_to_blocked_targets_are_refused(
    target, code, config, public, canary, connections, stub_resolver
):
    stub_resolver.add("evil.test", "192.168.0.10")
    public.redirect("/go", target.format(cport=canary.port))
    with pytest.raises(FetchError) as caught:
        fetch(f"http://news.test:{public.port}/go", config)
    assert caught.value.code == code
    assert public.hits == ["/go"]
    assert {host for host, _ in connections.made} == {"127.0.0.2"}


@pytest.mark.parametrize(
    "url",
    [
        "http://news.test:{pport}@127.0.0.1:{cport}/",
        "http://127.0.0.2@127.0.0.1:{cport}/",
        "http://user:pass@127.0.0.1:{cport}/",
        "http://news.test%40@127.0.0.1:{cport}/",
        "http://127.0.0.1:{cport}#@news.test:{pport}/",
        "http://127.0.0.1:{cport}?@news.test:{pport}/",
        "http://127.0.0.1:{cport}/#@news.test:{pport}/",
    ],
)
def test_userinfo_and_fragment_tricks_are_read_as_the_fetcher_connects(
    url, config, public, canary, connections
):
    assert_refused(
        url.format(pport=public.port, cport=canary.port), "blocked_address", config, connections
    )


def test_a_backslash_in_the_authority_is_refused_outright(config, public, canary, connections):
    url = f"http://127.0.0.1:{canary.port}\\@news.test:{public.port}/"
    assert_refused(url, "invalid_url", config, connections)


def test_credentials_and_fragments_in_a_pasted_url_are_never_sent(config, public, canary):
    public.page("/ok", "<p>hello</p>")
    result = fetch(
        f"http://user:secret@news.test:{public.port}/ok#@127.0.0.1:{canary.port}", config
    )
    assert result.status_code == 200
    assert public.hits == ["/ok"]
    assert "authorization" not in public.requests[0]
    assert public.requests[0]["host"] == f"news.test:{public.port}"


@pytest.mark.parametrize("port", [22, 25, 6379, 5432, 8080, 11211])
def test_ports_outside_the_allowed_set_are_refused(port, config, connections):
    assert_refused(f"http://news.test:{port}/", "blocked_port", config, connections)


def assert_refused(url, code, config, connections):
    with pytest.raises(FetchError) as caught:
        fetch(url, config)
    assert caught.value.code == code, caught.value.message
    assert connections.made == [], f"connections were made: {connections.made}"
