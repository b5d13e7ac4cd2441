"""The W3C annotations over HTTP: content negotiation, the documents, who sees whom."""

from __future__ import annotations

import pytest

from claims.models import Claim
from tests.claims.api.conftest import token_client
from tests.claims.exports.w3c_rules import failures
from tests.factories import ArticleFactory, ClaimFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

ANNO = "http://www.w3.org/ns/anno.jsonld"
PROFILED = f'application/ld+json; profile="{ANNO}"'
NO_ACCEPT = None


@pytest.fixture
def reviewer():
    return ReviewerFactory(username="rita", first_name="Rita", last_name="Levi")


@pytest.fixture
def article(reviewer):
    article = ArticleFactory(url="https://news.example/budget", language="en")
    ClaimFactory(article=article, created_by=reviewer, statement="The budget is 4.2 million euros")
    ClaimFactory(
        article=article,
        start=69,
        end=140,
        origin=Claim.Origin.SUGGESTED,
        status=Claim.Status.SUGGESTED,
        claim_type=Claim.Type.QUANTITY,
    )
    return article


def get(client, url, accept):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    return client.get(url, **headers)


def collection_url(article) -> str:
    return f"/api/v1/articles/{article.pk}/annotations/"


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("application/ld+json", PROFILED),
        (PROFILED, PROFILED),
        (f'application/ld+json;profile="{ANNO} http://www.w3.org/ns/ldp.jsonld"', PROFILED),
        ("*/*", PROFILED),
        (NO_ACCEPT, PROFILED),
        ("application/*", PROFILED),
        ("application/json", "application/json"),
        ("application/ld+json;q=0.5, application/json", "application/json"),
        ("application/json;q=0.2, application/ld+json", PROFILED),
        ("application/ld+json;q=0, */*", "application/json"),
    ],
)
def test_the_collection_answers_every_type_it_can_produce(article, reviewer, accept, content_type):
    response = get(token_client(reviewer), collection_url(article), accept)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == content_type
    assert "Accept" in response["Vary"]
    assert response.json()["type"] == "AnnotationCollection"


@pytest.mark.parametrize(
    "accept",
    ["text/csv", 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"', "image/*"],
)
def test_the_collection_refuses_only_what_it_cannot_produce(article, reviewer, accept):
    response = get(token_client(reviewer), collection_url(article), accept)
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"  # an error is not an annotation
    assert "detail" in response.json()


@pytest.mark.parametrize("level", ["MUST", "SHOULD"])
def test_the_served_collection_page_and_annotation_keep_the_w3c_rules(article, reviewer, level):
    client = token_client(reviewer)
    collection = get(client, collection_url(article), PROFILED).json()
    page = get(client, collection["last"], PROFILED).json()
    one = get(client, collection["first"]["items"][0]["id"], PROFILED).json()
    assert failures(collection, "collection", level) == []
    assert failures(page, "page", level) == []
    assert failures(one, "annotation", level) == []
    # The page the collection names is the page it embeds, and it names the collection.
    assert page["items"] == collection["first"]["items"]
    assert page["partOf"]["id"] == collection["id"] == collection["first"]["partOf"]


def test_the_collection_names_itself_without_the_query_and_has_one_page(article, reviewer):
    client = token_client(reviewer)
    doc = client.get(collection_url(article) + "?format=json").json()
    assert doc["id"] == "http://testserver" + collection_url(article)
    assert doc["last"] == doc["id"] + "?page=1"
    assert client.get(collection_url(article) + "?page=2").status_code == 404
    empty = ArticleFactory()
    doc = client.get(collection_url(empty)).json()
    assert doc["total"] == 0 and "first" not in doc
    assert client.get(collection_url(empty) + "?page=1").status_code == 404


def test_targets_name_the_public_url_and_the_workbench_copy_as_via(article, reviewer):
    client = token_client(reviewer)
    item = client.get(collection_url(article)).json()["first"]["items"][0]
    assert item["target"]["source"]["id"] == "https://news.example/budget"
    via = item["target"]["source"]["via"]
    assert via == f"http://testserver/api/v1/articles/{article.pk}/"
    assert client.get(via).json()["body"][0:4] == "The "  # the text the offsets count in
    no_url = ArticleFactory(url="")
    ClaimFactory(article=no_url)
    item = client.get(collection_url(no_url)).json()["first"]["items"][0]
    assert item["target"]["source"]["id"] == f"http://testserver/api/v1/articles/{no_url.pk}/"
    assert "via" not in item["target"]["source"]


def test_members_see_the_creator_and_the_extractor(article, reviewer):
    items = token_client(reviewer).get(collection_url(article)).json()["first"]["items"]
    manual, suggested = items
    assert manual["creator"]["type"] == "Person"
    assert manual["creator"]["name"] == "Rita Levi" and manual["creator"]["nickname"] == "rita"
    assert suggested["creator"]["type"] == "Software"


@pytest.mark.parametrize("accept", ["application/ld+json", PROFILED, "application/ld+json; q=1"])
def test_a_claim_dereferences_to_its_annotation(article, reviewer, accept):
    client = token_client(reviewer)
    listed = client.get(collection_url(article)).json()["first"]["items"][0]
    response = get(client, listed["id"], accept)
    assert response.status_code == 200
    assert response["Content-Type"] == PROFILED
    one = response.json()
    # The same annotation; in the collection it names the generator the collection describes.
    assert one == {"@context": ANNO} | listed | {"generator": one["generator"]}
    assert one["generator"]["id"] == listed["generator"]
    assert one["generator"]["type"] == "Software"
    # The Web Annotation Protocol (§4.1): an ETag, the ldp:Resource type link, Allow, Vary.
    assert response["ETag"].startswith('"annotation:')
    assert response["Link"] == '<http://www.w3.org/ns/ldp#Resource>; rel="type"'
    assert "GET" in response["Allow"] and "Accept" in response["Vary"]


@pytest.mark.parametrize("accept", ["application/json", "*/*", NO_ACCEPT, "text/html;q=0.1, */*"])
def test_a_claim_stays_json_for_everyone_else(article, reviewer, accept):
    claim = article.claims.order_by("start").first()
    response = get(token_client(reviewer), f"/api/v1/claims/{claim.pk}/", accept)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["id"] == claim.pk and "@context" not in response.json()
    assert response["ETag"] == f'"claim:{claim.pk}:{claim.version}"'


def test_a_claim_refuses_what_it_cannot_produce(article, reviewer):
    claim = article.claims.first()
    response = get(token_client(reviewer), f"/api/v1/claims/{claim.pk}/", "text/csv")
    assert response.status_code == 406


def test_the_annotation_etag_changes_with_the_article_and_is_no_write_precondition(
    article, reviewer
):
    client = token_client(reviewer)
    claim = article.claims.order_by("start").first()
    before = get(client, f"/api/v1/claims/{claim.pk}/", PROFILED)["ETag"]
    article.url = "https://news.example/budget-corrected"
    article.save(update_fields=["url", "updated_at"])
    after = get(client, f"/api/v1/claims/{claim.pk}/", PROFILED)["ETag"]
    assert before != after
    patch = client.patch(
        f"/api/v1/claims/{claim.pk}/", {"statement": "x"}, format="json", HTTP_IF_MATCH=after
    )
    assert patch.status_code == 412  # writes go by the claim's own ETag


def test_anonymous_readers_get_published_annotations_with_the_newsroom_as_creator(
    article, reviewer, settings
):
    settings.FACTCHECK_PUBLISHER_NAME = "The Daily Check"
    anonymous = token_client(None)
    manual = article.claims.order_by("start").first()
    assert get(anonymous, f"/api/v1/claims/{manual.pk}/", PROFILED).status_code == 404
    Claim.objects.filter(pk=manual.pk).update(status=Claim.Status.PUBLISHED)
    response = get(anonymous, f"/api/v1/claims/{manual.pk}/", PROFILED)
    assert response.status_code == 200
    doc = response.json()
    assert doc["creator"]["type"] == "Organization"
    assert doc["creator"]["name"] == "The Daily Check"
    text = response.content.decode().lower()
    assert "rita" not in text and "levi" not in text
    assert reviewer.username not in text
    assert failures(doc, "annotation", "MUST") == failures(doc, "annotation", "SHOULD") == []
    # The collection stays members-only.
    assert get(anonymous, collection_url(article), PROFILED).status_code == 401


def test_an_error_for_an_annotation_client_is_plain_json(reviewer):
    response = get(token_client(reviewer), "/api/v1/claims/999999/", PROFILED)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_a_claims_annotation_reads_neither_the_article_body_nor_more_than_a_few_rows(
    article, reviewer
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = token_client(reviewer)
    claim = article.claims.order_by("start").first()
    get(client, f"/api/v1/claims/{claim.pk}/", PROFILED)  # the token and role, cached
    with CaptureQueriesContext(connection) as ctx:
        assert get(client, f"/api/v1/claims/{claim.pk}/", PROFILED).status_code == 200
    sql = [q["sql"] for q in ctx.captured_queries]
    assert not any('"claims_article"."body"' in q for q in sql), sql
    assert len(sql) <= 6, sql  # token and role, the claim, the article, the creator
