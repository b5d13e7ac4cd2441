"""The source fetch state machine against local servers and the real database."""

from __future__ import annotations

import datetime as dt
import gzip
import threading
from hashlib import md5, sha256

import pytest
from django.utils import timezone

from claims.audit import audit_context
from claims.models import Source, SourceEvent, SourceSnapshot
from claims.services import fetch, queue
from tests.claims.services.pages import PAGE, fetch_and_parse, make_source
from tests.factories import EditorFactory, EvidenceFactory, SourceFactory

pytestmark = pytest.mark.usefixtures("fetch_settings")


@pytest.mark.django_db
def test_a_fetched_source_is_archived_once_with_its_text_and_metadata(site):
    site.page("/a", PAGE)
    source = make_source(site)
    outcome = fetch_and_parse(source.pk)
    source.refresh_from_db()
    assert outcome.state == "fetched"
    assert source.fetch_status == "fetched" and source.attempts == 1
    assert source.title == "Troops arrive" and source.publisher == "Daily Test"
    assert "more than 10,000 troops" in source.text
    assert source.fetched_at and source.lease_expires_at is None
    snapshot = SourceSnapshot.objects.get(source=source)
    assert gzip.decompress(bytes(snapshot.raw_gzip)) == PAGE.encode()
    assert snapshot.raw_size == len(PAGE.encode()) and snapshot.text == source.text


DATED_PAGE = """<html lang="de"><head><title>Haushalt 2025</title>
<meta name="author" content="Erika Muster">
<meta property="article:published_time" content="2024-11-20T07:00:00+00:00">
<meta property="og:site_name" content="Testblatt"></head><body><article>
<p>Der Bundestag hat den Haushalt mit 380 Stimmen beschlossen, teilte die Verwaltung mit.</p>
<p>Die Ausgaben steigen um 2,5 Prozent auf 480 Milliarden Euro, hie\u00df es weiter.</p>
</article></body></html>"""


@pytest.mark.django_db
def test_the_fetch_statements_write_every_field_and_the_audit_trail(site):
    """The claim and store statements are SQL, not the ORM: every column they set, checked."""
    site.page("/busy", "busy", status=503)
    source = make_source(site, "/busy")
    with audit_context(actor="system:claims.tasks.source_fetch", user=None):
        assert fetch_and_parse(source.pk).state == "retrying"
        Source.objects.filter(pk=source.pk).update(lease_expires_at=timezone.now())
        site.page("/busy", DATED_PAGE)
        before = timezone.now()
        assert fetch_and_parse(source.pk).state == "fetched"
    source.refresh_from_db()
    assert (source.fetch_status, source.attempts, source.http_status) == ("fetched", 2, 200)
    assert (source.error_code, source.error_message, source.lease_expires_at) == ("", "", None)
    assert source.title == "Haushalt 2025" and source.publisher == "Testblatt"
    assert source.author == "Erika Muster" and source.language == "de"
    assert source.published_date == dt.date(2024, 11, 20)
    assert source.final_url == site.url("/busy") and source.content_type == "text/html"
    assert source.link_status == "ok" and source.fetched_at == source.last_checked_at
    assert before <= source.fetched_at == source.updated_at <= timezone.now()
    snapshot = SourceSnapshot.objects.get(source=source)
    assert (
        snapshot.content_sha256 == source.content_sha256 == sha256(DATED_PAGE.encode()).hexdigest()
    )
    assert (snapshot.fetched_at, snapshot.final_url) == (source.fetched_at, source.final_url)
    assert (snapshot.http_status, snapshot.content_type) == (200, "text/html")
    assert "380 Stimmen" in snapshot.text == source.text
    # pending -> fetching -> pending (retry) -> fetching -> fetched, each by the task.
    events = [
        event
        for event in SourceEvent.objects.filter(pgh_obj_id=source.pk, pgh_label="update").order_by(
            "pgh_id"
        )
        if "fetch_status" in event.pgh_changes
    ]
    assert [e.pgh_changes["fetch_status"][1] for e in events] == [
        "fetching",
        "pending",
        "fetching",
        "fetched",
    ]
    assert {e.pgh_context["actor"] for e in events} == {"system:claims.tasks.source_fetch"}
    # the text itself is in the snapshot; its events say which text by length and md5
    assert events[-1].pgh_changes["text"] == [
        {"characters": 0, "md5": md5(b"").hexdigest()},  # noqa: S324 - an identifier, not security
        {"characters": len(source.text), "md5": md5(source.text.encode()).hexdigest()},  # noqa: S324
    ]


@pytest.mark.django_db
def test_evidence_quotes_are_checked_against_the_fetched_text(site):
    site.page("/a", PAGE)
    source = make_source(site)
    found = EvidenceFactory(source=source, quoted_passage='"More than 10,000 troops" had arrived')
    missing = EvidenceFactory(
        source=source, quoted_passage="the troops left after the talks in Geneva"
    )
    fetch_and_parse(source.pk)
    found.refresh_from_db()
    missing.refresh_from_db()
    source.refresh_from_db()
    assert found.quote_found is True
    assert source.text[found.quote_start : found.quote_end].lower().startswith("\u201cmore than")
    assert missing.quote_found is False and missing.quote_start is None


@pytest.mark.django_db(transaction=True)
def test_a_source_is_never_seen_fetched_with_its_quotes_unchecked(site, monkeypatch):
    """The page stops polling once a source is fetched, so its quote results must become visible
    in the same commit: while the quotes are being checked, another connection still sees the
    source fetching."""
    import psycopg
    from django.db import connection

    from tests.conftest import database_url_for

    site.page("/a", PAGE)
    source = make_source(site)
    evidence = EvidenceFactory(source=source, quoted_passage="more than 10,000 troops")
    seen = []
    find_quote = fetch.fetching.find_quote

    def find_quote_and_look(passage, text):
        with psycopg.connect(database_url_for(connection.settings_dict)) as other:
            seen.append(
                other.execute(
                    "SELECT fetch_status FROM claims_source WHERE id = %s", [source.pk]
                ).fetchone()[0]
            )
        return find_quote(passage, text)

    monkeypatch.setattr(fetch.fetching, "find_quote", find_quote_and_look)
    assert fetch_and_parse(source.pk).state == "fetched"
    assert seen == ["fetching"]
    evidence.refresh_from_db()
    assert evidence.quote_found is True


@pytest.mark.django_db
def test_a_page_with_nul_characters_is_stored_without_them(site):
    site.page("/nul", b"Line one\x00 and two.\nMore text.", content_type="text/plain")
    source = make_source(site, "/nul")
    assert fetch_and_parse(source.pk).state == "fetched"
    source.refresh_from_db()
    assert source.text == "Line one and two.\nMore text."
    snapshot = SourceSnapshot.objects.get(source=source)
    assert gzip.decompress(bytes(snapshot.raw_gzip)) == b"Line one\x00 and two.\nMore text."


@pytest.mark.django_db
def test_a_permanent_error_fails_at_once_with_its_code(site):
    source = make_source(site, "/missing")
    outcome = fetch_and_parse(source.pk)
    source.refresh_from_db()
    assert (outcome.state, outcome.retry_in) == ("failed", None)
    assert (source.fetch_status, source.error_code, source.http_status) == (
        "failed",
        "http_404",
        404,
    )
    assert "not found" in source.error_message


@pytest.mark.django_db
def test_a_blocked_address_fails_without_a_connection(connections):
    source = SourceFactory(url="http://169.254.169.254/latest/meta-data/")
    fetch_and_parse(source.pk)
    source.refresh_from_db()
    assert (source.fetch_status, source.error_code) == ("failed", "blocked_address")
    assert connections.made == [] or all(host != "169.254.169.254" for host, _ in connections.made)


@pytest.mark.django_db
def test_a_transient_error_waits_for_a_retry_then_gives_up_after_the_attempts(site):
    site.page("/busy", "busy", status=503)
    source = make_source(site, "/busy")
    first = fetch_and_parse(source.pk)
    source.refresh_from_db()
    assert first.state == "retrying" and 5 <= first.retry_in <= 10
    assert (source.fetch_status, source.error_code, source.attempts) == ("pending", "http_5xx", 1)
    assert source.lease_expires_at > timezone.now()
    # A duplicate message before the retry time does nothing.
    assert fetch_and_parse(source.pk).state == "skipped"
    for _ in range(2):
        Source.objects.filter(pk=source.pk).update(lease_expires_at=timezone.now())
        outcome = fetch_and_parse(source.pk)
    source.refresh_from_db()
    assert outcome.state == "failed" and source.fetch_status == "failed"
    assert (source.error_code, source.attempts) == ("http_5xx", 3)
    assert site.hits_to("/busy") == 3


@pytest.mark.django_db
def test_429_honours_retry_after(site):
    site.page("/slow-down", "later", status=429, headers={"Retry-After": "120"})
    outcome = fetch_and_parse(make_source(site, "/slow-down").pk)
    assert outcome.code == "http_429" and 120 <= outcome.retry_in <= 121


def test_backoff_is_exponential_with_jitter_and_capped(settings):
    settings.SOURCE_FETCH_RETRY_BASE_SECONDS = 10
    settings.SOURCE_FETCH_RETRY_MAX_SECONDS = 300
    for attempt, (low, high) in {1: (5, 10), 2: (10, 20), 3: (20, 40), 4: (40, 80)}.items():
        delays = {fetch.retry_delay(attempt=attempt) for _ in range(50)}
        assert all(low <= d <= high for d in delays) and len(delays) > 1
    assert all(150 <= fetch.retry_delay(attempt=20) <= 300 for _ in range(20))
    assert 7 <= fetch.retry_delay(attempt=1, retry_after=7) <= 10
    assert fetch.retry_delay(attempt=1, retry_after=10_000) <= 301


@pytest.mark.django_db
def test_a_source_being_fetched_or_done_is_not_fetched_again(site):
    site.page("/a", PAGE)
    source = make_source(site)
    Source.objects.filter(pk=source.pk).update(
        fetch_status="fetching", lease_expires_at=timezone.now() + dt.timedelta(seconds=60)
    )
    assert fetch_and_parse(source.pk).state == "skipped"
    Source.objects.filter(pk=source.pk).update(fetch_status="pending", lease_expires_at=None)
    assert fetch_and_parse(source.pk).state == "fetched"
    assert fetch_and_parse(source.pk).state == "skipped"
    assert site.hits_to("/a") == 1 and SourceSnapshot.objects.filter(source=source).count() == 1


@pytest.mark.django_db(transaction=True)
def test_five_simultaneous_runs_fetch_once_and_write_one_snapshot(site, monkeypatch):
    sent = []
    monkeypatch.setattr(
        queue.current_app, "send_task", lambda name, args, **kw: sent.append((name, args))
    )

    def slow(handler):
        import time

        time.sleep(0.3)
        body = PAGE.encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    site.routes["/a"] = slow
    source = make_source(site)
    barrier = threading.Barrier(5)
    states = []

    def run():
        from django.db import connection

        barrier.wait()
        try:
            states.append(fetch.source_fetch(source_id=source.pk).state)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(states) == ["parsing"] + ["skipped"] * 4
    [(name, (source_id, payload))] = sent
    assert (name, source_id) == ("claims.tasks.source_parse", source.pk)
    assert fetch.source_parse(source_id=source.pk, payload=payload).state == "fetched"
    assert fetch.source_parse(source_id=source.pk, payload=payload).state == "skipped"
    assert site.hits_to("/a") == 1
    assert SourceSnapshot.objects.filter(source=source).count() == 1


@pytest.mark.django_db
def test_the_sweeper_requeues_abandoned_fetches_and_gives_up_after_repeated_worker_loss(site):
    source = make_source(site)
    expired = timezone.now() - dt.timedelta(seconds=1)
    for loss in (1, 2):
        Source.objects.filter(pk=source.pk).update(
            fetch_status="fetching", lease_expires_at=expired
        )
        assert fetch.source_sweep() == [source.pk]
        source.refresh_from_db()
        assert (source.fetch_status, source.worker_losses) == ("pending", loss)
    Source.objects.filter(pk=source.pk).update(fetch_status="fetching", lease_expires_at=expired)
    assert fetch.source_sweep() == []
    source.refresh_from_db()
    assert (source.fetch_status, source.error_code) == ("failed", "worker_lost")
    assert "interrupted 3 times" in source.error_message


@pytest.mark.django_db
def test_the_sweeper_requeues_pending_sources_whose_message_was_lost(site):
    stale = make_source(site, "/stale")
    fresh = make_source(site, "/fresh")
    Source.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    assert fetch.source_sweep() == [stale.pk]
    assert fetch.source_sweep() == []  # not again until another lease has passed
    assert fresh.pk
    stale.refresh_from_db()
    assert (stale.fetch_status, stale.worker_losses) == ("pending", 1)


@pytest.mark.django_db
def test_the_sweeper_gives_up_on_a_source_whose_message_is_lost_again_and_again(site, settings):
    stale = make_source(site, "/lost")
    long_ago = timezone.now() - dt.timedelta(hours=1)
    sent = []
    for _ in range(settings.SOURCE_FETCH_MAX_WORKER_LOSSES - 1):
        Source.objects.filter(pk=stale.pk).update(updated_at=long_ago)
        sent += fetch.source_sweep()
    assert sent == [stale.pk] * (settings.SOURCE_FETCH_MAX_WORKER_LOSSES - 1)
    Source.objects.filter(pk=stale.pk).update(updated_at=long_ago)
    assert fetch.source_sweep() == []
    stale.refresh_from_db()
    assert (stale.fetch_status, stale.error_code) == ("failed", "message_lost")
    assert stale.worker_losses == settings.SOURCE_FETCH_MAX_WORKER_LOSSES
    assert "never ran" in stale.error_message


@pytest.mark.django_db
def test_a_running_fetch_within_its_lease_is_left_alone(site):
    source = make_source(site)
    Source.objects.filter(pk=source.pk).update(
        fetch_status="fetching", lease_expires_at=timezone.now() + dt.timedelta(seconds=30)
    )
    assert fetch.source_sweep() == []


@pytest.mark.django_db(transaction=True)
def test_a_failed_source_is_refetched_on_request_after_commit(site, monkeypatch):
    sent = []
    monkeypatch.setattr(
        queue.current_app, "send_task", lambda name, args, **kw: sent.append((name, args))
    )
    source = make_source(site, "/missing")
    fetch_and_parse(source.pk)
    fetch.source_refetch(actor=EditorFactory(), source=source)
    source.refresh_from_db()
    assert (source.fetch_status, source.attempts) == ("pending", 0)
    assert sent == [("claims.tasks.source_fetch", [source.pk])]
