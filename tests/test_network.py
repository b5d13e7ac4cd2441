"""The guard itself: it must refuse before the attempt, and let loopback and Unix sockets through."""

import socket

import pytest

from tests.network import NetworkGuardError


def test_the_guard_refuses_a_connection_off_the_machine_before_it_is_attempted(network_guard):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(NetworkGuardError):
            sock.connect(("192.0.2.1", 80))  # TEST-NET-1: unroutable even if the guard broke
    finally:
        sock.close()
    assert network_guard.refused == ["192.0.2.1:80"]
    network_guard.refused.clear()


def test_the_guard_refuses_real_name_lookups(network_guard):
    with pytest.raises(NetworkGuardError):
        socket.getaddrinfo("example.invalid", 80)
    network_guard.refused.clear()


def test_the_guard_lets_loopback_through(network_guard):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    address = server.getsockname()
    client = socket.create_connection(address, timeout=1)
    client.close()
    server.close()
    assert network_guard.made == [address]


def test_the_guard_lets_unix_sockets_through(network_guard, tmp_path):
    path = str(tmp_path / "s")
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    server.listen()
    client = socket.socket(socket.AF_UNIX)
    client.connect(path)
    client.close()
    server.close()
