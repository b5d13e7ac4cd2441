"""End to end through the API: from a token to a published ClaimReview."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.claims.api.conftest import token_client
from tests.factories import EditorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

BODY = (
    "Officials said more than 10,000 troops were sent. "
    "The treaty was ratified in November. "
    "Zelensky said the troops engaged in hostilities."
)


def login(username: str) -> APIClient:
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": username, "password": "correct-horse-battery"},
        format="json",
    )
    assert response.status_code == 200, response.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response


def test_from_token_to_published_claimreview(django_capture_on_commit_callbacks, monkeypatch):
    enqueued = []
    monkeypatch.setattr(
        "claims.services.sources.current_app.send_task",
        lambda name, args, **kw: enqueued.append(args[0]),
    )
    reviewer, editor, chief = ReviewerFactory(), EditorFactory(), EditorFactory()
    rev, ed, chief_c = login(reviewer.username), login(editor.username), login(chief.username)

    article = ok(
        rev.post(
            "/api/v1/articles/",
            {
                "title": "Troops",
                "body": BODY,
                "url": "https://news.example/troops",
                "publisher": "Example News",
                "published_at": "2024-11-20T07:00:00+02:00",
            },
            format="json",
        ),
        201,
    ).json()
    start = BODY.index("The treaty")
    end = BODY.index("November.") + len("November.")
    claim = ok(
        rev.post(
            "/api/v1/claims/",
            {
                "article": article["id"],
                "start": start,
                "end": end,
                "quote": BODY[start:end],
                "claim_type": "event",
            },
            format="json",
        ),
        201,
    )
    claim_id, etag = claim.json()["id"], claim["ETag"]
    claim = ok(
        rev.patch(
            f"/api/v1/claims/{claim_id}/",
            {"statement": "The treaty was ratified in November", "claimant": "Officials"},
            format="json",
            HTTP_IF_MATCH=etag,
        )
    )
    etag = claim["ETag"]
    claim = ok(
        ed.post(
            f"/api/v1/claims/{claim_id}/assign/",
            {"assignee": reviewer.pk},
            format="json",
            HTTP_IF_MATCH=etag,
        )
    )
    assert claim.json()["status"] == "in_progress"
    with django_capture_on_commit_callbacks(execute=True):
        evidence = ok(
            rev.post(
                f"/api/v1/claims/{claim_id}/evidence/",
                {
                    "url": "https://Kremlin.example/acts#x",
                    "stance": "supports",
                    "quoted_passage": "ratified",
                },
                format="json",
            ),
            201,
        ).json()
    assert enqueued == [evidence["source"]["id"]]
    source = ok(rev.get(f"/api/v1/sources/{evidence['source']['id']}/")).json()
    assert source["normalized_url"] == "https://kremlin.example/acts"
    ok(rev.post(f"/api/v1/claims/{claim_id}/comments/", {"body": "Check TASS"}, format="json"), 201)

    verdict = ok(
        rev.post(
            f"/api/v1/claims/{claim_id}/verdicts/",
            {"rating": "mostly-true", "summary": "Ratified, in the Duma.", "rationale": "See act."},
            format="json",
        ),
        201,
    )
    verdict_id = verdict.json()["id"]
    verdict = ok(rev.post(f"/api/v1/verdicts/{verdict_id}/submit/", HTTP_IF_MATCH=verdict["ETag"]))
    ok(ed.get(f"/api/v1/claims/{claim_id}/claimreview/"), 404)
    verdict = ok(ed.post(f"/api/v1/verdicts/{verdict_id}/approve/", HTTP_IF_MATCH=verdict["ETag"]))
    verdict = ok(
        chief_c.post(f"/api/v1/verdicts/{verdict_id}/publish/", HTTP_IF_MATCH=verdict["ETag"])
    )
    assert verdict.json()["status"] == "published"

    review = ok(APIClient().get(f"/api/v1/claims/{claim_id}/claimreview/"))
    assert review["Content-Type"].startswith("application/ld+json")
    doc = review.json()
    assert doc["@type"] == "ClaimReview"
    assert doc["claimReviewed"] == "The treaty was ratified in November"
    assert doc["itemReviewed"]["appearance"][0]["url"] == "https://news.example/troops"
    assert doc["itemReviewed"]["author"] == {"@type": "Person", "name": "Officials"}
    assert doc["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Mostly true",
        "ratingValue": 4,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert doc["url"].endswith(f"/fact-checks/{article['id']}/#claim-{claim_id}")
    assert doc["datePublished"]

    annotations = ok(rev.get(f"/api/v1/articles/{article['id']}/annotations/")).json()
    # The ingest suggested claims of its own; ours is among them, by its id.
    (item,) = [i for i in annotations["first"]["items"] if i["id"].endswith(f"/{claim_id}/")]
    assert item["target"]["selector"][0] == {
        "type": "TextPositionSelector",
        "start": start,
        "end": end,
    }
    assert token_client(None).get(f"/api/v1/claims/{claim_id}/").status_code == 200


def test_the_fast_claim_rendering_equals_drf_generic_rendering():
    from claims.api.serializers import CLAIM_ROW_FIELDS, ClaimSerializer
    from claims.models import Claim
    from tests.factories import ClaimFactory

    for claim in (ClaimFactory(), ClaimFactory(assignee=ReviewerFactory(), reasons=["number"])):
        serializer = ClaimSerializer()
        generic = serializer.generic_representation(claim)
        assert serializer.to_representation(claim) == generic
        row = Claim.objects.values(*CLAIM_ROW_FIELDS).get(pk=claim.pk)
        assert serializer.to_representation(row) == generic
