"""The public page shows what was published: evidence added later waits for a correction, and a
source shows the copy archived by publication (a newer copy, e.g. from a link check, is for
members only)."""

from __future__ import annotations

import datetime as dt
import gzip

import pytest
from django.test import Client
from django.utils import timezone

from claims.exports.claimreview import fact_check_path
from claims.models import Claim, Evidence, Source, SourceSnapshot
from claims.services.evidence import evidence_add
from claims.services.verdicts import (
    verdict_approve,
    verdict_create,
    verdict_publish,
    verdict_submit,
)
from tests.factories import ClaimFactory, EditorFactory, ReviewerFactory, SourceFactory

pytestmark = pytest.mark.django_db


def _snapshot(source: Source, body: bytes, at) -> SourceSnapshot:
    import hashlib

    return SourceSnapshot.objects.create(
        source=source,
        fetched_at=at,
        final_url=source.url,
        http_status=200,
        content_type="text/html",
        content_sha256=hashlib.sha256(body).hexdigest(),
        raw_gzip=gzip.compress(body),
        raw_size=len(body),
        text=body.decode(),
    )


def _publish(claim: Claim, reviewer, editor, **kwargs):
    verdict = verdict_create(actor=reviewer, claim=claim, rating="false", summary="No.", **kwargs)
    verdict = verdict_submit(actor=reviewer, verdict=verdict)
    verdict_approve(actor=editor, verdict=verdict)
    return verdict_publish(actor=editor, verdict=verdict)


@pytest.fixture
def published(monkeypatch):
    monkeypatch.setattr("claims.services.queue.current_app.send_task", lambda *a, **kw: None)
    reviewer, editor = ReviewerFactory(), EditorFactory()
    claim = ClaimFactory()
    source = SourceFactory(title="The original report", fetch_status="fetched")
    _snapshot(source, b"<p>original text</p>", timezone.now() - dt.timedelta(hours=1))
    Evidence.objects.create(claim=claim, source=source, stance="refutes", added_by=reviewer)
    verdict = _publish(claim, reviewer, editor)
    return claim, source, reviewer, editor, verdict


def test_evidence_added_after_publication_waits_for_a_correction(published):
    claim, _, reviewer, _editor, _ = published
    evidence_add(actor=reviewer, claim=claim, url="https://news.test/later", stance="supports")
    page = Client().get(fact_check_path(claim)).content.decode()
    assert "The original report" in page and "news.test/later" not in page
    claim.refresh_from_db()
    _publish(claim, reviewer, EditorFactory(), correction_note="A newer source.")
    page = Client().get(fact_check_path(claim)).content.decode()
    assert "news.test/later" in page


def test_a_newer_snapshot_stays_with_members_until_a_correction(published):
    claim, source, _, _, verdict = published
    original = SourceSnapshot.objects.get(source=source)
    # What a link check that finds the page changed leaves behind: another snapshot.
    newer = _snapshot(source, b"<p>quietly edited text</p>", timezone.now())
    anonymous = Client().get(f"/sources/{source.pk}/snapshot/?format=text")
    assert anonymous.status_code == 200 and anonymous.content == b"<p>original text</p>"
    member = Client()
    member.force_login(ReviewerFactory())
    latest = member.get(f"/sources/{source.pk}/snapshot/?format=text")
    assert latest.content == b"<p>quietly edited text</p>"
    page = Client().get(fact_check_path(claim)).content.decode()
    assert original.content_sha256[:12] in page and newer.content_sha256[:12] not in page
    assert verdict.published_at >= original.fetched_at


def test_no_public_copy_of_a_source_archived_only_after_publication(monkeypatch):
    monkeypatch.setattr("claims.services.queue.current_app.send_task", lambda *a, **kw: None)
    reviewer, editor = ReviewerFactory(), EditorFactory()
    claim = ClaimFactory()
    source = SourceFactory(title="Fetched late", fetch_status="pending")
    Evidence.objects.create(claim=claim, source=source, stance="refutes", added_by=reviewer)
    _publish(claim, reviewer, editor)
    _snapshot(source, b"<p>arrived later</p>", timezone.now())
    assert Client().get(f"/sources/{source.pk}/snapshot/").status_code == 404
    page = Client().get(fact_check_path(claim)).content.decode()
    assert "Fetched late" in page and "No archived copy" in page
