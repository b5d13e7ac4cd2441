"""OpenAPI postprocessing: document the error body every operation may answer with."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object

ERROR_SCHEMA = {
    "type": "object",
    "description": "An error: `detail` says what went wrong; `errors` names the fields.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {}},
        },
        "current_state": {"type": "string"},
        "current_version": {"type": "integer"},
        "current": {"type": "object", "additionalProperties": {}},
    },
    "required": ["detail"],
}
ERRORS = {
    "400": "Invalid input: `errors` names each field and its problem.",
    "401": "Not signed in.",
    "403": "The role does not allow this.",
    "404": "No such object, or not visible to you.",
    "405": "Method not allowed.",
    "406": "Cannot produce the requested media type.",
    "409": "Not possible from the object's current state.",
    "412": "If-Match names an older version.",
    "413": "The request body is too large.",
    "415": "Unsupported media type.",
    "428": "A token client must send If-Match.",
    "429": "Too many requests.",
}
READ_ERRORS = ("400", "401", "403", "404", "405", "406", "429")
WRITE_ERRORS = tuple(ERRORS)


def add_error_responses(result, generator, request, public):
    """Add the Error schema and the error statuses to every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = READ_ERRORS if method in ("get", "head") else WRITE_ERRORS
            # errors come in the operation's own media types too (e.g. application/ld+json)
            media = {"application/json"}
            for response in operation["responses"].values():
                media |= set(response.get("content", {}))
            content = {media_type: {"schema": ref} for media_type in sorted(media)}
            for code in codes:
                operation["responses"].setdefault(
                    code, {"description": ERRORS[code], "content": content}
                )
    return result


class ProjectTokenScheme(OpenApiAuthenticationExtension):
    """`Authorization: Token <key>` in the schema, for the project's knox-based authenticator."""

    target_class = "claims.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization",
            token_prefix="Token",  # noqa: S106
        )
