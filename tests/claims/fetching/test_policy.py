import ipaddress

import pytest

from claims.fetching import FetchError, blocked_reason, parse_networks
from claims.fetching.policy import literal_address


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("0x7F.0X0.0.0x1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("0300.0250.0.1", "192.168.0.1"),
        ("0xa9fea9fe", "169.254.169.254"),
        ("[::1]", "::1"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
    ],
)
def test_numeric_hosts_are_read_as_inet_aton_reads_them(host, address):
    assert literal_address(host) == ipaddress.ip_address(address)


@pytest.mark.parametrize("host", ["news.test", "example.com", "0x.news.test", "a0x7f"])
def test_names_are_not_addresses(host):
    assert literal_address(host) is None


@pytest.mark.parametrize(
    "host",
    ["1.2.3.4.5", "256.0.0.1", "127.0.0.0x100", "foo.123", "0x100000000", "[fe80::1%25eth0]"],
)
def test_hosts_that_look_numeric_but_are_not_valid_are_refused(host):
    with pytest.raises(FetchError) as caught:
        literal_address(host)
    assert caught.value.code == "invalid_url"


@pytest.mark.parametrize(
    "address",
    [
        "0.0.0.0",
        "10.1.2.3",
        "100.64.0.1",
        "100.127.255.254",
        "127.0.0.1",
        "127.255.255.254",
        "169.254.169.254",
        "169.254.1.1",
        "172.16.0.1",
        "172.31.255.255",
        "192.0.0.8",
        "192.0.2.1",
        "192.88.99.1",
        "192.168.0.1",
        "198.18.0.1",
        "198.51.100.1",
        "203.0.113.1",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "168.63.129.16",
        "100.100.100.200",
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
        "2001::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::7f00:1",
        "64:ff9b::a9fe:a9fe",
        "2002:7f00:1::1",
        "2002:a00:1::",
        "2002:a9fe:a9fe::",
        "::127.0.0.1",
        "::10.0.0.1",
    ],
)
def test_every_blocked_range_is_refused(address):
    assert blocked_reason(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize(
    "address",
    [
        "93.184.216.34",
        "8.8.8.8",
        "2606:4700::1111",
        "::ffff:93.184.216.34",
        "64:ff9b::808:808",
        "2002:808:808::1",
    ],
)
def test_public_addresses_pass(address):
    assert blocked_reason(ipaddress.ip_address(address)) is None


def test_the_allowlist_exempts_its_networks_and_their_embedded_forms():
    allowed = parse_networks("10.0.0.0/8, 127.0.0.2/32")
    assert blocked_reason(ipaddress.ip_address("10.9.9.9"), allowed) is None
    assert blocked_reason(ipaddress.ip_address("::ffff:127.0.0.2"), allowed) is None
    assert blocked_reason(ipaddress.ip_address("127.0.0.1"), allowed) is not None


def test_the_allowlist_never_exempts_cloud_metadata():
    allowed = parse_networks("169.254.0.0/16,168.63.0.0/16,fd00::/8")
    for address in ("169.254.169.254", "168.63.129.16", "fd00:ec2::254", "::ffff:169.254.169.254"):
        assert blocked_reason(
            ipaddress.ip_address(address), allowed
        ) == "cloud metadata address" or "metadata" in blocked_reason(
            ipaddress.ip_address(address), allowed
        )


def test_parse_networks_reads_the_setting_format():
    assert parse_networks("") == ()
    assert parse_networks(None) == ()
    assert [str(n) for n in parse_networks(" 10.0.0.0/8 ,fd00::/8,")] == ["10.0.0.0/8", "fd00::/8"]
