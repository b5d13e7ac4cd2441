"""Error bodies that name the field and the problem; domain exceptions mapped to HTTP statuses.

Every error body has ``detail`` (a sentence) and, when one input is to blame, ``errors``:
``{field: [problem, ...]}``. Serializer errors keep DRF's ``{field: [...]}`` under ``errors``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from claims.services import errors as domain

DOMAIN_STATUS = {
    domain.PermissionDenied: status.HTTP_403_FORBIDDEN,
    domain.NotFound: status.HTTP_404_NOT_FOUND,
    domain.InvalidTransition: status.HTTP_409_CONFLICT,
    domain.ValidationError: status.HTTP_400_BAD_REQUEST,
    domain.StaleVersion: status.HTTP_412_PRECONDITION_FAILED,
    domain.UserError: status.HTTP_400_BAD_REQUEST,
}


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = "This write needs an If-Match header with the ETag you last read."
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The If-Match header does not name the current version."
    default_code = "precondition_failed"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


def _domain_response(exc: domain.DomainError) -> Response:
    body: dict = {"detail": exc.message, "code": exc.code}
    if isinstance(exc, domain.ValidationError):
        body["errors"] = exc.as_dict()
    elif isinstance(exc, domain.InvalidTransition):
        body["current_state"] = exc.current_state
    elif isinstance(exc, domain.StaleVersion):
        body["current_version"] = exc.current_version
        body["current"] = exc.current
    return Response(body, status=DOMAIN_STATUS[type(exc)])


def _as_list(problems) -> list:
    """A field's problems as a list of sentences: a list field's per-item errors
    (``{"0": [...]}``) become "item 0: ..." so every field maps to a list, as documented."""
    if isinstance(problems, dict):
        return [f"item {key}: {_flatten(value)}" for key, value in problems.items()]
    return problems if isinstance(problems, list) else [problems]


def _flatten(detail) -> str:
    if isinstance(detail, dict):
        return "; ".join(f"{k}: {_flatten(v)}" for k, v in detail.items())
    if isinstance(detail, list):
        return " ".join(_flatten(v) for v in detail)
    return str(detail)


def exception_handler(exc, context):
    """DRF's handler, plus domain errors and a uniform {detail, code, errors} body."""
    if isinstance(exc, domain.DomainError):
        return _domain_response(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        # Django's limit on a form's fields (a multipart body sent as a field, not a file).
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = PayloadTooLarge(f"The form's fields hold more than the limit of {limit:,} bytes.")
    if isinstance(exc, IntegrityError):
        # The database refused a row the services let through: a conflict, not a crash.
        return Response(
            {"detail": "The change conflicts with the stored data.", "code": "conflict"},
            status=status.HTTP_409_CONFLICT,
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        errors = {field: _as_list(problems) for field, problems in errors.items()}
        response.data = {"detail": _flatten(errors), "code": "invalid", "errors": errors}
    elif isinstance(exc, exceptions.ParseError):
        response.data = {
            "detail": str(exc.detail),
            "code": "parse_error",
            "errors": {"body": [str(exc.detail)]},
        }
    elif isinstance(exc, PayloadTooLarge):
        response.data = {
            "detail": str(exc.detail),
            "code": "too_large",
            "errors": {"body": [str(exc.detail)]},
        }
    elif isinstance(exc, exceptions.APIException):
        response.data = {"detail": _flatten(exc.detail), "code": exc.get_codes()}
        if not isinstance(response.data["code"], str):
            response.data["code"] = "error"
    return response
