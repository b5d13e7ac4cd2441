"""An HTTP fetcher that is safe to point at URLs typed by users.

How it stays inside the rules:
- each URL (the first and every redirect) is checked for scheme, port, userinfo and literal
  addresses before anything is sent;
- the host is resolved once per connection by `FetchConfig.resolver`; every answer is checked
  against the policy and the socket is opened to the checked address literal, so there is no
  second lookup for a rebinding DNS server to answer differently;
- the TLS server name and the Host header stay the original host name, so certificates verify;
- proxy environment variables are ignored (trust_env=False and our own transport);
- the body is decoded here, in bounded pieces, so a compression bomb stops at the cap;
- a total deadline bounds every socket read, headers included, so a slow drip cannot hold a worker;
- `post(..., keep_alive=True)` reuses one client per thread (webhook deliveries): a kept
  connection stays with the address it was checked for and obeys each request's own deadline,
  every new connection is resolved and checked again, and any failure drops the client.
"""

from __future__ import annotations

import contextlib
import email.utils
import functools
import ipaddress
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import certifi
import httpcore
import httpx

from .errors import FetchError
from .policy import UrlPolicy, literal_address, parse_networks

Resolver = Callable[[str, int], Sequence[str]]

ACCEPTED_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain", "application/pdf"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_UNSAFE_URL_CHARS = re.compile(r"[\x00-\x20\x7f\\]")
_DECODE_PIECE = 64 * 1024


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the operating system's resolver; every answer, in order, no duplicates."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


@dataclass(frozen=True)
class FetchConfig:
    """Limits and policy for one fetcher; built once from settings and reused."""

    policy: UrlPolicy = field(default_factory=UrlPolicy)
    max_bytes: int = 5 * 1024 * 1024
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0
    max_redirects: int = 3
    user_agent: str = "FactcheckWorkbench/1.0 (source archiver)"
    resolver: Resolver = system_resolver
    accepted_types: frozenset[str] = ACCEPTED_TYPES
    ca_file: str | None = None  # CA bundle for TLS verification; None: certifi's

    @classmethod
    def build(
        cls,
        *,
        allowed_networks: str | Sequence[str] | None = None,
        allowed_ports: Sequence[int] = (80, 443),
        **limits,
    ) -> FetchConfig:
        """A config from plain values, as a settings module holds them."""
        policy = UrlPolicy(
            allowed_networks=parse_networks(allowed_networks),
            allowed_ports=frozenset(int(p) for p in allowed_ports),
        )
        return cls(policy=policy, **limits)


@dataclass(frozen=True)
class FetchResult:
    """What came back: the decoded body and the facts about how it was obtained."""

    requested_url: str
    final_url: str
    status_code: int
    content_type: str
    charset: str | None
    body: bytes
    redirects: tuple[str, ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    elapsed: float = 0.0


def check_url(url: str | httpx.URL, policy: UrlPolicy) -> httpx.URL:
    """Validate a URL against the policy and return it without userinfo or fragment.

    Literal addresses (including decimal, octal and hex IPv4 forms) are checked here, so they
    never reach a resolver; names are checked when they are resolved, at connect time.
    """
    text = str(url)
    if _UNSAFE_URL_CHARS.search(text):
        raise FetchError(
            "invalid_url", "The URL contains spaces, control characters or backslashes."
        )
    _precheck_literal(text, policy)
    try:
        parsed = httpx.URL(text)
    except (httpx.InvalidURL, ValueError) as exc:
        raise FetchError("invalid_url", f"The URL could not be parsed: {exc}.") from None
    scheme = parsed.scheme.lower()
    if scheme not in policy.allowed_schemes:
        raise FetchError(
            "blocked_scheme", f"Only http and https URLs are fetched, not {scheme or 'this'}:."
        )
    if not parsed.host:
        raise FetchError("invalid_url", "The URL has no host.")
    port = parsed.port or (443 if scheme == "https" else 80)
    if port not in policy.allowed_ports:
        raise FetchError(
            "blocked_port", f"Port {port} is not fetched; only {sorted(policy.allowed_ports)}."
        )
    address = literal_address(parsed.host)
    if address is not None:
        policy.check_address(address, parsed.host)
        parsed = parsed.copy_with(host=str(address))
    # Credentials pasted in a URL are never sent on; the fragment never leaves the client.
    return parsed.copy_with(userinfo=b"", fragment=None)


def _precheck_literal(text: str, policy: UrlPolicy) -> None:
    """Judge a literal address as a second parser reads it, before httpx may reject its spelling.

    This can only add refusals: the host httpx parses is checked again below and at connect time.
    """
    try:
        split = urlsplit(text)
        host = split.hostname if split.scheme.lower() in policy.allowed_schemes else None
    except ValueError:
        return
    if host:
        try:
            address = literal_address(host)
        except FetchError:
            return
        if address is not None:
            policy.check_address(address, host)


def resolve_checked(host: str, port: int, config: FetchConfig) -> list[str]:
    """Resolve a host once and return its addresses, refusing if any one of them is blocked."""
    address = literal_address(host)
    if address is not None:
        config.policy.check_address(address, host)
        return [str(address)]
    try:
        answers = list(config.resolver(host, port))
    except FetchError:
        raise
    except socket.gaierror as exc:
        transient = exc.errno in (socket.EAI_AGAIN, getattr(socket, "EAI_SYSTEM", None))
        raise FetchError(
            "dns_failure", f"{host} could not be resolved ({exc.strerror}).", transient=transient
        ) from None
    except OSError as exc:
        raise FetchError(
            "dns_failure", f"{host} could not be resolved ({exc}).", transient=True
        ) from None
    if not answers:
        raise FetchError("dns_failure", f"{host} has no address.")
    checked = []
    for answer in answers:
        try:
            parsed = ipaddress.ip_address(answer)
        except ValueError:
            raise FetchError(
                "blocked_address", f"{host} resolves to {answer!r}, which is not a plain address."
            ) from None
        config.policy.check_address(parsed, host)
        checked.append(str(parsed))
    return checked


class _Deadline:
    """When the current request must end (monotonic seconds). A kept-alive client's connections
    share one, set anew for each request, so a reused connection obeys the request it serves."""

    __slots__ = ("at",)

    def __init__(self, at: float) -> None:
        self.at = at


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read and write ends by the fetch's overall deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def _timeout(self, timeout: float | None) -> float:
        remaining = self._deadline.at - time.monotonic()
        if remaining <= 0:
            raise httpcore.ReadTimeout("total time limit reached")
        return remaining if timeout is None else min(timeout, remaining)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._timeout(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._timeout(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        inner = self._inner.start_tls(ssl_context, server_hostname, self._timeout(timeout))
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class _CheckedBackend(httpcore.SyncBackend):
    """Resolves and checks the host itself, then connects to the checked address literal."""

    def __init__(self, config: FetchConfig, deadline: _Deadline) -> None:
        self._config = config
        self._deadline = deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        addresses = resolve_checked(host, port, self._config)
        error: Exception | None = None
        for address in addresses:
            remaining = self._deadline.at - time.monotonic()
            if remaining <= 0:
                raise httpcore.ConnectTimeout("total time limit reached")
            limit = remaining if timeout is None else min(timeout, remaining)
            try:
                # A literal address: create_connection parses it, it does not look it up.
                stream = super().connect_tcp(address, port, limit, local_address, socket_options)
            except httpcore.ConnectError as exc:
                error = exc
                continue
            return _DeadlineStream(stream, self._deadline)
        raise error or httpcore.ConnectError(f"could not connect to {host}")

    def connect_unix_socket(self, *args, **kwargs):
        raise FetchError("blocked_scheme", "Unix sockets are never fetched.")


@functools.cache
def _ssl_context(ca_file: str | None) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=ca_file or certifi.where())


class _CheckedTransport(httpx.HTTPTransport):
    def __init__(
        self, config: FetchConfig, deadline: _Deadline, keepalive_expiry: float | None = None
    ) -> None:
        context = _ssl_context(config.ca_file)
        super().__init__(verify=context, trust_env=False, http2=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=context,
            max_connections=4,
            max_keepalive_connections=4,
            keepalive_expiry=keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=_CheckedBackend(config, deadline),
        )


def fetch(url: str, config: FetchConfig) -> FetchResult:
    """Fetch one URL under the config's policy and limits; raise FetchError otherwise."""
    started = time.monotonic()
    deadline = started + config.total_timeout
    current = check_url(url, config.policy)
    redirects: list[str] = []
    headers = {
        "User-Agent": config.user_agent,
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,application/pdf;q=0.8",
        "Accept-Encoding": "gzip, deflate",
    }
    with (
        _http_errors("site"),
        httpx.Client(
            transport=_CheckedTransport(config, _Deadline(deadline)),
            trust_env=False,
            follow_redirects=False,
            headers=headers,
        ) as client,
    ):
        for hop in range(config.max_redirects + 1):
            request = client.build_request("GET", current, timeout=_timeouts(config, deadline))
            response = client.send(request, stream=True)
            try:
                if response.status_code in REDIRECT_STATUSES:
                    if hop == config.max_redirects:
                        raise FetchError(
                            "too_many_redirects",
                            f"More than {config.max_redirects} redirects.",
                            url=str(current),
                        )
                    current = _redirect_target(response, config)
                    redirects.append(str(current))
                    continue
                return _result(url, current, response, config, deadline, redirects, started)
            finally:
                response.close()
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class PostResult:
    """A POST's answer: the status, and the head of the body (for the delivery log)."""

    status_code: int
    body_head: bytes
    elapsed: float


# A kept connection idle longer than this is closed rather than reused (receivers close theirs).
KEEPALIVE_SECONDS = 30.0
_KEPT_CHECKED_URLS = 64  # checked URLs a kept client remembers
_kept = threading.local()


class _KeptClient:
    """One thread's client for repeated POSTs: its connections are kept alive between calls."""

    def __init__(self, config: FetchConfig) -> None:
        self.config = config
        self.deadline = _Deadline(0.0)
        self.client = httpx.Client(
            transport=_CheckedTransport(config, self.deadline, keepalive_expiry=KEEPALIVE_SECONDS),
            trust_env=False,
            follow_redirects=False,
        )
        self._checked: dict[str, httpx.URL] = {}

    def check_url(self, url: str) -> httpx.URL:
        """check_url under this client's policy, remembered: its answer depends on the URL and
        the policy alone (names are checked when a connection is made), and a receiver's URL
        is POSTed to again and again."""
        target = self._checked.get(url)
        if target is None:
            target = check_url(url, self.config.policy)
            if len(self._checked) >= _KEPT_CHECKED_URLS:
                self._checked.clear()
            self._checked[url] = target
        return target


def _kept_client(config: FetchConfig) -> _KeptClient:
    kept = getattr(_kept, "client", None)
    if kept is not None and kept.config != config:  # new settings: nothing carried over
        drop_kept_client()
        kept = None
    if kept is None:
        kept = _kept.client = _KeptClient(config)
    return kept


def drop_kept_client() -> None:
    """Close this thread's kept-alive client and its connections (the next POST opens anew)."""
    kept = getattr(_kept, "client", None)
    _kept.client = None
    if kept is not None:
        kept.client.close()


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    config: FetchConfig,
    *,
    max_body: int = 1000,
    keep_alive: bool = False,
) -> PostResult:
    """POST a body under the config's policy: the same checks as fetch, never a redirect.

    Any answer is returned (a redirect too, as its status); only transport failures raise.
    With ``keep_alive`` the thread's client is reused: a connection kept from an earlier call
    serves this one under this call's deadline; a new one is resolved and checked as in fetch.
    Any failure closes that client, so a broken or doubtful connection is never used again.
    """
    started = time.monotonic()
    deadline = started + config.total_timeout
    if not keep_alive:
        target = check_url(url, config.policy)
        with httpx.Client(
            transport=_CheckedTransport(config, _Deadline(deadline)),
            trust_env=False,
            follow_redirects=False,
        ) as client:
            return _post(client, target, body, headers, config, max_body, deadline, started)
    kept = _kept_client(config)
    target = kept.check_url(url)
    kept.deadline.at = deadline
    try:
        return _post(kept.client, target, body, headers, config, max_body, deadline, started)
    except BaseException:
        drop_kept_client()
        raise


def _post(client, target, body, headers, config, max_body, deadline, started) -> PostResult:
    with _http_errors("receiver"):
        request = client.build_request(
            "POST",
            target,
            content=body,
            headers={"User-Agent": config.user_agent, **headers},
            timeout=_timeouts(config, deadline),
        )
        response = client.send(request, stream=True)
        try:
            head = b""
            for chunk in response.iter_raw():
                head += chunk
                if len(head) >= max_body or time.monotonic() > deadline:
                    break
        finally:
            # A body not read to its end closes the connection rather than returning it.
            response.close()
        return PostResult(response.status_code, head[:max_body], time.monotonic() - started)


@contextlib.contextmanager
def _http_errors(peer: str) -> Iterator[None]:
    """httpx's failures as FetchErrors with their codes; ``peer`` names the other side."""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise FetchError(
            "timeout", f"The {peer} took too long to answer ({_describe(exc)}).", transient=True
        ) from None
    except httpx.ConnectError as exc:
        if "SSL" in str(exc) or "certificate" in str(exc).lower():
            raise FetchError("tls_error", f"The secure connection failed: {exc}.") from None
        raise FetchError(
            "connect_failed", f"Could not connect: {_describe(exc)}.", transient=True
        ) from None
    except (
        httpx.RemoteProtocolError,
        httpx.LocalProtocolError,
        httpx.ReadError,
        httpx.WriteError,
    ) as exc:
        raise FetchError(
            "protocol_error",
            f"The {peer} broke the HTTP exchange: {_describe(exc)}.",
            transient=True,
        ) from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise FetchError("invalid_url", str(exc)) from None


def _describe(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


def _timeouts(config: FetchConfig, deadline: float) -> httpx.Timeout:
    remaining = max(deadline - time.monotonic(), 0.001)
    return httpx.Timeout(
        connect=min(config.connect_timeout, remaining),
        read=min(config.read_timeout, remaining),
        write=min(config.read_timeout, remaining),
        pool=min(config.connect_timeout, remaining),
    )


def _redirect_target(response: httpx.Response, config: FetchConfig) -> httpx.URL:
    location = response.headers.get("location")
    if not location:
        raise FetchError("bad_redirect", f"HTTP {response.status_code} without a Location header.")
    if _UNSAFE_URL_CHARS.search(location):
        raise FetchError(
            "invalid_url", "The redirect target contains spaces, control characters or backslashes."
        )
    try:
        target = response.request.url.join(location)
    except (httpx.InvalidURL, ValueError):
        raise FetchError(
            "invalid_url", f"The redirect target {location!r} could not be parsed."
        ) from None
    return check_url(target, config.policy)


def _result(requested, url, response, config, deadline, redirects, started) -> FetchResult:
    _check_status(response)
    mime, charset = _content_type(response, config)
    body = _read_body(response, config, deadline)
    return FetchResult(
        requested_url=requested,
        final_url=str(url),
        status_code=response.status_code,
        content_type=mime,
        charset=charset,
        body=body,
        redirects=tuple(redirects),
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
        elapsed=time.monotonic() - started,
    )


def _check_status(response: httpx.Response) -> None:
    status = response.status_code
    if 200 <= status < 300:
        return
    if status == 404:
        raise FetchError("http_404", "The page was not found (HTTP 404).", status_code=status)
    if status == 410:
        raise FetchError("http_410", "The page is gone (HTTP 410).", status_code=status)
    if status == 429:
        raise FetchError(
            "http_429",
            "The site asked us to slow down (HTTP 429).",
            transient=True,
            status_code=status,
            retry_after=parse_retry_after(response.headers.get("retry-after")),
        )
    if status >= 500:
        raise FetchError(
            "http_5xx",
            f"The site had a server error (HTTP {status}).",
            transient=True,
            status_code=status,
            retry_after=parse_retry_after(response.headers.get("retry-after")),
        )
    raise FetchError(
        "http_status",
        f"The site answered HTTP {status}.",
        transient=status == 408,
        status_code=status,
    )


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(when.timestamp() - (time.time() if now is None else now), 0.0)


def _content_type(response: httpx.Response, config: FetchConfig) -> tuple[str, str | None]:
    header = response.headers.get("content-type", "")
    mime = header.split(";", 1)[0].strip().lower()
    if mime not in config.accepted_types:
        shown = mime or "no content type"
        raise FetchError(
            "bad_content_type", f"{shown} is not fetched; only HTML, XHTML, plain text and PDF."
        )
    match = re.search(r"charset\s*=\s*\"?([\w.:-]+)", header, re.IGNORECASE)
    return mime, (match.group(1).lower() if match else None)


def _read_body(response: httpx.Response, config: FetchConfig, deadline: float) -> bytes:
    limit = config.max_bytes
    declared = response.headers.get("content-length")
    if declared and declared.strip().isdigit() and int(declared) > limit:
        raise FetchError(
            "too_large", f"The page declares {int(declared)} bytes; the limit is {limit}."
        )
    decoder = _decoder(response.headers.get("content-encoding", ""))
    chunks: list[bytes] = []
    total = 0
    for raw in response.iter_raw():
        for piece in decoder.feed(raw):
            total += len(piece)
            if total > limit:
                raise FetchError(
                    "too_large", f"The page is larger than the limit of {limit} bytes."
                )
            chunks.append(piece)
        if time.monotonic() > deadline:
            raise FetchError(
                "timeout", "The page took longer than the total time limit.", transient=True
            )
    for piece in decoder.flush():
        total += len(piece)
        if total > limit:
            raise FetchError("too_large", f"The page is larger than the limit of {limit} bytes.")
        chunks.append(piece)
    return b"".join(chunks)


class _Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        if data:
            yield data

    def flush(self) -> Iterator[bytes]:
        return iter(())


class _Zlib:
    """gzip or deflate, inflated at most 64 KiB at a time so the size cap bites early."""

    def __init__(self, gzip: bool) -> None:
        self._gzip = gzip
        self._z: zlib._Decompress | None = None

    def _start(self, data: bytes):
        if self._gzip:
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        # "deflate" is meant to be zlib-wrapped, but many servers send raw deflate.
        is_zlib = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
        return zlib.decompressobj(zlib.MAX_WBITS if is_zlib else -zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._z is None:
            if not data:
                return
            self._z = self._start(data)
        buffer = data
        try:
            while buffer and not self._z.eof:
                piece = self._z.decompress(buffer, _DECODE_PIECE)
                if piece:
                    yield piece
                buffer = self._z.unconsumed_tail
        except zlib.error as exc:
            raise FetchError("bad_encoding", f"The compressed body is corrupt ({exc}).") from None

    def flush(self) -> Iterator[bytes]:
        if self._z is not None and not self._z.eof:
            piece = self._z.flush(_DECODE_PIECE)
            if piece:
                yield piece


def _decoder(header: str):
    encoding = header.strip().lower()
    if encoding in ("", "identity"):
        return _Identity()
    if encoding in ("gzip", "x-gzip"):
        return _Zlib(gzip=True)
    if encoding == "deflate":
        return _Zlib(gzip=False)
    raise FetchError("bad_encoding", f"The content encoding {encoding!r} is not supported.")
