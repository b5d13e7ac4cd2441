import gzip

import pytest
from django.utils import timezone

from claims.models import SourceSnapshot
from tests.factories import (
    EditorFactory,
    EvidenceFactory,
    ReviewerFactory,
    SourceFactory,
    VerdictFactory,
)

HOSTILE = b"<html><script>alert(document.cookie)</script><p>archived</p></html>"


@pytest.fixture
def snapshot(db):
    source = SourceFactory(fetch_status="fetched")
    return SourceSnapshot.objects.create(
        source=source,
        fetched_at=timezone.now(),
        final_url=source.url,
        http_status=200,
        content_type="text/html",
        content_sha256="0" * 64,
        raw_gzip=gzip.compress(HOSTILE),
        raw_size=len(HOSTILE),
        text="archived",
    )


def test_a_snapshot_is_a_download_never_an_app_page(client, snapshot):
    client.force_login(ReviewerFactory())
    response = client.get(f"/sources/{snapshot.source_id}/snapshot/")
    assert response.status_code == 200
    assert response.content == HOSTILE
    assert response["Content-Disposition"].startswith('attachment; filename="source-')
    assert response["Content-Disposition"].endswith('.html"')
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_the_snapshot_text_is_a_download_too(client, snapshot):
    client.force_login(ReviewerFactory())
    response = client.get(f"/sources/{snapshot.source_id}/snapshot/?format=text")
    assert response.content == b"archived"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")


def test_anonymous_readers_get_no_archive_of_an_unpublished_source(client, snapshot):
    EvidenceFactory(source=snapshot.source)  # cited, but by no published fact-check
    assert client.get(f"/sources/{snapshot.source_id}/snapshot/").status_code == 404


def test_anonymous_readers_get_the_archive_of_a_source_a_published_fact_check_cites(
    client, snapshot
):
    evidence = EvidenceFactory(source=snapshot.source)
    VerdictFactory(
        claim=evidence.claim,
        status="published",
        reviewed_by=EditorFactory(),
        published_at=timezone.now(),
    )
    response = client.get(f"/sources/{snapshot.source_id}/snapshot/")
    assert response.status_code == 200 and response.content == HOSTILE
    assert response["Content-Security-Policy"].startswith("sandbox")


@pytest.mark.django_db
def test_a_source_without_a_snapshot_is_404(client):
    client.force_login(ReviewerFactory())
    assert client.get(f"/sources/{SourceFactory().pk}/snapshot/").status_code == 404
