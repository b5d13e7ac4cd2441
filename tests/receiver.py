"""A webhook receiver on a loopback address: records every POST, answers as the test says."""

from __future__ import annotations

import contextlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.sites import send


class Receiver:
    """POSTs land in `received` (headers lower-cased, raw body). `statuses` are answered in turn
    (then `default_status`); `delay` seconds are waited before each answer."""

    def __init__(self, host: str = "127.0.0.2", *, delay: float = 0.0) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        self.default_status = 204
        self.headers: dict[str, str] = {}
        self.delay = delay
        self._lock = threading.Lock()
        receiver = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver._lock:
                    receiver.received.append(
                        ({k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    code = (
                        receiver.statuses.pop(0) if receiver.statuses else receiver.default_status
                    )
                if receiver.delay:
                    time.sleep(receiver.delay)
                # 204 and 304 have no body (RFC 9110): bytes after one would be read as the next
                # answer on a kept-alive connection.
                body = b"ok" if code < 300 else b"nope"
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    if code in (204, 304):  # nor a Content-Length (RFC 9110, 8.6)
                        self.send_response(code)
                        for name, value in receiver.headers.items():
                            self.send_header(name, value)
                        self.end_headers()
                    else:
                        send(self, code, body, "text/plain", receiver.headers)

            def do_GET(self) -> None:
                with receiver._lock:
                    receiver.received.append(({"method": "GET"}, b""))
                send(self, 200, b"", "text/plain")

            def log_message(self, *args) -> None:
                pass

        class _Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 256

            def handle_error(self, request, client_address) -> None:
                pass

        self._server = _Server((host, 0), _Handler)
        self.host, self.port = self._server.server_address[:2]
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), daemon=True
        )
        self._thread.start()

    def url(self, path: str = "/hook") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def ids(self) -> list[str]:
        return [headers.get("webhook-id", "") for headers, _ in self.received]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
