"""Sign-in that resists guessing: failed passwords are counted per account and per address.

Every password check goes through Django's ``authenticate()`` (the web login, the admin login, the
API token endpoint, a shell), so the count lives in the first authentication backend. An account or
address with too many failures in the window is locked until the window ends: its password is not
even checked then, and the sign-in forms say so and say when to try again.

The counters are in the cache (Redis wherever several processes serve, see CACHE_URL), with atomic
increments. The client's address is the connection's unless ``NUM_PROXIES`` declares proxies that
append to X-Forwarded-For; otherwise a guesser could name a new address with every request.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache as _cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import ValidationError


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or the one NUM_PROXIES trusted proxies put before them."""
    meta = getattr(request, "META", {}) or {}
    remote = meta.get("REMOTE_ADDR", "") or ""
    proxies = settings.NUM_PROXIES
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return remote


@dataclass(frozen=True)
class Lock:
    """Why sign-in is refused for now, and until when."""

    scope: str  # "account" or "address"
    until: float  # epoch seconds

    @property
    def retry_at(self) -> datetime:
        return datetime.fromtimestamp(self.until, UTC)

    @property
    def seconds_left(self) -> int:
        return max(1, int(self.until - time.time() + 0.999))

    def message(self) -> str:
        who = "this account" if self.scope == "account" else "your address"
        minutes = (self.seconds_left + 59) // 60
        return (
            f"Too many failed sign-ins for {who}: it is locked. Try again after "
            f"{self.retry_at:%H:%M} UTC (in {minutes} minute{'s' if minutes != 1 else ''})."
        )


def _keys(scope: str, ident: str) -> tuple[str, str]:
    digest = hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"signin:{scope}:{digest}:n", f"signin:{scope}:{digest}:t0"


def _scopes(request, username: str | None) -> list[tuple[str, str, int]]:
    scopes = []
    if username:
        scopes.append(
            ("account", username.strip().casefold(), settings.SIGNIN_MAX_FAILURES_PER_ACCOUNT)
        )
    if request is not None:
        scopes.append(
            ("address", client_address(request), settings.SIGNIN_MAX_FAILURES_PER_ADDRESS)
        )
    return scopes


def signin_lock(request, username: str | None) -> Lock | None:
    """The lock on this account or this address, if either has too many recent failures."""
    for scope, ident, limit in _scopes(request, username):
        count_key, start_key = _keys(scope, ident)
        found = cache.get_many([count_key, start_key])
        if limit > 0 and found.get(count_key, 0) >= limit:
            start = found.get(start_key) or time.time()
            return Lock(scope=scope, until=start + settings.SIGNIN_WINDOW_SECONDS)
    return None


def signin_failed(request, username: str | None) -> None:
    """Count a failed password for the account and the address (the window starts at the first)."""
    window = settings.SIGNIN_WINDOW_SECONDS
    for scope, ident, _limit in _scopes(request, username):
        count_key, start_key = _keys(scope, ident)
        cache.add(start_key, time.time(), window)
        cache.add(count_key, 0, window)
        try:
            cache.incr(count_key)
        except ValueError:  # expired between add and incr
            cache.set(count_key, 1, window)


def signin_succeeded(request, username: str | None) -> None:
    """A right password clears the account's count (never the address's)."""
    if username:
        cache.delete_many(_keys("account", username.strip().casefold()))


class ThrottledModelBackend(ModelBackend):
    """Django's username and password check, refused while locked, and counting failures."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if signin_lock(request, username) is not None:
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            if password is not None:
                signin_failed(request, username)
        else:
            signin_succeeded(request, username)
        return user


class LockAwareLoginForm:
    """Mixin for Django's login forms: a locked account or address is told so, and until when."""

    signin_locked: Lock | None = None

    def clean(self):
        username = self.cleaned_data.get("username")
        self.signin_locked = signin_lock(self.request, username)
        if self.signin_locked is not None:
            raise ValidationError(self.signin_locked.message(), code="locked")
        return super().clean()


def login_response_status(form) -> int:
    """429 for a sign-in refused because of a lock (so clients and proxies see it), else 200."""
    return 429 if getattr(form, "signin_locked", None) is not None else 200


@_cache
def admin_login_form():
    """The admin's login form with the lock check."""
    from django.contrib.admin.forms import AdminAuthenticationForm

    return type("AdminSignInForm", (LockAwareLoginForm, AdminAuthenticationForm), {})
