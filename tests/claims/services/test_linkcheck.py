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
