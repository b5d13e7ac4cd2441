"""Link checks: fetched sources fetched again, and their rot recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from claims.models import Source, SourceSnapshot
from claims.services import linkcheck
from tests.claims.services.pages import PAGE, fetched, link_check_and_parse, make_source

pytestmark = pytest.mark.usefixtures("fetch_settings")


@pytest.mark.django_db
def test_link_checks_are_due_for_old_fetched_sources_only(site, settings):
    settings.SOURCE_LINK_CHECK_AGE_DAYS = 30
    old = fetched(site)
    make_source(site, "/never-fetched")
    assert linkcheck.source_link_check_due() == [old.pk]


@pytest.mark.django_db
def test_an_unchanged_page_is_ok(site):
    source = fetched(site)
    assert link_check_and_parse(source.pk) == "ok"
    source.refresh_from_db()
    assert source.last_checked_at > timezone.now() - dt.timedelta(minutes=1)


@pytest.mark.django_db
def test_a_changed_page_is_recorded_and_both_snapshots_kept(site):
    source = fetched(site)
    site.page("/a", PAGE.replace("10,000", "12,000"))
    assert link_check_and_parse(source.pk) == "changed"
    source.refresh_from_db()
    assert source.link_status == "changed"
    assert "10,000" in source.text  # the text the evidence was checked against stays
    assert SourceSnapshot.objects.filter(source=source).count() == 2


@pytest.mark.django_db
def test_a_moved_page_is_recorded(site):
    source = fetched(site)
    site.page("/new-home", PAGE)
    site.redirect("/a", "/new-home", status=301)
    assert link_check_and_parse(source.pk) == "moved"
    source.refresh_from_db()
    assert source.link_status == "moved" and source.link_moved_to == site.url("/new-home")


@pytest.mark.django_db
def test_a_vanished_page_is_gone_and_its_snapshot_stays(site):
    source = fetched(site)
    del site.routes["/a"]
    assert link_check_and_parse(source.pk) == "gone"
    source.refresh_from_db()
    assert source.link_status == "gone" and source.fetch_status == "fetched"
    assert SourceSnapshot.objects.filter(source=source).count() == 1


@pytest.mark.django_db
def test_a_timeout_during_a_link_check_records_nothing(site):
    source = fetched(site)
    site.page("/a", "down", status=503)
    assert link_check_and_parse(source.pk) == "unknown"
    source.refresh_from_db()
    assert source.link_status == "ok"


@pytest.mark.django_db
def test_a_link_check_takes_a_lease_so_a_duplicate_check_fetches_nothing(site, monkeypatch):
    source = fetched(site)
    hits = site.hits_to("/a")
    sent = []
    monkeypatch.setattr(linkcheck, "enqueue", lambda name, *args: sent.append((name, args)))
    assert linkcheck.source_link_check(source_id=source.pk) == "parsing"
    assert Source.objects.get(pk=source.pk).lease_expires_at > timezone.now()
    # The same check delivered again, and the hourly round, while the first holds its lease.
    assert linkcheck.source_link_check(source_id=source.pk) == "skipped"
    assert linkcheck.source_link_check_due() == []
    assert site.hits_to("/a") == hits + 1 and len(sent) == 1
    [(_name, (_id, payload))] = sent
    assert linkcheck.source_link_check_parse(source_id=source.pk, payload=payload) == "ok"
    source.refresh_from_db()
    assert source.lease_expires_at is None and source.link_status == "ok"


@pytest.mark.django_db
def test_an_expired_link_check_lease_is_taken_again(site, monkeypatch):
    source = fetched(site)
    monkeypatch.setattr(linkcheck, "enqueue", lambda name, *args: None)
    Source.objects.filter(pk=source.pk).update(
        lease_expires_at=timezone.now() - dt.timedelta(seconds=1)
    )  # a check whose worker was lost
    assert linkcheck.source_link_check_due() == [source.pk]
    assert linkcheck.source_link_check(source_id=source.pk) == "parsing"


@pytest.mark.django_db
def test_a_link_check_stopped_at_a_limit_releases_its_lease_and_counts_as_checked(site):
    source = fetched(site)
    Source.objects.filter(pk=source.pk).update(
        lease_expires_at=timezone.now() + dt.timedelta(minutes=5)
    )
    assert linkcheck.source_link_check_stopped(
        source_id=source.pk, code="parse_killed", message="too slow"
    )
    source.refresh_from_db()
    assert source.lease_expires_at is None
    assert source.last_checked_at > timezone.now() - dt.timedelta(minutes=1)
    assert linkcheck.source_link_check_due() == []


@pytest.mark.django_db
def test_a_changed_moved_or_gone_source_tells_those_working_on_each_claim_citing_it(site):
    from claims.models import Event, Webhook, WebhookDelivery
    from claims.services.comments import comment_add
    from tests.factories import (
        ClaimFactory,
        EditorFactory,
        EvidenceFactory,
        ReviewerFactory,
        UserFactory,
    )

    source = fetched(site)
    assignee, citer, commenter, other = (ReviewerFactory() for _ in range(4))
    editor = EditorFactory()
    first = ClaimFactory(assignee=assignee, statement="Unemployment fell.")
    second = ClaimFactory(statement="Wages rose.")
    EvidenceFactory(claim=first, source=source, added_by=citer)
    EvidenceFactory(claim=second, source=source, added_by=UserFactory())  # no role: hears nothing
    comment_add(actor=commenter, claim=second, body="Checked the table.")
    Event.objects.all().delete()
    Webhook.objects.create(
        url="http://127.0.0.2/h", events=["*"], secret="whsec_QQ==", created_by=editor
    )

    site.page("/a", PAGE.replace("10,000", "12,000"))
    assert link_check_and_parse(source.pk) == "changed"
    events = list(Event.objects.filter(type="source.link_changed").order_by("claim_id"))
    assert [e.claim_id for e in events] == [first.pk, second.pk]
    assert events[0].actor is None
    assert WebhookDelivery.objects.filter(event__in=events).count() == 2  # webhooks get it too
    heard = {
        e.claim_id: sorted(n.recipient.username for n in e.notifications.all()) for e in events
    }
    assert heard == {
        first.pk: sorted([assignee.username, citer.username, first.created_by.username])
        if first.created_by
        else sorted([assignee.username, citer.username]),
        second.pk: [commenter.username],
    }
    note = events[0].notifications.first()
    assert "changed since it was cited" in note.text and source.url in note.text
    assert events[0].payload["link_status"] == "changed"
    assert events[0].payload["previous_link_status"] == "ok"
    assert events[0].payload["claim"] == first.pk and events[0].payload["id"] == source.pk
    assert other.notifications.count() == 0 and editor.notifications.count() == 0

    # Still changed at the next check: not news again.
    assert link_check_and_parse(source.pk) == "changed"
    assert Event.objects.filter(type="source.link_changed").count() == 2

    site.page("/new-home", PAGE)
    site.redirect("/a", "/new-home", status=301)
    assert link_check_and_parse(source.pk) == "moved"
    moved = Event.objects.filter(type="source.link_changed").latest("id")
    assert site.url("/new-home") in moved.notifications.first().text

    del site.routes["/a"]
    assert link_check_and_parse(source.pk) == "gone"
    assert Event.objects.filter(type="source.link_changed").count() == 6
    assert "is gone" in Event.objects.latest("id").notifications.first().text


@pytest.mark.django_db
def test_an_unchanged_or_uncited_source_tells_nobody(site):
    from claims.models import Event

    source = fetched(site)
    assert link_check_and_parse(source.pk) == "ok"
    site.page("/a", PAGE.replace("10,000", "12,000"))
    assert link_check_and_parse(source.pk) == "changed"
    assert Event.objects.count() == 0
