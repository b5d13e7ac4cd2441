"""Network safety for the whole test suite: a connect guard and a stub resolver.

Registered as a pytest plugin (`pytest_plugins = ["tests.network"]` in tests/conftest.py).

- `network_guard` (autouse, every test): wraps socket connect/sendto and getaddrinfo. A connection
  to anything but 127.0.0.0/8, ::1 or a Unix socket is refused *before* it is attempted and fails
  the test, even if the code under test swallows the exception. Name lookups other than
  "localhost" and address literals are refused too: test host names go through `stub_resolver`.
- `connections`: the log of (host, port) pairs the test's code connected to, for assertions such
  as "0 connections made".
- `stub_resolver`: a resolver for the fetcher, answering from a table the test fills in.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Sequence

import pytest

_LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_sendto = socket.socket.sendto
_real_getaddrinfo = socket.getaddrinfo


class NetworkGuardError(AssertionError):
    """Raised in place of a connection that would have left the machine."""


def is_loopback(host: str) -> bool:
    """True for an address literal on 127.0.0.0/8 or ::1 (IPv4-mapped loopback included)."""
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address.version == net.version and address in net for net in _LOOPBACK)


class ConnectionLog:
    """Connections made (and refused) while a test ran, across all threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.made: list[tuple[str, int]] = []
        self.refused: list[str] = []

    def record(self, host: str, port: int) -> None:
        with self._lock:
            self.made.append((host, port))

    def refuse(self, what: str) -> None:
        with self._lock:
            self.refused.append(what)

    def to(self, host: str, port: int | None = None) -> list[tuple[str, int]]:
        """Connections made to this host (and port, when given)."""
        return [(h, p) for h, p in self.made if h == host and (port is None or p == port)]

    def clear(self) -> None:
        with self._lock:
            self.made.clear()


def _check(sock: socket.socket, address, log: ConnectionLog) -> None:
    if sock.family == getattr(socket, "AF_UNIX", None):
        return
    if not isinstance(address, tuple) or not address:
        log.refuse(repr(address))
        raise NetworkGuardError(f"network guard: unexpected address {address!r}")
    host, port = str(address[0]), int(address[1]) if len(address) > 1 else 0
    if not is_loopback(host):
        log.refuse(f"{host}:{port}")
        raise NetworkGuardError(
            f"network guard: connection to {host}:{port} refused (not loopback)"
        )
    log.record(host, port)


@pytest.fixture(autouse=True)
def network_guard(monkeypatch: pytest.MonkeyPatch):
    """Refuse, before the attempt, any connection that would leave the machine."""
    log = ConnectionLog()

    def connect(self, address):
        _check(self, address, log)
        return _real_connect(self, address)

    def connect_ex(self, address):
        _check(self, address, log)
        return _real_connect_ex(self, address)

    def sendto(self, data, *args):
        address = args[-1]
        if self.family != getattr(socket, "AF_UNIX", None):
            _check(self, address, log)
        return _real_sendto(self, data, *args)

    def getaddrinfo(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if (
            name is not None
            and name.lower() not in ("localhost", "localhost.")
            and not _is_literal(name)
        ):
            log.refuse(f"lookup {name}")
            raise NetworkGuardError(
                f"network guard: DNS lookup of {name!r} refused; use stub_resolver"
            )
        return _real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket.socket, "sendto", sendto)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield log
    if log.refused:
        pytest.fail(f"network guard refused: {', '.join(log.refused)}")


def _is_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return False
    return True


@pytest.fixture
def connections(network_guard: ConnectionLog) -> ConnectionLog:
    """The connections the test made so far (the guard's log)."""
    return network_guard


class StubResolver:
    """Answers test host names from a table; records every lookup; unknown names fail like NXDOMAIN.

    An entry is a list of addresses, or a list of such lists to answer differently on each lookup
    (the last answer repeats), which is how DNS rebinding is staged.
    """

    def __init__(self) -> None:
        self.table: dict[str, list] = {}
        self.calls: list[str] = []
        self._lock = threading.Lock()

    def add(self, name: str, *answers: Sequence[str] | str) -> None:
        """Answer `name` with addresses; several sequences answer successive lookups in turn."""
        if answers and all(isinstance(a, str) for a in answers):
            self.table[name.lower()] = [list(answers)]
        else:
            self.table[name.lower()] = [list(a) for a in answers]

    def lookups(self, name: str) -> int:
        return sum(1 for call in self.calls if call == name.lower())

    def __call__(self, host: str, port: int) -> list[str]:
        name = host.lower().rstrip(".")
        with self._lock:
            self.calls.append(name)
            answers = self.table.get(name)
            if answers is None:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            current = answers[0]
            if len(answers) > 1:
                answers.pop(0)
            return list(current)


@pytest.fixture
def stub_resolver() -> StubResolver:
    """A fresh resolver for test host names (news.test, rebind.test, mixed.test ...)."""
    return StubResolver()
