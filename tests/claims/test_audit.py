"""The audit trail: every write is recorded by the database, once, with its actor."""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import ProgrammingError, connection, transaction

from claims.audit import audit_context, system_actor, user_metadata
from claims.models import (
    Article,
    ArticleEvent,
    Claim,
    ClaimEvent,
    Comment,
    CommentEvent,
    Evidence,
    EvidenceEvent,
    Source,
    SourceEvent,
    Verdict,
    VerdictEvent,
)
from claims.selectors_audit import claim_history, object_history
from claims.services.extraction import article_suggest_claims
from tests.claims.admin.forms import admin_form_data
from tests.claims.audit_tasks import QUEUE, claim_restate
from tests.factories import (
    AdminFactory,
    ArticleFactory,
    ClaimFactory,
    CommentFactory,
    EditorFactory,
    EvidenceFactory,
    SourceFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def actor(event) -> str:
    return (event.pgh_context or {}).get("actor") or "unknown"


def updates(event_model, obj):
    # in the order they were written (a query without ORDER BY may return them in any order)
    return list(
        event_model.objects.filter(pgh_obj_id=obj.pk, pgh_label="update").order_by("pgh_id")
    )


# --- One change, one event, the right actor, for every way in -------------------------------------


def test_an_admin_change_is_recorded_once_with_the_staff_user_as_actor(client):
    moderator = AdminFactory()
    source = SourceFactory(title="First title")
    client.force_login(moderator)
    url = f"/admin/claims/source/{source.pk}/change/"
    response = client.post(url, admin_form_data(client.get(url), title="Second title"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    [event] = updates(SourceEvent, source)
    assert actor(event) == moderator.username
    assert event.pgh_context["user"] == moderator.pk
    assert event.pgh_context["url"] == url
    assert event.pgh_changes["title"] == ["First title", "Second title"]


def test_a_bulk_queryset_update_records_one_event_per_row_with_the_actor():
    editor = EditorFactory()
    claims = ClaimFactory.create_batch(2)
    untouched = ClaimFactory()

    with audit_context(**user_metadata(editor)):
        Claim.objects.filter(pk__in=[c.pk for c in claims]).update(assignee=editor)

    for claim in claims:
        [event] = updates(ClaimEvent, claim)
        assert actor(event) == editor.username
        assert event.pgh_changes == {"assignee_id": [None, editor.pk]}
    assert updates(ClaimEvent, untouched) == []


def test_raw_sql_without_a_context_is_recorded_with_an_unknown_actor():
    claim = ClaimFactory(statement="before")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE claims_claim SET statement = 'after' WHERE id = %s", [claim.pk])

    [event] = updates(ClaimEvent, claim)
    assert event.pgh_context is None
    assert actor(event) == "unknown"
    assert event.pgh_changes == {"statement": ["before", "after"]}
    assert event.statement == "after"


@pytest.mark.urls("tests.claims.audit_urls")
def test_an_api_client_authenticated_by_token_is_the_actor(client):
    editor = EditorFactory()
    from claims.services.tokens import api_token_create

    _, key = api_token_create(user=editor)
    claim = ClaimFactory(statement="before")

    response = client.post(
        f"/restate/{claim.pk}/",
        {"statement": "after"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )

    assert response.status_code == 204
    [event] = updates(ClaimEvent, claim)
    assert actor(event) == editor.username
    assert event.pgh_context["user"] == editor.pk


def test_a_management_command_writes_as_system_command(tmp_path):
    (tmp_path / "one.txt").write_text("A body.", encoding="utf-8")
    (tmp_path / "one.toml").write_text(
        'title = "One"\npublisher = "P"\npublished_at = 2024-11-20T07:00:00+02:00\n'
        'language = "en"\n',
        encoding="utf-8",
    )
    call_command("load_seeds", "--dir", str(tmp_path), stdout=open(os.devnull, "w"))  # noqa: SIM115

    [event] = ArticleEvent.objects.filter(title="One")
    assert event.pgh_label == "insert"
    assert actor(event) == "system:load_seeds"


def test_a_task_writes_as_system_task_and_leaves_no_context_behind():
    claim = ClaimFactory(statement="before")

    claim_restate.apply(args=(claim.pk, "after"))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE claims_claim SET statement = 'later' WHERE id = %s", [claim.pk])

    by_task, by_raw_sql = updates(ClaimEvent, claim)
    assert actor(by_task) == "system:tests.claims.audit_tasks.claim_restate"
    assert by_task.pgh_context["task_id"]
    assert actor(by_raw_sql) == "unknown"


def test_a_task_run_inside_a_request_gives_the_actor_back_afterwards():
    editor = EditorFactory()
    claim = ClaimFactory(statement="before")

    with audit_context(**user_metadata(editor)):
        claim_restate.apply(args=(claim.pk, "by task"))
        Claim.objects.filter(pk=claim.pk).update(statement="by editor")

    by_task, by_editor = updates(ClaimEvent, claim)
    assert actor(by_task) == system_actor("tests.claims.audit_tasks.claim_restate")
    assert actor(by_editor) == editor.username


def test_inserts_and_deletes_are_recorded_with_the_row():
    with audit_context(actor="someone"):
        source = SourceFactory()
        evidence = EvidenceFactory(source=source)
        evidence_pk = evidence.pk
        evidence.delete()

    labels = list(
        EvidenceEvent.objects.filter(pgh_obj_id=evidence_pk).values_list("pgh_label", flat=True)
    )
    assert labels == ["insert", "delete"]
    assert SourceEvent.objects.get(pgh_obj_id=source.pk).pgh_label == "insert"
    [deleted] = EvidenceEvent.objects.filter(pgh_obj_id=evidence_pk, pgh_label="delete")
    assert deleted.source_id == source.pk
    assert actor(deleted) == "someone"


def test_each_tracked_model_has_an_insert_trigger():
    for model, event_model in (
        (Verdict, VerdictEvent),
        (Comment, CommentEvent),
        (Evidence, EvidenceEvent),
        (Source, SourceEvent),
    ):
        assert model.pgh_event_models["insert"] is event_model
    verdict = VerdictFactory()
    assert VerdictEvent.objects.filter(pgh_obj_id=verdict.pk, pgh_label="insert").count() == 1


# --- Reading it -----------------------------------------------------------------------------------


def test_claim_history_lists_the_claim_and_its_verdicts_evidence_and_comments_in_time_order():
    editor = EditorFactory()
    claim = ClaimFactory(statement="before")
    other_claim = ClaimFactory()
    with audit_context(**user_metadata(editor)):
        evidence = EvidenceFactory(claim=claim)
        verdict = VerdictFactory(claim=claim)
        CommentFactory(claim=claim)
        CommentFactory(claim=other_claim)
        Claim.objects.filter(pk=claim.pk).update(statement="after")
        Verdict.objects.filter(pk=verdict.pk).update(summary="Corrected.")
        evidence.delete()

    history = claim_history(claim=claim)

    assert [(e.model, e.operation) for e in history] == [
        ("claim", "insert"),
        ("evidence", "insert"),
        ("verdict", "insert"),
        ("comment", "insert"),
        ("claim", "update"),
        ("verdict", "update"),
        ("evidence", "delete"),
    ]
    assert [e.actor for e in history] == ["unknown"] + [editor.username] * 6
    assert history == sorted(history, key=lambda e: e.at)
    assert history[4].changes == {"statement": ["before", "after"]}
    assert history[5].changes["summary"] == ["The figure is wrong.", "Corrected."]
    assert history[1].changes["stance"] == [None, "supports"]
    assert history[6].changes["stance"] == ["supports", None]
    assert history[1].user_id == editor.pk
    as_json = history[4].as_dict()
    assert as_json["actor"] == editor.username and as_json["operation"] == "update"
    assert as_json["changes"] == {"statement": ["before", "after"]}


def test_object_history_lists_one_objects_events():
    source = SourceFactory(title="Old")
    Source.objects.filter(pk=source.pk).update(title="New")

    history = object_history(obj=source)

    assert [e.operation for e in history] == ["insert", "update"]
    assert history[1].changes == {"title": ["Old", "New"]}


def test_the_admin_history_page_of_a_claim_shows_its_trail(client):
    moderator = AdminFactory()
    claim = ClaimFactory(statement="before")
    with audit_context(**user_metadata(moderator)):
        Claim.objects.filter(pk=claim.pk).update(statement="after")
        CommentFactory(claim=claim, body="A remark")
    client.force_login(moderator)

    response = client.get(f"/admin/claims/claim/{claim.pk}/history/")

    assert response.status_code == 200
    assert [(e.model, e.operation) for e in response.context["entries"]] == [
        ("claim", "insert"),
        ("claim", "update"),
        ("comment", "insert"),
    ]
    content = response.content.decode()
    assert "A remark" in content and moderator.username in content


# --- Nobody changes it ----------------------------------------------------------------------------


def test_the_trail_cannot_be_changed_through_the_admin(client):
    moderator = AdminFactory()
    claim = ClaimFactory()
    event = ClaimEvent.objects.get(pgh_obj_id=claim.pk)
    client.force_login(moderator)
    base = "/admin/claims/claimevent/"

    assert client.get(base).status_code == 200
    page = client.get(f"{base}{event.pk}/change/")
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert client.post(f"{base}{event.pk}/change/", {"pgh_label": "forged"}).status_code == 403
    assert client.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"{base}add/", {"pgh_label": "insert"}).status_code == 403
    response = client.post(base, {"action": "delete_selected", "_selected_action": [event.pk]})
    assert response.status_code in (200, 302)

    event.refresh_from_db()
    assert event.pgh_label == "insert"
    assert ClaimEvent.objects.filter(pgh_obj_id=claim.pk).count() == 1


def test_the_database_refuses_to_update_or_delete_an_event():
    claim = ClaimFactory()
    event = ClaimEvent.objects.get(pgh_obj_id=claim.pk)

    for statement in (
        "UPDATE claims_claimevent SET pgh_context = '{}'::jsonb WHERE pgh_id = %s",
        "DELETE FROM claims_claimevent WHERE pgh_id = %s",
    ):
        with (
            pytest.raises(ProgrammingError, match="Cannot update or delete"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
    assert ClaimEvent.objects.get(pk=event.pk).pgh_context is None


# --- A real worker --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def audit_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real Celery worker that also imports the audit tests' task, on a queue of its own."""
    from tests.conftest import WorkerProcess, database_url_for

    env = dict(os.environ)
    env["DATABASE_URL"] = database_url_for(connection.settings_dict)
    env.setdefault("PYTHONUNBUFFERED", "1")
    log_path = tmp_path_factory.mktemp("audit-celery") / "worker.log"
    worker = WorkerProcess(
        env,
        log_path,
        [
            "--loglevel=INFO",
            "--pool=threads",
            "--concurrency=2",
            "--without-mingle",
            "--without-gossip",
            f"--queues={QUEUE}",
            "--include=tests.claims.audit_tasks",
            f"--hostname=audit-{os.getpid()}@%h",
        ],
    )
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


def wait_for(predicate, worker, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if worker.proc and worker.proc.poll() is not None:
            break
        time.sleep(0.2)
    raise AssertionError(
        f"the worker did not do it; its log:\n{worker.log_path.read_text()[-4000:]}"
    )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_fetch_task_run_by_the_real_worker_writes_as_system_source_fetch(
    celery_worker_process,
):
    # A loopback address the fetcher's policy refuses: the task records a failure, no packet
    # leaves the machine.
    source = SourceFactory(
        url="http://127.0.0.1:9/refused", normalized_url="http://127.0.0.1:9/refused"
    )
    from claims.tasks import source_fetch

    source_fetch.delay(source.pk)
    wait_for(
        lambda: Source.objects.filter(pk=source.pk, fetch_status="failed").exists(),
        celery_worker_process,
    )

    by_task = SourceEvent.objects.filter(pgh_obj_id=source.pk, pgh_label="update")
    assert by_task.exists()
    assert {actor(e) for e in by_task} == {"system:claims.tasks.source_fetch"}
    assert by_task.last().pgh_changes["fetch_status"][1] == "failed"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_run_by_a_real_worker_is_recorded_as_system_task(audit_worker):
    claim = ClaimFactory(statement="before")
    statement = f"restated {uuid.uuid4()}"

    claim_restate.apply_async((claim.pk, statement), queue=QUEUE)
    wait_for(lambda: Claim.objects.filter(pk=claim.pk, statement=statement).exists(), audit_worker)

    [event] = updates(ClaimEvent, claim)
    assert actor(event) == "system:tests.claims.audit_tasks.claim_restate"
    assert event.pgh_changes == {"statement": ["before", statement]}


# --- A source's text is in its snapshots, not in every event ---------------------------------------


def test_a_source_fetch_records_what_changed_and_the_text_only_by_length_and_digest():
    source = SourceFactory()
    # about 100 KB that does not compress to nothing, as a page's text does not
    text = " ".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(1500))
    steps = [
        {"fetch_status": "fetching", "attempts": 1},
        {"fetch_status": "fetched", "text": text, "content_sha256": "ab" * 32, "http_status": 200},
        {"last_checked_at": "2026-01-01T00:00Z", "link_status": "ok"},
        {"fetch_status": "fetching", "attempts": 2},
        {"fetch_status": "fetched", "text": text + "Corrected.", "content_sha256": "cd" * 32},
    ]
    for fields in steps:
        Source.objects.filter(pk=source.pk).update(**fields)

    events = updates(SourceEvent, source)
    assert len(events) == len(steps)
    assert events[1].pgh_changes["fetch_status"] == ["fetching", "fetched"]
    before, after = events[1].pgh_changes["text"]
    assert before == {"characters": 0, "md5": hashlib.md5(b"").hexdigest()}  # noqa: S324
    assert after == {"characters": len(text), "md5": hashlib.md5(text.encode()).hexdigest()}  # noqa: S324
    assert "text" not in events[2].pgh_changes
    assert not hasattr(events[0], "text")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(pg_column_size(e.*)) FROM claims_sourceevent e WHERE pgh_obj_id = %s",
            [source.pk],
        )
        stored = cursor.fetchone()[0]
    assert stored < 8_000, f"{stored} bytes of events for two fetches of a 100 KB text"


def test_an_article_revision_records_its_body_only_by_length_and_digest():
    from claims.models import ArticleRevision
    from claims.services.revisions import article_revise

    # about 100 KB that does not compress to nothing
    body = " ".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(1500)) + ".\n"
    article = ArticleFactory(body=body)
    editor = EditorFactory()
    new = "A correction at the top.\n" + body
    with audit_context(**user_metadata(editor)):
        article_revise(actor=editor, article=article, body=new, note="top line")
    [event] = updates(ArticleEvent, article)
    digest = lambda text: hashlib.md5(text.encode()).hexdigest()  # noqa: E731, S324
    assert event.pgh_changes["body"] == [
        {"characters": len(body), "md5": digest(body)},
        {"characters": len(new), "md5": digest(new)},
    ]
    assert event.pgh_changes["revision"] == [1, 2]
    assert event.pgh_changes["body_sha256"][1] == hashlib.sha256(new.encode()).hexdigest()
    assert not hasattr(event, "body") and not hasattr(event, "turns")
    # the bodies themselves are in the revisions, append-only
    bodies = dict(ArticleRevision.objects.filter(article=article).values_list("number", "body"))
    assert bodies == {1: body, 2: new}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(pg_column_size(e.*)) FROM claims_articleevent e WHERE pgh_obj_id = %s",
            [article.pk],
        )
        stored = cursor.fetchone()[0]
    assert stored < 4_000, f"{stored} bytes of events for an article of 100 KB and a revision"


def test_a_transcripts_turns_are_summarised_too():
    article = ArticleFactory(
        body="JANE: Unemployment fell.\n", kind="transcript", turns=[{"speaker": "JANE"}]
    )
    Article.objects.filter(pk=article.pk).update(turns=[{"speaker": "JOHN"}])
    [event] = updates(ArticleEvent, article)
    before, after = event.pgh_changes["turns"]
    assert set(before) == {"characters", "md5"} and before != after


def test_an_articles_suggestions_are_recorded_as_one_event_set_with_the_actor():
    article = ArticleFactory(body=(ROOT / "seeds" / "000_5fe590b60e8f00fa.txt").read_text())
    editor = EditorFactory()
    with audit_context(**user_metadata(editor)):
        claims = article_suggest_claims(article=article)
    events = ClaimEvent.objects.filter(pgh_obj_id__in=[c.pk for c in claims])
    assert len(claims) > 10
    assert events.count() == len(claims)
    assert {e.pgh_label for e in events} == {"insert"}
    assert {actor(e) for e in events} == {editor.username}
    # written by one statement-level trigger call (from its transition table), not one per row
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgtype & 1 FROM pg_trigger WHERE tgrelid = 'claims_claim'::regclass"
            " AND tgname LIKE 'pgtrigger_audit_insert_%'"
        )
        assert cursor.fetchall() == [(0,)]  # bit 0 of tgtype set means FOR EACH ROW
    first = events.get(pgh_obj_id=claims[0].pk)
    assert first.quote == claims[0].quote and first.reasons == claims[0].reasons


def _claim_rows(ids) -> dict[int, dict]:
    """Each claim as PostgreSQL converts its whole row to JSON: the oracle of a change's record."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id, to_jsonb(c)::text FROM claims_claim c WHERE c.id = ANY(%s)", [ids]
        )
        return {pk: json.loads(row) for pk, row in cursor.fetchall()}


def test_one_update_of_many_claims_records_each_change_by_one_statement_trigger():
    editor = EditorFactory()
    claims = ClaimFactory.create_batch(4, statement="before", reasons=["a"])
    ids = [c.pk for c in claims]
    before = _claim_rows(ids)
    with audit_context(**user_metadata(editor)), connection.cursor() as cursor:
        # different columns change on different rows: text, JSON, null to a value, timestamps;
        # the last row is "updated" to what it already holds
        cursor.execute(
            "UPDATE claims_claim SET"
            " statement = CASE WHEN id = %(a)s THEN 'after' ELSE statement END,"
            ' reasons = CASE WHEN id = %(b)s THEN \'["a", {"b": null}]\'::jsonb ELSE reasons END,'
            " assignee_id = CASE WHEN id = %(c)s THEN %(editor)s ELSE assignee_id END,"
            " claim_date = CASE WHEN id = %(c)s THEN DATE '2026-02-03' ELSE claim_date END,"
            " updated_at = CASE WHEN id IN (%(a)s, %(b)s) THEN now() ELSE updated_at END"
            " WHERE id = ANY(%(ids)s)",
            {"a": ids[0], "b": ids[1], "c": ids[2], "editor": editor.pk, "ids": ids},
        )
    after = _claim_rows(ids)
    for pk in ids[:3]:
        [event] = ClaimEvent.objects.filter(pgh_obj_id=pk, pgh_label="update")
        expected = {k: [before[pk][k], v] for k, v in after[pk].items() if before[pk][k] != v}
        assert expected and event.pgh_changes == expected
        assert actor(event) == editor.username and event.pgh_context["user"] == editor.pk
        assert event.statement == after[pk]["statement"] and event.version == after[pk]["version"]
    assert not ClaimEvent.objects.filter(pgh_obj_id=ids[3], pgh_label="update").exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgtype & 1 FROM pg_trigger WHERE tgrelid = 'claims_claim'::regclass"
            " AND tgname LIKE 'pgtrigger_audit_update_%'"
        )
        assert cursor.fetchall() == [(0,)]  # one call for the statement, not one per row


def test_the_update_trigger_leaves_the_transactions_jit_setting_as_it_found_it():
    claim = ClaimFactory(statement="before")
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in ("on", "off"):
            cursor.execute("SELECT set_config('jit', %s, true)", [setting])
            Claim.objects.filter(pk=claim.pk).update(statement=f"jit {setting}")
            cursor.execute("SELECT current_setting('jit')")
            assert cursor.fetchone() == (setting,)
    assert [e.pgh_changes["statement"][1] for e in updates(ClaimEvent, claim)] == [
        "jit on",
        "jit off",
    ]
