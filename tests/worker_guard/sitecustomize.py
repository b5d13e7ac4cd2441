"""Network guard for subprocesses started by tests (Celery workers, the bench's worker).

Put this directory on PYTHONPATH and Python imports it at start-up: any connection off
127.0.0.0/8 and ::1 (Unix sockets excepted) raises before it is attempted, and name lookups other
than localhost and literals are refused, so a worker under test cannot reach the outside either.
"""

import ipaddress
import os
import socket
import sys

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo
_LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


def _loopback(host):
    try:
        address = ipaddress.ip_address(str(host).split("%", 1)[0])
    except ValueError:
        return False
    if getattr(address, "ipv4_mapped", None) is not None:
        address = address.ipv4_mapped
    return any(address.version == net.version and address in net for net in _LOOPBACK)


def _check(sock, address):
    if sock.family == getattr(socket, "AF_UNIX", None):
        return
    host = address[0] if isinstance(address, tuple) and address else address
    if not _loopback(host):
        sys.stderr.write(f"NETWORK GUARD: refused connection to {address!r}\n")
        raise ConnectionRefusedError(f"network guard: {address!r} is not loopback")


def _connect(self, address):
    _check(self, address)
    return _real_connect(self, address)


def _connect_ex(self, address):
    _check(self, address)
    return _real_connect_ex(self, address)


def _getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name is not None and name.lower() not in ("localhost", "localhost."):
        try:
            ipaddress.ip_address(name.split("%", 1)[0])
        except ValueError:
            sys.stderr.write(f"NETWORK GUARD: refused lookup of {name!r}\n")
            raise socket.gaierror(socket.EAI_NONAME, "network guard: lookup refused") from None
    return _real_getaddrinfo(host, *args, **kwargs)


if os.environ.get("FACTCHECK_NETWORK_GUARD", "1") == "1":
    socket.socket.connect = _connect
    socket.socket.connect_ex = _connect_ex
    socket.getaddrinfo = _getaddrinfo
