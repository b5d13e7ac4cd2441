"""The OpenAPI document generates without warnings and validates; Swagger UI is served."""

from __future__ import annotations

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    # --fail-on-warn turns any drf-spectacular warning or error into a failure
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    text = (tmp_path / "schema.yaml").read_text()
    assert "/api/v1/claims/{id}/claimreview/" in text


def test_the_schema_and_swagger_ui_are_served(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


def test_every_operation_documents_the_error_body(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            assert "400" in operation["responses"], (method, path)
            if method in ("post", "patch"):
                assert {"409", "412", "428"} <= set(operation["responses"]), (method, path)


def test_swagger_ui_is_served_from_local_static_files_with_no_inline_script(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # every script is a file (CSP without unsafe-inline)


def test_a_blank_url_field_is_not_declared_a_uri(client):
    # "" fails format: uri, so a URL that may be blank must be a plain string in the schema.
    from claims.api.serializers import SourceSerializer
    from tests.factories import SourceFactory

    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    source = SourceSerializer(SourceFactory()).data  # never fetched: its URLs are blank
    properties = schema["components"]["schemas"]["Source"]["properties"]
    for name, value in source.items():
        if value == "":
            assert properties[name].get("format") != "uri", name


def test_no_serializer_declares_a_blankable_model_url_a_uri(client):
    # The same rule for every model serializer: a URLField that may be blank in the model is
    # read back as "" and must not be documented as format "uri" (a revision that was typed,
    # not fetched, has no source URL).
    import inspect

    from django.db import models
    from rest_framework import serializers

    from claims.api import serializers as module

    components = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()[
        "components"
    ]["schemas"]
    checked = []
    for name, cls in inspect.getmembers(module, inspect.isclass):
        if not issubclass(cls, serializers.ModelSerializer) or cls.__module__ != module.__name__:
            continue
        component = components.get(name.removesuffix("Serializer"))
        if component is None:
            continue
        for field_name, field in cls().fields.items():
            if field.write_only or field_name not in component["properties"]:
                continue
            try:
                model_field = cls.Meta.model._meta.get_field(field.source or field_name)
            except Exception:  # noqa: S112 - a computed field, not a column
                continue
            if isinstance(model_field, models.URLField) and model_field.blank:
                checked.append(f"{name}.{field_name}")
                assert component["properties"][field_name].get("format") != "uri", checked[-1]
    assert "ArticleRevisionSerializer.source_url" in checked


def test_swagger_ui_is_served_with_the_sites_content_security_policy(client):
    import base64
    import hashlib
    import re

    response = client.get("/api/docs/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe" not in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    style = re.search(r"<style>(.*?)</style>", response.content.decode(), re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy  # the page's one inline style, and only it
