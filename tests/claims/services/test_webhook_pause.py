"""A webhook whose creator may no longer carry it (demoted, deactivated, deleted) is paused by the
dispatch, once and visibly, the desk's admins are told once, and an active editor takes it
over to resume it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core import mail as django_mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from claims import selectors
from claims.models import Event, Notification, Webhook, WebhookDelivery
from claims.reference import EDITORS
from claims.services import mail, queue, webhooks
from claims.services.claims import claim_assign
from claims.services.comments import comment_add
from claims.services.errors import InvalidTransition, PermissionDenied
from tests.factories import AdminFactory, ClaimFactory, EditorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

SECRET = "whsec_MDEyMzQ1Njc4OWFiY2RlZg=="


@pytest.fixture
def sent(monkeypatch):
    """Messages the services enqueue (events are still dispatched at once)."""
    messages: list[tuple[str, tuple]] = []
    inner = queue.enqueue

    def record(name, *args, **options):
        messages.append((name, args))
        inner(name, *args, **options)

    monkeypatch.setattr(queue, "enqueue", record)
    return messages


def hook_of(user, path: str = "/h", events=("*",)) -> Webhook:
    return Webhook.objects.create(
        url=f"http://127.0.0.2{path}", events=list(events), secret=SECRET, created_by=user
    )


def demote(user) -> None:
    user.groups.remove(*user.groups.filter(name=EDITORS))


def some_event(actor=None) -> Event:
    claim_assign(actor=actor or EditorFactory(), claim=ClaimFactory(), assignee=ReviewerFactory())
    return Event.objects.exclude(type="webhook.paused").latest("id")


def paused_news() -> list[Notification]:
    return list(Notification.objects.filter(type="webhook.paused").order_by("recipient_id"))


def test_a_demoted_creators_webhook_is_paused_once_and_the_admins_are_told_once(sent):
    admins = [AdminFactory(email=f"admin{n}@example.test") for n in range(2)]
    AdminFactory(is_active=False)  # a former admin hears nothing
    bystander = EditorFactory()  # editors are not told: admins are
    creator, colleague = EditorFactory(username="hana"), EditorFactory()
    hook = hook_of(creator, "/newsroom")
    kept = hook_of(colleague, "/kept")
    demote(creator)
    for _ in range(3):  # three dispatches, each with the creator still demoted
        some_event(colleague)
    hook.refresh_from_db()
    assert hook.paused_at is not None and not hook.active
    assert hook.paused_reason == "creator_not_editor"
    assert hook.paused_detail == (
        "Its creator, hana, is no longer an editor, and a webhook sends only what an active "
        "editor may see."
    )
    assert hook.created_by == creator and hook.secret == SECRET  # nothing else changed
    # No delivery was written for it (nor kept for later); the colleague's got every event.
    assert hook.deliveries.count() == 0 and kept.deliveries.count() == 3
    # Once: one event, one line per active admin, and the pause's time is the first dispatch's.
    [event] = Event.objects.filter(type="webhook.paused")
    assert event.actor is None and event.dispatched_at == hook.paused_at
    assert event.payload["url"] == "http://127.0.0.2/newsroom"
    assert event.payload["paused_reason"] == "creator_not_editor"
    assert "secret" not in event.payload
    lines = paused_news()
    assert [n.recipient for n in lines] == admins
    assert not Notification.objects.filter(recipient=bystander).exists()
    assert lines[0].text == (
        "Webhook http://127.0.0.2/newsroom is paused and gets no events: Its creator, hana, is no "
        "longer an editor, and a webhook sends only what an active editor may see. An editor can "
        "take it over to resume it."
    )
    # The admins want it now (the default): the batch's e-mail message carries the pause.
    assert all(n.email == "pending" for n in lines)
    emails = [args[0] for name, args in sent if name == queue.NOTIFICATION_EMAIL]
    assert sum(event.pk in ids for ids in emails) == 1
    assert mail.notification_email_send(event_id=event.pk) == {"sent": 2}
    assert sorted(m.to[0] for m in django_mail.outbox) == [
        "admin0@example.test",
        "admin1@example.test",
    ]
    body = django_mail.outbox[0].body
    assert "http://127.0.0.2/newsroom" in body and "no longer an editor" in body
    assert f"/admin/claims/webhook/{hook.pk}/change/" in body


@pytest.mark.parametrize(
    ("lapse", "reason", "detail"),
    [
        ("deactivated", "creator_inactive", "Its creator, hana, was deactivated"),
        ("deleted", "creator_deleted", "Its creator's account was deleted"),
        ("demoted and deactivated", "creator_inactive", "Its creator, hana, was deactivated"),
    ],
)
def test_each_lapse_of_the_creator_pauses_with_its_reason(lapse, reason, detail):
    AdminFactory()
    creator = EditorFactory(username="hana")
    hook = hook_of(creator)
    if "demoted" in lapse:
        demote(creator)
    if "deactivated" in lapse:
        creator.is_active = False
        creator.save()
    if lapse == "deleted":
        creator.delete()
    some_event()
    hook.refresh_from_db()
    assert hook.paused_reason == reason and hook.paused_detail.startswith(detail + ", and ")
    assert hook.deliveries.count() == 0
    assert len(paused_news()) == 1


def test_an_active_editor_takes_a_paused_webhook_over_and_it_gets_events_again():
    AdminFactory()
    creator, successor = EditorFactory(), EditorFactory()
    hook = hook_of(creator)
    demote(creator)
    some_event()  # pauses it
    while_paused = some_event()
    hook.refresh_from_db()
    assert hook.paused_at is not None and hook.deliveries.count() == 0
    with pytest.raises(PermissionDenied):
        webhooks.webhook_resume(actor=ReviewerFactory(), webhook=hook)
    with pytest.raises(PermissionDenied):
        webhooks.webhook_resume(actor=EditorFactory(is_active=False), webhook=hook)
    resumed = webhooks.webhook_resume(actor=successor, webhook=hook)
    assert resumed.created_by == successor and resumed.active
    hook.refresh_from_db()
    assert hook.created_by == successor and hook.paused_at is None
    assert (hook.paused_reason, hook.paused_detail) == ("", "")
    assert hook.secret == SECRET and hook.url == "http://127.0.0.2/h"
    after = some_event()
    # From now on: the event after the takeover, not the ones dispatched while it was paused.
    assert list(hook.deliveries.values_list("event_id", flat=True)) == [after.pk]
    assert not hook.deliveries.filter(event=while_paused).exists()
    with pytest.raises(InvalidTransition):  # active: nothing to resume
        webhooks.webhook_resume(actor=EditorFactory(), webhook=hook)
    assert len(paused_news()) == 1


def test_a_paused_webhook_stays_paused_when_its_creator_is_an_editor_again():
    """Only a takeover resumes: whoever re-promotes someone does not restart their webhooks."""
    creator = EditorFactory()
    hook = hook_of(creator)
    demote(creator)
    some_event()
    creator.groups.add(Group.objects.get(name=EDITORS))
    some_event()
    hook.refresh_from_db()
    assert hook.paused_at is not None and hook.deliveries.count() == 0


def test_an_admin_takes_over_too_and_pausing_again_later_tells_again():
    AdminFactory()
    creator, admin = EditorFactory(), AdminFactory()
    hook = hook_of(creator)
    demote(creator)
    some_event()
    webhooks.webhook_resume(actor=admin, webhook=hook)
    some_event()
    assert hook.deliveries.count() == 1
    admin.is_active = False  # the new owner leaves in turn
    admin.save()
    some_event()
    hook.refresh_from_db()
    assert hook.paused_reason == "creator_inactive" and hook.deliveries.count() == 1
    assert Event.objects.filter(type="webhook.paused").count() == 2


def test_a_pause_judged_on_a_stale_creator_does_nothing():
    """A dispatch reads the webhooks, a takeover commits, then the dispatch pauses: the pause is
    for the creator it judged, so the takeover stands (and nobody is told)."""
    creator, successor = EditorFactory(), EditorFactory()
    hook = hook_of(creator)
    stale = Webhook.objects.select_related("created_by").get(pk=hook.pk)
    Webhook.objects.filter(pk=hook.pk).update(created_by=successor)
    reason = {hook.pk: "creator_not_editor"}
    assert webhooks._pause([stale], reason, now=hook.created_at) == []
    hook.refresh_from_db()
    assert hook.paused_at is None and hook.created_by == successor
    assert webhooks._pause([hook], reason, now=hook.created_at) == [hook]  # it would have


def test_the_news_of_a_pause_is_not_sent_to_webhooks_nor_registrable():
    AdminFactory()
    creator = EditorFactory()
    hook_of(creator, "/gone")
    everything = hook_of(EditorFactory(), "/all")
    demote(creator)
    event = some_event()
    assert Event.objects.filter(type="webhook.paused").count() == 1
    assert list(everything.deliveries.values_list("event_id", flat=True)) == [event.pk]
    assert "webhook.paused" not in webhooks.WEBHOOK_EVENT_TYPES


def test_only_editors_keep_the_news_in_their_inbox_and_the_inbox_links_to_the_admin():
    admin = AdminFactory()
    creator = EditorFactory()
    hook = hook_of(creator)
    demote(creator)
    some_event()
    [line] = selectors.notification_list(user=admin).filter(type="webhook.paused")
    page = Client()
    page.force_login(admin)
    inbox = page.get("/inbox/")
    assert inbox.status_code == 200
    assert f'href="/admin/claims/webhook/{hook.pk}/change/"' in inbox.content.decode()
    # An admin who is a reviewer now no longer sees a webhook's URL (nor hears of it by e-mail).
    admin.is_superuser = False
    admin.save()
    admin.groups.remove(*admin.groups.filter(name=EDITORS))
    admin = type(admin).objects.get(pk=admin.pk)
    assert not selectors.notification_list(user=admin).filter(pk=line.pk).exists()


def test_dispatch_queries_do_not_grow_with_the_paused_webhooks(events_left_to_the_worker, sent):
    """Whatever the number of webhooks whose creators lapsed: the batch that pauses them costs the
    same queries for one as for thirty, and later batches do not read them at all."""
    AdminFactory(email="admin@example.test")
    owner = EditorFactory()
    hook_of(owner, "/live")

    def lapsed(count: int) -> None:
        for n in range(count):
            gone = EditorFactory()
            hook_of(gone, f"/{gone.pk}-{n}")
            demote(gone)

    def dispatch() -> int:
        for n in range(6):
            claim = claim_assign(actor=owner, claim=ClaimFactory(), assignee=ReviewerFactory())
            if n % 2:
                comment_add(actor=owner, claim=claim, body="A note.")
        with CaptureQueriesContext(connection) as queries:
            assert webhooks.event_dispatch(limit=200, first=200) == 9
        return len(queries)

    lapsed(1)
    pausing_one, after_one = dispatch(), dispatch()
    lapsed(30)
    pausing_thirty, after_thirty = dispatch(), dispatch()
    assert Webhook.objects.filter(paused_at__isnull=False).count() == 31
    assert Notification.objects.filter(type="webhook.paused").count() == 31
    assert (pausing_thirty, after_thirty) == (pausing_one, after_one)
    # The pause and its news: the pause, the events, the admins, their e-mail choices and the
    # inbox lines.
    assert pausing_one - after_one == 5
    assert WebhookDelivery.objects.exclude(webhook__url="http://127.0.0.2/live").count() == 0
