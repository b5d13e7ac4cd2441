"""Schemathesis against the OpenAPI schema on a live server: no 5xx, responses match the schema."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from claims.fetching import FetchError
from claims.services.evidence import evidence_add
from claims.services.tokens import api_token_create
from claims.services.verdicts import (
    verdict_approve,
    verdict_create,
    verdict_publish,
    verdict_submit,
)
from tests.claims.api.conftest import extraction  # noqa: F401  (the fixture, by name)
from tests.factories import ArticleFactory, ClaimFactory, EditorFactory

pytestmark = [pytest.mark.django_db(transaction=True)]

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]
)


@pytest.fixture
def seeded(settings, monkeypatch):
    """Some of everything, so generated ids hit real objects too; throttles off."""
    settings.API_THROTTLE_RATES = {"token": None, "writes": None}
    monkeypatch.setattr("claims.services.queue.current_app.send_task", lambda *a, **kw: None)

    # Registering a webhook resolves its host: test names resolve nowhere here (the network
    # guard refuses real DNS), as an unknown name does, which registration accepts.
    def no_such_name(host, port, config):
        raise FetchError("dns_failure", f"No address for {host}.", transient=True)

    monkeypatch.setattr("claims.services.webhooks.resolve_checked", no_such_name)
    editor, second = EditorFactory(), EditorFactory()
    for _ in range(3):
        claim = ClaimFactory(article=ArticleFactory(url="https://example.test/a"))
        evidence_add(actor=editor, claim=claim, url="https://src.test/x", stance="context")
        verdict = verdict_create(actor=editor, claim=claim, rating="false", summary="No.")
        verdict_submit(actor=editor, verdict=verdict)
        verdict_approve(actor=second, verdict=verdict)
        verdict_publish(actor=second, verdict=verdict)
    return api_token_create(user=editor)[1]


@pytest.mark.usefixtures("extraction")
def test_schemathesis_finds_no_server_errors_and_no_schema_mismatches(
    live_server, seeded, tmp_path
):
    report = tmp_path / "junit.xml"
    command = [
        str(Path(sys.executable).with_name("st")),
        "run",
        f"{live_server.url}/api/schema/",
        "--checks",
        CHECKS,
        "--header",
        f"Authorization: Token {seeded}",
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"),
        "--workers",
        "1",
        "--seed",
        "1",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
        "--no-color",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-12000:]
