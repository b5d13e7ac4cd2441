"""Bad input answers 4xx naming the field and the problem, and changes nothing."""

from __future__ import annotations

import pytest

from claims.models import Article, Claim, Comment, Evidence, Source, Verdict
from tests.claims.api.conftest import token_client
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    ReviewerFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db


def snapshot() -> tuple:
    """Every row that matters, so 'unchanged' means unchanged."""
    return tuple(
        list(model.objects.order_by("pk").values())
        for model in (Article, Claim, Source, Evidence, Verdict, Comment)
    )


@pytest.fixture
def world():
    article = ArticleFactory()
    claim = ClaimFactory(article=article)
    return {
        "article": article,
        "claim": claim,
        "draft": VerdictFactory(claim=claim),
        "reviewer": token_client(ReviewerFactory()),
        "editor": token_client(EditorFactory()),
    }


def send(client, method, url, data=None, **kwargs):
    return getattr(client, method)(url, data, **kwargs)


CASES = [
    # (name, who, method, url, body, status, field)
    (
        "end past the body",
        "reviewer",
        "post",
        "/api/v1/claims/",
        {"article": "A", "start": 0, "end": 9999},
        400,
        "end",
    ),
    (
        "start at end",
        "reviewer",
        "post",
        "/api/v1/claims/",
        {"article": "A", "start": 5, "end": 5},
        400,
        "end",
    ),
    (
        "start after end",
        "reviewer",
        "post",
        "/api/v1/claims/",
        {"article": "A", "start": 9, "end": 2},
        400,
        "end",
    ),
    (
        "negative start",
        "reviewer",
        "post",
        "/api/v1/claims/",
        {"article": "A", "start": -1, "end": 2},
        400,
        "start",
    ),
    (
        "start not a number",
        "reviewer",
        "post",
        "/api/v1/claims/",
        {"article": "A", "start": "x", "end": 2},
        400,
        "start",
    ),
    (
        "huge offset",
        "reviewer",
        "post",
        "/api/v1/claims/",
        {"article": "A", "start": 0, "end": 10**12},
        400,
        "end",
    ),
    (
        "quote mismatch",
        "reviewer",
        "post",
        "/api/v1/claims/",
        {"article": "A", "start": 0, "end": 3, "quote": "Thx"},
        400,
        "quote",
    ),
    (
        "no such article",
        "reviewer",
        "post",
        "/api/v1/claims/",
        {"article": 999999, "start": 0, "end": 3},
        400,
        "article",
    ),
    (
        "unknown claim type",
        "reviewer",
        "post",
        "/api/v1/claims/",
        {"article": "A", "start": 0, "end": 3, "claim_type": "gossip"},
        400,
        "claim_type",
    ),
    (
        "span edit past the body",
        "reviewer",
        "patch",
        "/api/v1/claims/C/",
        {"end": 9999},
        400,
        "end",
    ),
    (
        "span edit reversed",
        "reviewer",
        "patch",
        "/api/v1/claims/C/",
        {"start": 50, "end": 10},
        400,
        "end",
    ),
    (
        "unknown rating",
        "reviewer",
        "post",
        "/api/v1/claims/C/verdicts/",
        {"rating": "pants-on-fire"},
        400,
        "rating",
    ),
    (
        "missing rating",
        "reviewer",
        "post",
        "/api/v1/claims/C/verdicts/",
        {"summary": "x"},
        400,
        "rating",
    ),
    (
        "unknown rating on edit",
        "editor",
        "patch",
        "/api/v1/verdicts/V/",
        {"rating": "nope"},
        400,
        "rating",
    ),
    (
        "bad stance",
        "reviewer",
        "post",
        "/api/v1/claims/C/evidence/",
        {"url": "https://a.test", "stance": "meh"},
        400,
        "stance",
    ),
    (
        "non-http source",
        "reviewer",
        "post",
        "/api/v1/claims/C/evidence/",
        {"url": "file:///etc/passwd", "stance": "context"},
        400,
        "url",
    ),
    ("empty comment", "reviewer", "post", "/api/v1/claims/C/comments/", {"body": ""}, 400, "body"),
    (
        "bad dismissal reason",
        "editor",
        "post",
        "/api/v1/claims/C/dismiss/",
        {"reason": "boring"},
        400,
        "reason",
    ),
    (
        "assign to nobody known",
        "editor",
        "post",
        "/api/v1/claims/C/assign/",
        {"assignee": 999999},
        400,
        "assignee",
    ),
    ("reject without reason", "editor", "post", "/api/v1/verdicts/V/reject/", {}, 400, "reason"),
    (
        "unknown status filter",
        "reviewer",
        "get",
        "/api/v1/claims/?status=lost",
        None,
        400,
        "status",
    ),
    (
        "article without body",
        "reviewer",
        "post",
        "/api/v1/articles/",
        {"title": "T", "body": ""},
        400,
        "body",
    ),
    (
        # a body change is a revision (issue 20); a blank one is refused
        "article body blank",
        "reviewer",
        "patch",
        "/api/v1/articles/A/",
        {"body": "   "},
        400,
        "body",
    ),
    (
        "article body not text",
        "reviewer",
        "patch",
        "/api/v1/articles/A/",
        {"body": {"text": "x"}},
        400,
        "body",
    ),
]


@pytest.mark.parametrize(
    ("name", "who", "method", "url", "body", "status", "field"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_input_names_the_field_and_changes_nothing(
    world, name, who, method, url, body, status, field
):
    ids = {"A": world["article"].pk, "C": world["claim"].pk, "V": world["draft"].pk}
    for key, value in ids.items():
        url = url.replace(f"/{key}/", f"/{value}/")
    if isinstance(body, dict) and body.get("article") == "A":
        body = {**body, "article": ids["A"]}
    before = snapshot()
    response = send(world[who], method, url, body, format="json", HTTP_IF_MATCH="*")
    assert response.status_code == status, response.content
    if field is not None:
        assert field in response.json()["errors"], response.json()
        assert response.json()["detail"]
    assert snapshot() == before


def test_a_transition_from_the_wrong_state_is_a_conflict_naming_the_state(world):
    before = snapshot()
    response = world["editor"].post(
        f"/api/v1/verdicts/{world['draft'].pk}/approve/", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 409
    assert response.json()["current_state"] == "draft"
    assert snapshot() == before


def test_malformed_json_names_the_body(world):
    before = snapshot()
    response = world["reviewer"].post(
        "/api/v1/claims/", '{"article": 1, "start":', content_type="application/json"
    )
    assert response.status_code == 400
    assert "body" in response.json()["errors"]
    assert snapshot() == before


def test_an_oversized_body_is_refused_before_it_is_read(world, settings):
    settings.API_MAX_BODY_BYTES = 10_000
    before = snapshot()
    response = world["reviewer"].post(
        f"/api/v1/claims/{world['claim'].pk}/comments/", {"body": "x" * 20_000}, format="json"
    )
    assert response.status_code == 413
    assert "body" in response.json()["errors"]
    assert snapshot() == before


def test_a_page_out_of_range_is_not_found(world):
    assert world["reviewer"].get("/api/v1/claims/?page=99").status_code == 404
    assert world["reviewer"].get("/api/v1/claims/?page=0").status_code == 404


def test_a_token_client_must_send_if_match_and_a_wrong_one_fails(world):
    claim = world["claim"]
    url = f"/api/v1/claims/{claim.pk}/"
    assert world["reviewer"].patch(url, {"statement": "x"}, format="json").status_code == 428
    wrong = world["reviewer"].patch(
        url, {"statement": "x"}, format="json", HTTP_IF_MATCH=f'"verdict:{claim.pk}:1"'
    )
    assert wrong.status_code == 412
    claim.refresh_from_db()
    assert claim.version == 1 and claim.statement == ""
