"""ETag and If-Match: the version a client read, carried back on its writes."""

from __future__ import annotations

import re

from claims.api.authentication import TokenAuthentication
from claims.api.errors import PreconditionFailed, PreconditionRequired

_TAG = re.compile(r'^(?:W/)?"(?P<kind>[a-z]+):(?P<id>\d+):(?P<version>\d+)"$')


def etag_for(obj) -> str:
    """A strong ETag naming the object and its version."""
    return f'"{obj._meta.model_name}:{obj.pk}:{obj.version}"'


def expected_version(request, obj) -> int | None:
    """The version the client's If-Match names; 428 for token clients that send none.

    Browser (session) clients may omit it (the UI carries the version in its forms); ``*`` matches
    any version. An If-Match that names another object or cannot be read is a failed precondition.
    """
    header = request.headers.get("If-Match", "").strip()
    if not header:
        if isinstance(request.successful_authenticator, TokenAuthentication):
            raise PreconditionRequired()
        return None
    if header == "*":
        return None
    kind, pk = obj._meta.model_name, obj.pk
    versions = []
    for tag in (part.strip() for part in header.split(",")):
        match = _TAG.match(tag)
        if match and match["kind"] == kind and int(match["id"]) == pk:
            versions.append(int(match["version"]))
    if not versions:
        raise PreconditionFailed()
    return obj.version if obj.version in versions else versions[0]
