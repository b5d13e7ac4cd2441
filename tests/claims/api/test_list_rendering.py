"""Claim list pages written by PostgreSQL equal what the serializer writes, item for item."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from claims.api.serializers import ClaimSerializer
from claims.models import Claim
from tests.claims.api.conftest import token_client
from tests.factories import ArticleFactory, ClaimFactory, EditorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

# Text that JSON writers escape differently if they are careless: quotes, backslashes, control
# characters, HTML, non-Latin scripts, astral characters and a lone line separator.
AWKWARD = 'He said "10\\000" <b>troops</b>\t\x01 — Зеленський 習近平 🇺🇦 \u2028end.'


@pytest.fixture
def article():
    body = "First claim here. " + AWKWARD + " Third one is here. Fourth one, too. "
    article = ArticleFactory(body=body)
    spans = [(0, 17), (18, 18 + len(AWKWARD)), (19 + len(AWKWARD), 37 + len(AWKWARD))]
    reviewer = ReviewerFactory()
    stamps = [
        dt.datetime(2024, 11, 20, 5, 0, 0, 0, tzinfo=dt.UTC),  # no microseconds
        dt.datetime(2024, 11, 20, 5, 0, 1, 120000, tzinfo=dt.UTC),  # trailing zeros
        dt.datetime(2024, 11, 20, 5, 0, 2, 7, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    ]
    for (start, end), stamp, assignee, score in zip(
        spans, stamps, [None, reviewer, None], [None, 0.1 + 0.2, 1.0], strict=True
    ):
        claim = ClaimFactory(
            article=article,
            start=start,
            end=end,
            statement=AWKWARD if assignee else "",
            claimant="Volodymyr Zelensky",
            claimant_kind="person",
            assignee=assignee,
            checkworthiness=score,
            reasons=["contains a quantity: 10,000", {"nested": AWKWARD}] if score else [],
        )
        Claim.objects.filter(pk=claim.pk).update(created_at=stamp, updated_at=stamp)
    return article


def test_a_database_page_equals_the_serializer_item_for_item(article):
    response = token_client(ReviewerFactory()).get(f"/api/v1/claims/?article={article.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    page = json.loads(response.content)  # strict: the spliced body is one valid JSON document
    expected = [
        ClaimSerializer(claim).data
        for claim in Claim.objects.filter(article=article).select_related("assignee")
    ]
    assert page["count"] == 3
    assert page["results"] == expected
    assert list(page["results"][0]) == list(expected[0])  # the same keys in the same order
    stamps = [item["created_at"] for item in page["results"]]
    assert stamps == [
        "2024-11-20T05:00:00Z",
        "2024-11-20T05:00:01.120000Z",
        "2024-11-20T03:00:02.000007Z",
    ]


def test_pages_links_and_the_end(article):
    client = token_client(EditorFactory())
    url = f"/api/v1/claims/?article={article.pk}&page_size=2"
    first = client.get(url).json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["previous"] is None
    second = client.get(first["next"]).json()
    assert (
        second["count"] == 3 and second["next"] is None and second["previous"].endswith(url[-18:])
    )
    ids = [c["id"] for c in first["results"] + second["results"]]
    assert ids == list(Claim.objects.filter(article=article).values_list("id", flat=True))
    assert client.get(url + "&page=last").json()["results"] == second["results"]
    for bad in ("3", "0", "-1", "x", "1.5", "9" * 30):
        response = client.get(f"{url}&page={bad}")
        assert response.status_code == 404, bad
    empty = client.get("/api/v1/claims/?article=999999").json()
    assert empty == {"count": 0, "next": None, "previous": None, "results": []}


def test_filters_and_visibility_hold_in_database_pages(article):
    Claim.objects.filter(article=article, start=0).update(status=Claim.Status.PUBLISHED)
    member = token_client(ReviewerFactory())
    found = member.get(f"/api/v1/claims/?article={article.pk}&q=Third").json()
    assert [c["start"] for c in found["results"]] == [19 + len(AWKWARD)]
    anonymous = token_client(None).get(f"/api/v1/claims/?article={article.pk}").json()
    assert anonymous["count"] == 1 and anonymous["results"][0]["status"] == "published"


def test_the_browsable_api_still_renders_the_list(article):
    client = token_client(ReviewerFactory())
    response = client.get(f"/api/v1/claims/?article={article.pk}", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Зеленський" in response.content.decode()
