"""Which URLs and addresses the fetcher may reach.

Every address a host name resolves to is checked; one blocked address blocks the host (a name
that answers with one public and one private address is refused). Embedded IPv4 forms
(IPv4-mapped, IPv4-compatible, NAT64, 6to4) are judged by the IPv4 address they carry.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Explicit list, so the policy does not depend on the Python version's idea of "global".
# `not is_global` is still applied after it as a catch-all.
BLOCKED_NETWORKS: tuple[tuple[str, str], ...] = (
    ("0.0.0.0/8", "unspecified"),
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "shared address space"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "IETF protocol assignments"),
    ("192.0.2.0/24", "documentation"),
    ("192.31.196.0/24", "AS112"),
    ("192.52.193.0/24", "AMT"),
    ("192.88.99.0/24", "6to4 relay anycast"),
    ("192.168.0.0/16", "private"),
    ("192.175.48.0/24", "AS112"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
    ("255.255.255.255/32", "broadcast"),
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("100::/64", "discard"),
    ("100:0:0:1::/64", "dummy prefix"),
    ("64:ff9b:1::/48", "local-use NAT64"),
    ("2001::/23", "IETF protocol assignments"),
    ("2001:db8::/32", "documentation"),
    ("3fff::/20", "documentation"),
    ("5f00::/16", "segment routing"),
    ("fc00::/7", "unique local"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "site-local"),
    ("ff00::/8", "multicast"),
)
_BLOCKED = tuple((ipaddress.ip_network(net), why) for net, why in BLOCKED_NETWORKS)

# Cloud metadata endpoints. Most sit inside a blocked range already; Azure's does not.
# The allowlist never exempts these.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure IMDS, OpenStack, DigitalOcean ...
        "169.254.170.2",  # AWS ECS task metadata
        "169.254.169.123",  # AWS time sync
        "168.63.129.16",  # Azure wire server
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "fd00:ec2::23",  # AWS DNS over IPv6
    )
)

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def parse_networks(value: str | Iterable[str] | None) -> tuple[IPNetwork, ...]:
    """Parse a comma-separated string (or iterable) of CIDRs, as SOURCE_FETCH_ALLOWED_NETWORKS."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else value
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip())


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address carried inside an IPv6 address, for the forms a router would honour."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _allowed(address: IPAddress, allowed: tuple[IPNetwork, ...]) -> bool:
    return any(address.version == net.version and address in net for net in allowed)


def blocked_reason(address: IPAddress, allowed: tuple[IPNetwork, ...] = ()) -> str | None:
    """Why this address may not be fetched from, or None when it may."""
    if address in METADATA_ADDRESSES:
        return "cloud metadata address"
    inner = embedded_ipv4(address)
    if inner is not None:
        if inner in METADATA_ADDRESSES:
            return "cloud metadata address (embedded in IPv6)"
        if _allowed(address, allowed):
            return None
        reason = blocked_reason(inner, allowed)
        return f"{reason} (embedded in IPv6)" if reason else None
    if _allowed(address, allowed):
        return None
    for net, why in _BLOCKED:
        if address.version == net.version and address in net:
            return why
    if not address.is_global:
        return "not globally routable"
    return None


# Forms that inet_aton (and so getaddrinfo, curl, browsers) reads as IPv4: 1 to 4 parts, each
# decimal, octal (leading 0) or hex (0x). "2130706433", "0177.1", "0x7f.0.0.1" are all 127.0.0.1.
_NUMERIC_PART = re.compile(r"^(0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*)$")


def parse_legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """Read a host as inet_aton would; None when it is not a numeric IPv4 form.

    Raises FetchError(invalid_url) for hosts that look numeric but are out of range,
    so they are never handed to a resolver that might read them differently.
    """
    parts = (host.removesuffix(".")).split(".")
    if len(parts) > 4 or not all(_NUMERIC_PART.match(p) for p in parts):
        if _looks_numeric(parts[-1]):
            raise FetchError("invalid_url", f"The host {host!r} is not a valid address.")
        return None
    values = [_part_value(p) for p in parts]
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (5 - len(parts)):
        raise FetchError("invalid_url", f"The host {host!r} is not a valid address.")
    number = 0
    for v in head:
        number = number * 256 + v
    number = (number << (8 * (5 - len(parts)))) | last
    return ipaddress.IPv4Address(number)


def _part_value(part: str) -> int:
    if part[:2].lower() == "0x":
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part, 8)
    return int(part)


def _looks_numeric(label: str) -> bool:
    # WHATWG "ends in a number": a last label that is all digits or 0x-hex makes the host an IPv4 try.
    return label.isdigit() or bool(re.fullmatch(r"0[xX][0-9a-fA-F]*", label))


def literal_address(host: str) -> IPAddress | None:
    """The IP address a host string denotes by itself (no DNS), or None for a name."""
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if "%" in bare:
        raise FetchError("invalid_url", "Scoped IPv6 addresses are not accepted.")
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        pass
    return parse_legacy_ipv4(bare)


@dataclass(frozen=True)
class UrlPolicy:
    """Schemes, ports and networks the fetcher accepts."""

    allowed_networks: tuple[IPNetwork, ...] = ()
    allowed_ports: frozenset[int] = field(default_factory=lambda: frozenset({80, 443}))
    allowed_schemes: frozenset[str] = frozenset({"http", "https"})

    def check_address(self, address: IPAddress, host: str) -> None:
        """Raise blocked_address when the address is not allowed."""
        reason = blocked_reason(address, self.allowed_networks)
        if reason:
            raise FetchError(
                "blocked_address",
                f"{host} resolves to {address}, a {reason} address; the fetcher does not go there.",
            )
