"""Webhook secrets at rest: the database holds Fernet tokens, never a `whsec_` secret; receivers
still verify (the `standardwebhooks` library); keys rotate without losing a webhook; a secret no
key decrypts fails its deliveries with a recorded error and leaves the others alone."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from standardwebhooks.webhooks import Webhook as Verifier

from claims import webhook_secrets
from claims.models import Event, Webhook, WebhookDelivery
from claims.services import queue, webhooks
from claims.services.claims import claim_assign
from claims.tasks import webhook_deliver as webhook_deliver_task
from tests.claims.api.conftest import token_client
from tests.factories import AdminFactory, ClaimFactory, EditorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
KEY_C = Fernet.generate_key().decode()


@pytest.fixture
def sent(monkeypatch):
    """Tasks the services enqueue (these tests run the tasks' services themselves)."""
    messages: list[tuple[str, tuple, dict]] = []
    monkeypatch.setattr(
        queue, "enqueue", lambda name, *args, **kw: messages.append((name, args, kw))
    )
    return messages


def stored(hook: Webhook) -> str:
    """The column as the database has it (no model code in between)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_encrypted FROM claims_webhook WHERE id = %s", [hook.pk])
        return cursor.fetchone()[0]


def token(hook: Webhook) -> bytes:
    value = stored(hook)
    assert value.startswith("fernet:")
    return value.removeprefix("fernet:").encode()


def dispatch_one_event(editor) -> Event:
    claim_assign(actor=editor, claim=ClaimFactory(), assignee=ReviewerFactory())
    event = Event.objects.latest("id")
    webhooks.event_dispatch(event_id=event.pk)
    return event


# --- at rest ----------------------------------------------------------------------------------


def test_no_table_holds_the_secret_the_api_showed_once(settings):
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    settings.SOURCE_FETCH_ALLOWED_PORTS = [8080]
    response = token_client(EditorFactory()).post(
        "/api/v1/webhooks/",
        {"url": "http://127.0.0.2:8080/hook", "events": ["*"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    secret = response.json()["secret"]
    assert secret.startswith("whsec_") and len(secret) > 40
    Verifier(secret)  # the library accepts its format
    key = secret.removeprefix("whsec_")
    # Every table, every column, as text: the webhook's row, audit events, their contexts.
    holding = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(
                f"SELECT count(*) FROM {connection.ops.quote_name(table)} AS t"  # noqa: S608
                " WHERE strpos(t::text, %s) > 0",
                [key],
            )
            if cursor.fetchone()[0]:
                holding.append(table)
    assert holding == []
    hook = Webhook.objects.get(pk=response.json()["id"])
    assert stored(hook).startswith("fernet:gA")
    assert hook.secret == secret  # the one way back to it


def test_the_column_refuses_a_secret_in_the_clear(hook_settings, receiver):
    hook = webhooks.webhook_create(actor=EditorFactory(), url=receiver.url(), events=["*"])
    with (
        pytest.raises(IntegrityError, match="webhook_secret_encrypted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE claims_webhook SET secret_encrypted = %s WHERE id = %s", [hook.secret, hook.pk]
        )


def test_without_configured_keys_the_key_is_derived_from_the_secret_key(hook_settings, receiver):
    hook_settings.WEBHOOK_SECRET_KEYS = []
    hook = webhooks.webhook_create(actor=EditorFactory(), url=receiver.url(), events=["*"])
    key = webhook_secrets.derived_key(hook_settings.SECRET_KEY)
    assert Fernet(key).decrypt(token(hook)).decode() == hook.secret
    assert key == webhook_secrets.derived_key(hook_settings.SECRET_KEY)  # the same every start
    hook_settings.SECRET_KEY = hook_settings.SECRET_KEY + "-changed"
    with pytest.raises(webhook_secrets.SecretUnreadable):
        Webhook.objects.get(pk=hook.pk).secret  # noqa: B018


def test_configured_keys_encrypt_with_the_first(hook_settings, receiver):
    hook_settings.WEBHOOK_SECRET_KEYS = [KEY_A, KEY_B]
    hook = webhooks.webhook_create(actor=EditorFactory(), url=receiver.url(), events=["*"])
    assert Fernet(KEY_A.encode()).decrypt(token(hook)).decode() == hook.secret
    with pytest.raises(InvalidToken):
        Fernet(KEY_B.encode()).decrypt(token(hook))


def test_the_admin_shows_neither_the_secret_nor_its_token(hook_settings, receiver, client):
    from django.contrib import admin

    hook = webhooks.webhook_create(actor=EditorFactory(), url=receiver.url(), events=["*"])
    secret, sealed = hook.secret, stored(hook)
    # No form built from the model (the admin's included) can show or edit a secret's column.
    columns = [f for f in Webhook._meta.concrete_fields if "secret" in f.name]
    assert columns and not any(f.editable for f in columns)
    client.force_login(AdminFactory())
    assert client.get("/admin/").status_code == 200
    pages = ["/admin/"]
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        pages.append(base)
        if model is Webhook:  # the pages of this webhook too
            pages += [base, f"{base}{hook.pk}/change/", f"{base}?q={hook.url}"]
    for page in pages:
        text = client.get(page).content.decode()
        assert secret not in text and secret.removeprefix("whsec_") not in text, page
        assert sealed.removeprefix("fernet:")[:40] not in text, page


# --- delivery ---------------------------------------------------------------------------------


def test_a_receiver_verifies_with_the_secret_the_api_showed(hook_settings, receiver, sent):
    editor = EditorFactory()
    response = token_client(editor).post(
        "/api/v1/webhooks/", {"url": receiver.url(), "events": ["*"]}, format="json"
    )
    assert response.status_code == 201, response.content
    dispatch_one_event(editor)
    delivery = WebhookDelivery.objects.get()
    assert webhooks.webhook_deliver(delivery_id=delivery.pk).state == "delivered"
    [(headers, body)] = receiver.received
    payload = Verifier(response.json()["secret"]).verify(body, headers)
    assert payload["type"] == "claim.assigned"


def test_an_unreadable_secret_fails_its_deliveries_once_and_the_others_are_sent(
    hook_settings, receiver, sent
):
    editor = EditorFactory()
    hook_settings.WEBHOOK_SECRET_KEYS = [KEY_A]
    lost = webhooks.webhook_create(actor=editor, url=receiver.url("/lost"), events=["*"])
    hook_settings.WEBHOOK_SECRET_KEYS = [KEY_B]  # KEY_A dropped without a rotation
    kept = webhooks.webhook_create(actor=editor, url=receiver.url("/kept"), events=["*"])
    dispatch_one_event(editor)
    dispatch_one_event(editor)
    sent.clear()
    for hook in (lost, kept):
        ids = list(WebhookDelivery.objects.filter(webhook=hook).values_list("pk", flat=True))
        result = webhook_deliver_task.apply(args=(ids,))  # the worker's task, run here
        assert result.successful(), result.traceback
        expected = "failed" if hook == lost else "delivered"
        assert set(result.result.values()) == {expected}
    failed = WebhookDelivery.objects.filter(webhook=lost)
    assert failed.count() == 2
    for delivery in failed:
        assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", 1, None)
        assert delivery.error.startswith("secret_unreadable: no key in WEBHOOK_SECRET_KEYS")
    assert set(WebhookDelivery.objects.filter(webhook=kept).values_list("status", flat=True)) == {
        "delivered"
    }
    assert sent == []  # no retry of either
    assert webhooks.outbox_sweep() == (0, 0)  # nor later
    assert len(receiver.received) == 2
    for headers, body in receiver.received:
        Verifier(kept.secret).verify(body, headers)
    # The operator puts the key back: "send again" delivers it.
    hook_settings.WEBHOOK_SECRET_KEYS = [KEY_B, KEY_A]
    again = webhooks.webhook_redeliver(actor=editor, delivery=failed.first())
    assert webhooks.webhook_deliver(delivery_id=again.pk).state == "delivered"
    headers, body = receiver.received[-1]
    Verifier(Webhook.objects.get(pk=lost.pk).secret).verify(body, headers)


# --- rotation ---------------------------------------------------------------------------------


def test_rotation_re_encrypts_every_secret_so_the_old_key_can_go(hook_settings, receiver, sent):
    editor = EditorFactory()
    hook_settings.WEBHOOK_SECRET_KEYS = [KEY_A]
    hooks = [
        webhooks.webhook_create(actor=editor, url=receiver.url(f"/{n}"), events=["*"])
        for n in range(3)
    ]
    secrets = {hook.pk: hook.secret for hook in hooks}
    hook_settings.WEBHOOK_SECRET_KEYS = [KEY_B, KEY_A]  # the new key first
    out = io.StringIO()
    call_command("webhook_secrets_rotate", stdout=out)
    assert "re-encrypted 3 webhook secret(s) with the first key; 0 already were" in out.getvalue()
    for hook in hooks:
        assert Fernet(KEY_B.encode()).decrypt(token(hook)).decode() == secrets[hook.pk]
        with pytest.raises(InvalidToken):
            Fernet(KEY_A.encode()).decrypt(token(hook))
    out = io.StringIO()
    call_command("webhook_secrets_rotate", stdout=out)
    assert "re-encrypted 0 webhook secret(s) with the first key; 3 already were" in out.getvalue()

    hook_settings.WEBHOOK_SECRET_KEYS = [KEY_B]  # the old key dropped
    dispatch_one_event(editor)
    ids = WebhookDelivery.objects.order_by("pk").values_list("pk", flat=True)
    assert [webhooks.webhook_deliver(delivery_id=pk).state for pk in ids] == ["delivered"] * 3
    assert len(receiver.received) == 3
    unverified = dict(secrets)
    for headers, body in receiver.received:
        for pk, secret in list(unverified.items()):
            try:
                Verifier(secret).verify(body, headers)
            except Exception:  # noqa: S112 (another webhook's secret)
                continue
            del unverified[pk]
            break
    assert unverified == {}  # each webhook's POST verified with its own, unchanged secret


def test_rotation_names_the_secrets_it_cannot_read_and_rotates_the_rest(hook_settings, receiver):
    editor = EditorFactory()
    hook_settings.WEBHOOK_SECRET_KEYS = [KEY_A]
    readable = webhooks.webhook_create(actor=editor, url=receiver.url("/a"), events=["*"])
    hook_settings.WEBHOOK_SECRET_KEYS = [KEY_C]
    lost = webhooks.webhook_create(actor=editor, url=receiver.url("/c"), events=["*"])
    lost_token = stored(lost)
    hook_settings.WEBHOOK_SECRET_KEYS = [KEY_B, KEY_A]
    with pytest.raises(CommandError, match=rf"webhooks \[{lost.pk}\]: no key"):
        call_command("webhook_secrets_rotate", stdout=io.StringIO())
    Fernet(KEY_B.encode()).decrypt(token(readable))
    assert stored(lost) == lost_token  # left as it was, for when its key comes back


def test_a_desk_moves_from_the_derived_key_to_its_own(hook_settings, receiver):
    hook_settings.WEBHOOK_SECRET_KEYS = []  # the default: the key derived from SECRET_KEY
    hook = webhooks.webhook_create(actor=EditorFactory(), url=receiver.url(), events=["*"])
    secret = hook.secret
    hook_settings.WEBHOOK_SECRET_KEYS = [KEY_A, "derived"]
    call_command("webhook_secrets_rotate", stdout=io.StringIO())
    hook_settings.WEBHOOK_SECRET_KEYS = [KEY_A]
    hook_settings.SECRET_KEY = hook_settings.SECRET_KEY + "-changed"  # no longer involved
    assert Webhook.objects.get(pk=hook.pk).secret == secret
    assert Fernet(KEY_A.encode()).decrypt(token(hook)).decode() == secret
