"""E-mail of notifications: per person and type (immediately, daily digest, off), one-click
unsubscribe without signing in, nothing the recipient may not see, and the real SMTP path once."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core import mail as django_mail
from django.test import Client
from django.utils import timezone

from claims.models import Event, Notification, NotificationPreference
from claims.services import mail
from claims.services.claims import claim_assign
from claims.services.comments import comment_add
from claims.services.errors import PermissionDenied, ValidationError
from claims.services.moderation import comment_hide
from claims.services.verdicts import verdict_create, verdict_submit
from tests.claims.api.conftest import token_client
from tests.factories import (
    ClaimFactory,
    EditorFactory,
    ReviewerFactory,
    SourcedClaimFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def send(event: Event) -> dict:
    return mail.notification_email_send(event_id=event.pk)


def states(event: Event) -> dict[str, str]:
    return {n.recipient.username: n.email for n in event.notifications.select_related("recipient")}


def test_an_assignment_is_mailed_at_once_with_a_link_and_a_one_click_unsubscribe(settings):
    settings.WORKBENCH_URL = "https://desk.example/"
    editor = EditorFactory()
    reviewer = ReviewerFactory(email="rev@example.org")
    claim = claim_assign(actor=editor, claim=ClaimFactory(), assignee=reviewer)
    event = Event.objects.get()
    assert send(event) == {"sent": 1}
    (message,) = django_mail.outbox
    assert message.to == ["rev@example.org"]
    assert message.subject.startswith(f"{editor.username} assigned you")
    assert f"https://desk.example/claims/{claim.pk}/" in message.body
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://desk.example/email/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe[1:-1] in message.body
    assert states(event) == {reviewer.username: "sent"}
    # A second run (a duplicate message, the sweep) sends nothing more.
    assert send(event) == {}
    assert len(django_mail.outbox) == 1


def test_no_address_off_or_read_already_is_skipped_and_a_digest_type_waits():
    author = ReviewerFactory(email="author@example.org")
    first, second = EditorFactory(email="e1@example.org"), EditorFactory(email="")
    third = EditorFactory(email="e3@example.org")
    mail.email_preferences_set(actor=third, modes={"verdict.submitted": "off"})
    claim = SourcedClaimFactory()
    verdict = verdict_create(actor=author, claim=claim, rating="false", summary="No.")
    verdict_submit(actor=author, verdict=verdict)
    event = Event.objects.get(type="verdict.submitted")
    assert send(event) == {"sent": 1}  # the other two were decided as the verdict was submitted
    assert [m.to for m in django_mail.outbox] == [["e1@example.org"]]
    assert states(event) == {
        first.username: "sent",
        second.username: "skipped",
        third.username: "skipped",
    }

    # comment.created goes to the daily digest by default; a mention is immediate.
    comment_add(actor=first, claim=claim, body=f"Sources look thin. @{third.username}?")
    event = Event.objects.get(type="comment.created")
    # Decided as the comment is written: the digest's waits, the mention is for the worker.
    assert states(event) == {author.username: "digest", third.username: "pending"}
    assert send(event) == {"sent": 1}
    assert django_mail.outbox[-1].to == ["e3@example.org"]
    assert "mentioned you" in django_mail.outbox[-1].subject


def test_the_digest_sends_each_person_one_email_once_and_leaves_out_what_they_read():
    author = ReviewerFactory(email="author@example.org")
    editor = EditorFactory(email="ed@example.org")
    claims = [SourcedClaimFactory(statement=f"Claim number {n}.") for n in range(3)]
    for claim in claims:
        verdict_create(actor=author, claim=claim, rating="false", summary="No.")
        comment_add(actor=editor, claim=claim, body=f"Look again at {claim.statement}")
    for event in Event.objects.filter(type="comment.created"):
        send(event)
    assert django_mail.outbox == []
    read = Notification.objects.filter(recipient=author).order_by("id").first()
    read.read_at = timezone.now()
    read.save()

    assert mail.email_digest_send() == 1
    (digest,) = django_mail.outbox
    assert digest.to == ["author@example.org"] and digest.subject == "Daily digest: 2 notifications"
    assert "Claim number 1" in digest.body and "Claim number 2" in digest.body
    assert "Claim number 0" not in digest.body  # read in the inbox already
    assert "/email/unsubscribe/" in digest.extra_headers["List-Unsubscribe"]
    assert mail.email_digest_send() == 0 and len(django_mail.outbox) == 1
    assert set(Notification.objects.values_list("email", flat=True)) == {"sent", "skipped"}


def test_one_persons_failing_digest_does_not_stop_the_others(monkeypatch, caplog):
    # A digest that cannot be written (as article.revised's link once could not) is logged, its
    # lines wait for the next run, and the people after it still get theirs.
    first, second = (ReviewerFactory(email=f"r{n}@example.org") for n in (1, 2))
    editor = EditorFactory()
    for reviewer in (first, second):
        claim = SourcedClaimFactory(statement=f"Claim of {reviewer.username}.")
        verdict_create(actor=reviewer, claim=claim, rating="false", summary="No.")
        comment_add(actor=editor, claim=claim, body="Look again.")
    real = mail.digest_message

    def digest_message(user, notifications):
        if user.pk == first.pk:
            raise ValueError("a notification this digest cannot describe")
        return real(user, notifications)

    monkeypatch.setattr(mail, "digest_message", digest_message)
    assert mail.email_digest_send() == 1
    assert [m.to for m in django_mail.outbox] == [["r2@example.org"]]
    assert "digest of user" in caplog.text
    waiting = Notification.objects.filter(recipient=first).values_list("email", flat=True)
    assert set(waiting) == {"digest"}
    monkeypatch.setattr(mail, "digest_message", real)
    assert mail.email_digest_send() == 1  # the next run sends it
    assert django_mail.outbox[-1].to == ["r1@example.org"]


def test_unsubscribe_by_link_without_signing_in_turns_one_type_off():
    editor, reviewer = EditorFactory(), ReviewerFactory(email="rev@example.org")
    claim_assign(actor=editor, claim=ClaimFactory(), assignee=reviewer)
    send(Event.objects.get())
    url = django_mail.outbox[0].extra_headers["List-Unsubscribe"][1:-1]
    path = url.removeprefix("http://127.0.0.1:8000")
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(path)
    assert page.status_code == 200 and "claims assigned to you" in page.content.decode()
    assert not NotificationPreference.objects.exists()  # a link scanner's GET changes nothing
    # RFC 8058: the mail client POSTs List-Unsubscribe=One-Click, with no cookie and no token.
    done = anonymous.post(path, {"List-Unsubscribe": "One-Click"})
    assert (
        done.status_code == 200 and "no more e-mails about claims assigned" in done.content.decode()
    )
    assert mail.email_modes(reviewer)["claim.assigned"] == "off"
    assert mail.email_modes(reviewer)["comment.mention"] == "immediate"  # only that type
    claim_assign(actor=editor, claim=ClaimFactory(), assignee=reviewer)
    assert send(Event.objects.latest("id")) == {}
    assert Notification.objects.latest("id").email == "skipped"
    assert len(django_mail.outbox) == 1


@pytest.mark.parametrize(
    "token",
    ["nonsense", mail.unsubscribe_token(1, "claim.assigned") + "x", "W10:abc:def"],
)
def test_a_forged_or_broken_unsubscribe_link_is_refused(token):
    response = Client().post(f"/email/unsubscribe/{token}/")
    assert response.status_code == 400 and "not valid" in response.content.decode()
    with pytest.raises(ValidationError):
        mail.email_unsubscribe(token=token)


def test_the_digest_link_turns_off_every_digest_type_and_all_turns_off_everything():
    user = ReviewerFactory(email="x@example.org")
    mail.email_unsubscribe(token=mail.unsubscribe_token(user.pk, mail.DIGEST_TYPES))
    modes = mail.email_modes(user)
    assert modes["comment.created"] == "off" and modes["claim.assigned"] == "immediate"
    mail.email_unsubscribe(token=mail.unsubscribe_token(user.pk, mail.ALL_TYPES))
    assert set(mail.email_modes(user).values()) == {"off"}


def test_choices_through_the_api_and_the_settings_page():
    reviewer = ReviewerFactory(email="r@example.org")
    api = token_client(reviewer)
    got = api.get("/api/v1/notifications/email/").json()["email"]
    assert got["claim.assigned"] == "immediate" and got["comment.created"] == "digest"
    changed = api.patch(
        "/api/v1/notifications/email/", {"email": {"comment.created": "off"}}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["email"]["comment.created"] == "off"
    for bad in ({"email": {"nope": "off"}}, {"email": {"claim.assigned": "weekly"}}, {}):
        answer = api.patch("/api/v1/notifications/email/", bad, format="json")
        assert answer.status_code == 400, bad
    assert mail.email_modes(reviewer)["claim.assigned"] == "immediate"

    web = Client()
    web.force_login(reviewer)
    page = web.get("/settings/email/").content.decode()
    assert "r@example.org" in page and 'name="comment.created" value="off" checked' in page
    web.post("/settings/email/", {"claim.assigned": "digest"})
    assert mail.email_modes(reviewer)["claim.assigned"] == "digest"
    assert web.post("/settings/email/", {"claim.assigned": "hourly"}).status_code == 400
    assert Client().get("/settings/email/").status_code == 302  # sign in first


def test_only_members_choose():
    with pytest.raises(PermissionDenied):
        mail.email_preferences_set(actor=UserFactory(), modes={"claim.assigned": "off"})


def test_a_comment_hidden_before_the_email_goes_is_not_mailed_to_a_reviewer():
    editor = EditorFactory()
    reviewer = ReviewerFactory(email="rev@example.org")
    claim = SourcedClaimFactory(assignee=reviewer)
    mail.email_preferences_set(actor=reviewer, modes={"comment.created": "immediate"})
    comment = comment_add(actor=editor, claim=claim, body="Secret-ish aside 5521")
    comment_hide(actor=editor, comment=comment, reason="off topic")
    assert send(Event.objects.get(type="comment.created")) == {"skipped": 1}
    assert django_mail.outbox == []


def test_the_sweep_resends_pending_email_and_gives_up_after_the_window(
    settings, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(
        "claims.services.queue._send_or_log", lambda name, args, options: sent.append((name, args))
    )
    editor, reviewer = EditorFactory(), ReviewerFactory(email="rev@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        claim_assign(actor=editor, claim=ClaimFactory(), assignee=reviewer)
    event = Event.objects.get()
    assert ("claims.tasks.notification_email", ([event.pk],)) in sent
    sent.clear()
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert mail.email_sweep() == 1
    assert sent == [("claims.tasks.notification_email", ([event.pk],))]
    Notification.objects.update(created_at=timezone.now() - timedelta(days=2))
    assert mail.email_sweep() == 0
    assert Notification.objects.get().email == "skipped"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def test_the_real_smtp_path_to_a_local_server_and_a_server_that_is_down(settings):
    handler = _Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        editor, reviewer = EditorFactory(), ReviewerFactory(email="rev@example.org")
        claim_assign(
            actor=editor, claim=ClaimFactory(statement="Wages rose 4%."), assignee=reviewer
        )
        assert send(Event.objects.get()) == {"sent": 1}
    finally:
        controller.stop()
    (envelope,) = handler.envelopes
    assert envelope.rcpt_tos == ["rev@example.org"]
    text = envelope.content.decode()
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in text
    assert "Wages rose 4%." in text

    # The server is gone now: the e-mail stays pending for the sweep, nothing is lost.
    claim_assign(actor=editor, claim=ClaimFactory(), assignee=EditorFactory(email="e@example.org"))
    event = Event.objects.latest("id")
    assert send(event) == {"pending": 1}
    assert list(event.notifications.values_list("email", flat=True)) == ["pending"]


def test_an_article_revision_is_mailed_and_digested_with_a_link_to_the_article(settings):
    """article.revised is about an article, not a claim: its e-mail links to the article's
    revisions (it used to raise NoReverseMatch, which also stopped the whole digest run)."""
    from claims.services.revisions import article_revise
    from tests.factories import ArticleFactory

    settings.WORKBENCH_URL = "https://desk.example/"
    body = "First line.\n\nThe budget grew by 12 million euros in 2024.\n"
    article = ArticleFactory(body=body)
    quote = "The budget grew by 12 million euros"
    author = ReviewerFactory(email="author@example.org")
    other = ReviewerFactory(email="other@example.org")
    claims = []
    for who in (author, other):
        claim = SourcedClaimFactory(
            article=article, start=body.index(quote), end=body.index(quote) + len(quote)
        )
        verdict_submit(
            actor=who,
            verdict=verdict_create(actor=who, claim=claim, rating="false", summary="No."),
        )
        claims.append(claim)
    mail.email_preferences_set(actor=other, modes={"article.revised": "immediate"})
    article.refresh_from_db()
    article_revise(
        actor=EditorFactory(), article=article, body=body.replace("12 million", "13 million")
    )
    event = Event.objects.get(type="article.revised")
    assert states(event) == {author.username: "digest", other.username: "pending"}
    link = f"https://desk.example/articles/{article.pk}/revisions/"

    assert send(event) == {"sent": 1}
    (immediate,) = django_mail.outbox
    assert immediate.to == ["other@example.org"] and link in immediate.body
    assert mail.email_digest_send() == 1
    digest = django_mail.outbox[-1]
    assert digest.to == ["author@example.org"] and link in digest.body
    assert "articles you work on revised" in digest.body


def test_an_article_revision_notice_is_mailed_with_a_link_to_the_article():
    """article.revised points at an article, not a claim: its e-mail (daily by default, or at
    once) links to the article's revisions, and does not break the digest of anyone else."""
    from claims.services.claims import claim_create
    from claims.services.revisions import article_revise
    from tests.factories import ArticleFactory, EvidenceFactory

    body = "The minister said unemployment fell to 4.2 percent in March.\n"
    quote = "unemployment fell to 4.2 percent in March"
    author = ReviewerFactory(email="author@example.org")
    other = ReviewerFactory(email="other@example.org")
    article = ArticleFactory(title="Jobs story", body=body)
    at = body.index(quote)
    claim = claim_create(actor=author, article=article, start=at, end=at + len(quote))
    EvidenceFactory(claim=claim)
    verdict_submit(
        actor=author,
        verdict=verdict_create(actor=author, claim=claim, rating="false", summary="No."),
    )
    mail.email_preferences_set(actor=other, modes={"claim.assigned": "digest"})
    claim_assign(actor=EditorFactory(), claim=ClaimFactory(), assignee=other)  # other's digest
    article.refresh_from_db()
    article_revise(actor=EditorFactory(), article=article, body=body.replace(quote, "jobs rose"))
    event = Event.objects.get(type="article.revised")
    assert states(event) == {author.username: "digest"}
    django_mail.outbox.clear()
    assert mail.email_digest_send() == 2
    by_address = {m.to[0]: m for m in django_mail.outbox}
    assert f"/articles/{article.pk}/revisions/" in by_address["author@example.org"].body
    assert "other@example.org" in by_address
    # At once, for whoever chose so.
    Notification.objects.filter(event=event).update(email="pending")
    mail.email_preferences_set(actor=author, modes={"article.revised": "immediate"})
    django_mail.outbox.clear()
    assert send(event) == {"sent": 1}
    assert f"/articles/{article.pk}/revisions/" in django_mail.outbox[0].body
    assert "e-mails about articles you work on revised" in django_mail.outbox[0].body
