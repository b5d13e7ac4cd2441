"""Events and inbox notifications: each type once, to the right people, never to the actor."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection

from claims import selectors
from claims.models import Event, Notification, Verdict, Webhook, WebhookDelivery
from claims.services import notify, queue, webhooks
from claims.services.claims import claim_assign
from claims.services.comments import comment_add
from claims.services.errors import PermissionDenied, ValidationError
from claims.services.moderation import comment_hide
from claims.services.notify import notification_mark_read
from claims.services.verdicts import (
    verdict_approve,
    verdict_create,
    verdict_publish,
    verdict_reject,
    verdict_submit,
    verdict_update,
)
from tests.factories import (
    AdminFactory,
    ClaimFactory,
    EditorFactory,
    ReviewerFactory,
    SourcedClaimFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def inbox(user) -> list[tuple[str, str]]:
    return [(n.type, n.text) for n in selectors.notification_list(user=user)]


def recipients(event: Event) -> dict[str, str]:
    return {n.recipient.username: n.type for n in event.notifications.select_related("recipient")}


def test_assigning_a_claim_tells_the_assignee_once_and_not_the_editor():
    editor, reviewer = EditorFactory(), ReviewerFactory()
    claim = claim_assign(actor=editor, claim=ClaimFactory(), assignee=reviewer)
    event = Event.objects.get()
    assert event.type == "claim.assigned" and event.claim == claim and event.actor == editor
    assert recipients(event) == {reviewer.username: "claim.assigned"}
    assert event.payload["assignee"] == {"id": reviewer.pk, "username": reviewer.username}
    assert inbox(editor) == []


def test_unassigning_tells_nobody_and_self_assignment_is_not_news():
    editor = EditorFactory()
    claim = claim_assign(actor=editor, claim=ClaimFactory(), assignee=editor)
    claim_assign(actor=editor, claim=claim, assignee=None)
    assert Notification.objects.count() == 0
    assert Event.objects.count() == 1  # the assignment still goes to webhooks


def test_the_request_writes_the_event_and_one_message_and_the_worker_writes_the_inbox(
    events_left_to_the_worker, monkeypatch
):
    sent = []
    monkeypatch.setattr(queue, "enqueue", lambda name, *args, **kw: sent.append((name, args)))
    editor, reviewer = EditorFactory(), ReviewerFactory(email="reviewer@example.test")
    claim_assign(actor=editor, claim=ClaimFactory(), assignee=reviewer)
    event = Event.objects.get()
    # The request: the event, undispatched, and one dispatch message; nobody's inbox yet.
    assert event.dispatched_at is None and Notification.objects.count() == 0
    assert sent == [(queue.EVENT_DISPATCH, (event.pk,))]
    # The worker: the inbox line, once, however often the message comes.
    assert webhooks.event_dispatch(event_id=event.pk) == 1
    assert webhooks.event_dispatch(event_id=event.pk) == 0
    assert recipients(event) == {reviewer.username: "claim.assigned"}
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert sent[1:] == [(queue.NOTIFICATION_EMAIL, ([event.pk],))]  # the assignee wants it now


def test_a_message_whose_event_is_dispatched_already_costs_one_query(
    events_left_to_the_worker, django_assert_num_queries
):
    """A burst sends one message an event and the first takes a batch: the rest must be cheap."""
    claim_assign(actor=EditorFactory(), claim=ClaimFactory(), assignee=ReviewerFactory())
    event = Event.objects.get()
    assert webhooks.event_dispatch(event_id=event.pk) == 1
    with django_assert_num_queries(1):  # no lock, no transaction
        assert webhooks.event_dispatch(event_id=event.pk) == 0
    with django_assert_num_queries(1):  # an event deleted since
        assert webhooks.event_dispatch(event_id=event.pk + 1000) == 0


@pytest.mark.django_db(transaction=True)
def test_a_message_whose_event_another_dispatch_holds_costs_one_query(
    events_left_to_the_worker, django_assert_num_queries, monkeypatch
):
    # The test plays the worker: the committed event's message must not reach a real one (the
    # session's worker, when an earlier test started it, would dispatch the event meanwhile).
    enqueue = queue.enqueue
    monkeypatch.setattr(
        queue,
        "enqueue",
        lambda name, *args, **options: (
            None if name == queue.EVENT_DISPATCH else enqueue(name, *args, **options)
        ),
    )
    claim_assign(actor=EditorFactory(), claim=ClaimFactory(), assignee=ReviewerFactory())
    event = Event.objects.get()
    # Another worker's dispatch has the event in its batch, not yet committed.
    with psycopg.connect(**connection.get_connection_params()) as other:
        other.execute("SELECT 1 FROM claims_event WHERE id = %s FOR UPDATE", [event.pk])
        with django_assert_num_queries(1):  # no lock waited for, no transaction
            assert webhooks.event_dispatch(event_id=event.pk) == 0
        other.rollback()  # that dispatch failed: the event waits again
    assert webhooks.event_dispatch(event_id=event.pk) == 1


def test_one_dispatch_takes_the_waiting_events_in_a_constant_number_of_queries(
    events_left_to_the_worker, django_assert_max_num_queries, monkeypatch
):
    editor = EditorFactory()
    reviewers = [ReviewerFactory(email=f"r{n}@example.test") for n in range(5)]
    Webhook.objects.create(
        url="http://127.0.0.2/h", events=["*"], secret="whsec_QQ==", created_by=editor
    )
    for n in range(40):
        claim_assign(actor=editor, claim=ClaimFactory(), assignee=reviewers[n % 5])
    first = Event.objects.order_by("id").first()
    sent = []
    monkeypatch.setattr(queue, "enqueue", lambda name, *args, **kw: sent.append((name, args)))
    # Assignments name their recipient: the unlocked look at the message's event, the lock, the
    # load, the e-mail choices, the rows, the webhooks and their creator's rights, the mark, the
    # deliveries to enqueue.
    with django_assert_max_num_queries(13):
        assert webhooks.event_dispatch(event_id=first.pk, limit=200, first=200) == 40
    assert Notification.objects.count() == 40
    assert Event.objects.filter(dispatched_at__isnull=True).count() == 0
    assert WebhookDelivery.objects.count() == 40
    # One message for the batch's e-mail, one per ten deliveries of the one webhook.
    ids = sorted(Event.objects.values_list("pk", flat=True))
    assert [args for name, args in sent if name == queue.NOTIFICATION_EMAIL] == [(ids,)]
    assert len([name for name, _ in sent if name == queue.WEBHOOK_DELIVER]) == 4


def test_a_backlog_is_taken_batch_after_batch_by_one_message(
    events_left_to_the_worker, monkeypatch
):
    """The message's own event goes out in a small first batch; each batch commits (and
    enqueues its deliveries) before the next is taken, while the batches come back full, up to
    the message's allowance."""
    editor = EditorFactory()
    Webhook.objects.create(
        url="http://127.0.0.2/h", events=["*"], secret="whsec_QQ==", created_by=editor
    )
    for _ in range(7):
        claim_assign(actor=editor, claim=ClaimFactory(), assignee=ReviewerFactory())
    last = Event.objects.order_by("id").last()
    sent = []
    monkeypatch.setattr(queue, "enqueue", lambda name, *args, **kw: sent.append((name, args)))
    assert webhooks.event_dispatch(event_id=last.pk, first=1, limit=2, batches=3) == 5
    dispatched = Event.objects.filter(dispatched_at__isnull=False)
    assert dispatched.count() == 5
    assert dispatched.values("dispatched_at").distinct().count() == 3  # three transactions
    first_batch = dispatched.order_by("dispatched_at").first()
    assert first_batch == last  # the message's own event, alone
    # One delivery message a batch (one webhook): one delivery, then two and two.
    assert [len(args[0]) for name, args in sent if name == queue.WEBHOOK_DELIVER] == [1, 2, 2]
    # A batch that is not full ends the backlog: the last two, one then one, and no more.
    assert webhooks.event_dispatch(first=1, limit=2, batches=3) == 2
    assert webhooks.event_dispatch(first=1, limit=2, batches=3) == 0
    assert WebhookDelivery.objects.count() == 7


def test_a_malformed_event_does_not_hold_up_the_others(events_left_to_the_worker, caplog):
    """Each dispatch takes the oldest events first, so one that fails would block every batch."""
    editor, reviewer = EditorFactory(), ReviewerFactory()
    broken = Event.objects.create(type="verdict.published", payload={"id": 1})  # no verdict
    claim_assign(actor=editor, claim=ClaimFactory(), assignee=reviewer)
    assert webhooks.event_dispatch(event_id=broken.pk) == 2
    assert Event.objects.filter(dispatched_at__isnull=True).count() == 0
    assert inbox(reviewer)[0][0] == "claim.assigned"
    assert f"event {broken.pk}: no inbox lines" in caplog.text


def test_a_refused_change_leaves_no_event():
    reviewer = ReviewerFactory()
    with pytest.raises(PermissionDenied):
        claim_assign(actor=reviewer, claim=ClaimFactory(), assignee=reviewer)
    assert Event.objects.count() == 0 and Notification.objects.count() == 0


def test_a_submitted_verdict_tells_every_editor_but_the_submitter():
    author, editor_a, editor_b, admin = (
        ReviewerFactory(),
        EditorFactory(),
        EditorFactory(),
        AdminFactory(),
    )
    UserFactory()  # no role: hears nothing
    other_reviewer = ReviewerFactory()
    verdict = verdict_create(
        actor=author, claim=SourcedClaimFactory(), rating="false", summary="No."
    )
    verdict_submit(actor=author, verdict=verdict)
    event = Event.objects.get(type="verdict.submitted")
    assert recipients(event) == {
        editor_a.username: "verdict.submitted",
        editor_b.username: "verdict.submitted",
        admin.username: "verdict.submitted",
    }
    assert inbox(other_reviewer) == [] and inbox(author) == []
    assert event.payload["status"] == "submitted" and event.payload["rating"] == "false"


def test_an_editor_submitting_is_not_told_of_their_own_submission():
    editor, other = EditorFactory(), EditorFactory()
    verdict = verdict_create(
        actor=editor, claim=SourcedClaimFactory(), rating="false", summary="No."
    )
    verdict_submit(actor=editor, verdict=verdict)
    assert recipients(Event.objects.get()) == {other.username: "verdict.submitted"}


def test_a_submitted_verdict_skips_the_editors_four_eyes_bars_from_reviewing_it():
    author, changer, submitter, reviewer_editor = (
        EditorFactory(),
        EditorFactory(),
        EditorFactory(),
        EditorFactory(),
    )
    verdict = verdict_create(
        actor=author, claim=SourcedClaimFactory(), rating="false", summary="No."
    )
    verdict = verdict_update(actor=changer, verdict=verdict, summary="No, it is false.")
    verdict_submit(actor=submitter, verdict=verdict)
    # The author and the editor who changed its content may not approve it, so they are not asked.
    assert recipients(Event.objects.get()) == {reviewer_editor.username: "verdict.submitted"}


def test_each_verdict_events_payload_is_the_verdict_as_stored_at_that_moment():
    """The payload comes from the services' locked row, not a second read: it must equal one."""
    author, editor = ReviewerFactory(), EditorFactory()
    verdict = verdict_create(
        actor=author, claim=SourcedClaimFactory(), rating="false", summary="No."
    )
    steps = [
        lambda v: verdict_submit(actor=author, verdict=v),
        lambda v: verdict_reject(actor=editor, verdict=v, reason="Cite the table."),
        lambda v: verdict_submit(actor=author, verdict=v),
        lambda v: verdict_approve(actor=editor, verdict=v),
        lambda v: verdict_publish(actor=editor, verdict=v),
    ]
    for step in steps:
        verdict = step(verdict)
        stored = Verdict.objects.select_related("rating", "author", "reviewed_by").get(
            pk=verdict.pk
        )
        assert Event.objects.latest("id").payload == notify.verdict_data(stored)


def test_approval_and_publication_tell_the_author():
    author, editor = ReviewerFactory(), EditorFactory()
    verdict = verdict_create(
        actor=author, claim=SourcedClaimFactory(), rating="false", summary="No."
    )
    verdict = verdict_submit(actor=author, verdict=verdict)
    verdict = verdict_approve(actor=editor, verdict=verdict)
    verdict_publish(actor=editor, verdict=verdict)
    types = [t for t, _ in inbox(author)]
    assert types == ["verdict.published", "verdict.approved"]
    assert recipients(Event.objects.get(type="verdict.approved")) == {
        author.username: "verdict.approved"
    }
    assert [t for t, _ in inbox(editor)] == ["verdict.submitted"]


def test_a_rejection_tells_the_author_with_the_reason():
    author, editor = ReviewerFactory(), EditorFactory()
    verdict = verdict_create(
        actor=author, claim=SourcedClaimFactory(), rating="false", summary="No."
    )
    verdict = verdict_submit(actor=author, verdict=verdict)
    verdict_reject(actor=editor, verdict=verdict, reason="Cite the ministry's table.")
    [(kind, text)] = inbox(author)
    assert kind == "verdict.rejected"
    assert text.startswith(f"{editor.username} rejected your verdict on “")
    assert text.endswith("”: Cite the ministry's table.")
    event = Event.objects.get(type="verdict.rejected")
    assert event.payload["rejection_reason"] == "Cite the ministry's table."


def test_a_comment_tells_those_working_on_the_claim_but_not_its_author():
    editor, assignee, drafter, earlier, bystander = (
        EditorFactory(),
        ReviewerFactory(),
        ReviewerFactory(),
        ReviewerFactory(),
        ReviewerFactory(),
    )
    claim = claim_assign(actor=editor, claim=ClaimFactory(), assignee=assignee)
    verdict_create(actor=drafter, claim=claim, rating="false", summary="No.")
    comment_add(actor=earlier, claim=claim, body="First thoughts.")
    comment_add(actor=assignee, claim=claim, body="Checking the figure now.")
    event = Event.objects.filter(type="comment.created").latest("id")
    assert recipients(event) == {
        drafter.username: "comment.created",
        earlier.username: "comment.created",
    }
    assert inbox(bystander) == []
    assert event.payload["body"] == "Checking the figure now."


def test_a_mention_tells_the_named_member_once_as_a_mention():
    author, named, assignee, editor = (
        ReviewerFactory(username="ana"),
        ReviewerFactory(username="bo.li"),
        ReviewerFactory(),
        EditorFactory(),
    )
    claim = claim_assign(actor=editor, claim=ClaimFactory(), assignee=assignee)
    comment_add(
        actor=author,
        claim=claim,
        body=f"@bo.li, and @{assignee.username}: see this. @bo.li again. Mail me@ana.org",
    )
    event = Event.objects.get(type="comment.created")
    assert recipients(event) == {
        "bo.li": "comment.mention",
        assignee.username: "comment.mention",
    }
    assert inbox(named)[0][1].startswith("ana mentioned you on")


def test_mentions_of_unknown_users_or_non_members_or_oneself_do_nothing():
    author = ReviewerFactory(username="ana")
    UserFactory(username="norole")
    comment_add(actor=author, claim=ClaimFactory(), body="@nobody @norole @ana hello")
    assert Notification.objects.count() == 0
    assert Event.objects.filter(type="comment.created").count() == 1


def test_the_inbox_shows_exactly_the_recipients_events_newest_first():
    editor, one, two = EditorFactory(), ReviewerFactory(), ReviewerFactory()
    first = claim_assign(actor=editor, claim=ClaimFactory(), assignee=one)
    claim_assign(actor=editor, claim=ClaimFactory(), assignee=two)
    comment_add(actor=editor, claim=first, body="Over to you.")
    assert [t for t, _ in inbox(one)] == ["comment.created", "claim.assigned"]
    assert [t for t, _ in inbox(two)] == ["claim.assigned"]
    assert selectors.notification_unread_count(user=one) == 2


def test_a_hidden_comment_leaves_a_reviewers_inbox_but_not_an_editors():
    moderator, reviewer, editor = EditorFactory(), ReviewerFactory(), EditorFactory()
    claim = claim_assign(actor=moderator, claim=ClaimFactory(), assignee=reviewer)
    comment = comment_add(
        actor=ReviewerFactory(),
        claim=claim,
        body=f"@{reviewer.username} @{editor.username} rude words",
    )
    comment_hide(actor=moderator, comment=comment, reason="abuse")
    assert [t for t, _ in inbox(reviewer)] == ["claim.assigned"]
    assert selectors.notification_unread_count(user=reviewer) == 1
    assert [t for t, _ in inbox(editor)] == ["comment.mention"]


def test_an_account_that_lost_its_role_sees_no_inbox():
    editor, reviewer = EditorFactory(), ReviewerFactory()
    claim_assign(actor=editor, claim=ClaimFactory(), assignee=reviewer)
    reviewer.groups.clear()
    reviewer = type(reviewer).objects.get(pk=reviewer.pk)
    assert inbox(reviewer) == []


def test_marking_read_touches_only_the_actors_notifications():
    editor, one, two = EditorFactory(), ReviewerFactory(), ReviewerFactory()
    claim_assign(actor=editor, claim=ClaimFactory(), assignee=one)
    claim_assign(actor=editor, claim=ClaimFactory(), assignee=two)
    theirs = Notification.objects.get(recipient=two)
    assert notification_mark_read(actor=one, ids=[theirs.pk]) == 0
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    mine = Notification.objects.get(recipient=one)
    assert notification_mark_read(actor=one, ids=[mine.pk]) == 1
    assert notification_mark_read(actor=one, ids=[mine.pk]) == 0
    assert notification_mark_read(actor=two, mark_all=True) == 1
    assert selectors.notification_unread_count(user=two) == 0


@pytest.mark.parametrize("ids", [None, [], ["1"], [True], [-1], "1", list(range(1, 502))])
def test_marking_read_refuses_bad_ids(ids):
    with pytest.raises(ValidationError) as caught:
        notification_mark_read(actor=ReviewerFactory(), ids=ids)
    assert caught.value.field == "ids"


def test_a_blind_double_reviews_verdict_reaches_webhooks_without_its_content_until_both_submit():
    """Webhook receivers (a newsroom system, a chat channel the whole desk reads) are no way
    around blindness: before both reviewers submitted, a verdict's event carries no rating,
    summary, rationale or rejection reason; the submission that reveals both carries its own."""
    from claims.services.double_review import claim_double_review_start

    first, second = ReviewerFactory(), ReviewerFactory()
    editor = EditorFactory()
    claim = SourcedClaimFactory()
    claim_double_review_start(
        actor=editor, claim=claim, reviewers=[first.username, second.username]
    )
    secret = "Only-the-first-reviewer-wrote-this-8812"
    theirs = verdict_create(
        actor=first, claim=claim, rating="mostly-false", summary=secret, rationale=secret
    )
    theirs = verdict_submit(actor=first, verdict=theirs)
    verdict_reject(actor=editor, verdict=theirs, reason=f"Reason naming {secret}")
    verdict_submit(actor=first, verdict=verdict_update(actor=first, verdict=theirs, summary=secret))
    for event in Event.objects.filter(verdict=theirs):
        data = event.payload
        assert secret not in str(data) and "mostly-false" not in str(data), event.type
        assert data["blind"] is True and data["id"] == theirs.pk and data["status"], event.type

    mine = verdict_create(actor=second, claim=claim, rating="true", summary="Mine, now shown.")
    verdict_submit(actor=second, verdict=mine)
    revealing = Event.objects.get(verdict=mine, type="verdict.submitted")
    assert revealing.payload["summary"] == "Mine, now shown."
    assert revealing.payload["rating"] == "true" and "blind" not in revealing.payload
