"""Throttles: on the token endpoint (per address), on writes (per user), on anonymous reads
(per address) and on the @mention autocomplete (per user)."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from claims.signin import client_address


class _SettingsRateThrottle(SimpleRateThrottle):
    """Reads its rate from settings at each request, so the environment and tests can change it."""

    def __init__(self):
        pass

    def get_ident(self, request):
        # The connection's address unless NUM_PROXIES declares proxies (DRF's own default trusts
        # any X-Forwarded-For, so a client could name a new address with every request).
        return client_address(request)

    def allow_request(self, request, view):
        self.rate = settings.API_THROTTLE_RATES.get(self.scope)
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class TokenThrottle(_SettingsRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class WriteThrottle(_SettingsRateThrottle):
    """Limits unsafe methods only; reads are limited by AnonymousReadThrottle."""

    scope = "writes"

    def allow_request(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        ident = request.user.pk if request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonymousReadThrottle(_SettingsRateThrottle):
    """Limits reads by clients that are not signed in, per address: the public API (published
    claims, fact-checks, search) is open to anyone, so each address gets a budget of requests.
    Members' reads are not limited."""

    scope = "anonymous_reads"

    def allow_request(self, request, view):
        if request.method not in ("GET", "HEAD", "OPTIONS") or request.user.is_authenticated:
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class MentionThrottle(_SettingsRateThrottle):
    """The @mention autocomplete, per user: it answers as one types, so it gets its own budget."""

    scope = "mentions"

    def get_cache_key(self, request, view):
        ident = request.user.pk if request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
