"""The inbox page, the header's polled unread count, mark read and mark all read."""

from __future__ import annotations

import pytest
from django.test import Client

from claims.models import Notification
from claims.services.claims import claim_assign
from claims.services.comments import comment_add
from tests.factories import ClaimFactory, ReviewerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_header_polls_the_unread_count(reviewer_client, reviewer, editor):
    page = reviewer_client.get("/articles/").content.decode()
    assert 'hx-get="/inbox/badge/"' in page and 'hx-trigger="load, every 30s"' in page
    claim_assign(actor=editor, claim=ClaimFactory(), assignee=reviewer)
    badge = reviewer_client.get("/inbox/badge/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="unread">1<' in badge
    assert "<html" not in badge


def test_the_inbox_lists_only_the_recipients_notifications_with_links(
    reviewer_client, reviewer, editor
):
    mine = claim_assign(actor=editor, claim=ClaimFactory(), assignee=reviewer)
    claim_assign(actor=editor, claim=ClaimFactory(), assignee=ReviewerFactory())
    comment_add(actor=editor, claim=mine, body="<script>alert(1)</script> over to you")
    page = reviewer_client.get("/inbox/").content.decode()
    assert page.count('data-testid="notification"') == 2
    assert f'href="/claims/{mine.pk}/"' in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert 'data-testid="inbox-unread">2<' in page


def test_mark_read_and_mark_all_read(reviewer_client, reviewer, editor):
    for _ in range(3):
        claim_assign(actor=editor, claim=ClaimFactory(), assignee=reviewer)
    first = Notification.objects.filter(recipient=reviewer).first()
    fragment = reviewer_client.post(
        "/inbox/read/", {"id": first.pk}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'data-testid="inbox-unread">2<' in fragment
    response = reviewer_client.post("/inbox/read/", {"all": "1"})
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=reviewer, read_at__isnull=True).exists()


def test_someone_elses_notification_cannot_be_marked(reviewer_client, editor):
    other = ReviewerFactory()
    claim_assign(actor=editor, claim=ClaimFactory(), assignee=other)
    theirs = Notification.objects.get(recipient=other)
    reviewer_client.post("/inbox/read/", {"id": theirs.pk})
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_a_bad_id_is_explained(reviewer_client):
    response = reviewer_client.post("/inbox/read/", {"id": "x"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "Choose a notification" in response.content.decode()


def test_the_inbox_is_for_members_only():
    client = Client()
    client.force_login(UserFactory())
    assert client.get("/inbox/").status_code == 403
    assert Client().get("/inbox/").status_code == 302
