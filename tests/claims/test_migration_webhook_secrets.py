"""Migration 0032 on existing rows: forward encrypts every stored webhook secret (the column then
holds fernet:<token>), backward decrypts them, so the migrations stay reversible."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from claims import webhook_secrets
from claims.models import Webhook

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("claims", "0031_claim_audit_update_by_statement")
AFTER = ("claims", "0032_webhook_secret_encrypted")
SECRETS = ["whsec_" + "QUJD" * 11, "whsec_" + "WFla" * 8]


def migrate(target):
    """Migrate the claims app to `target`; the project state there (its historical models)."""
    executor = MigrationExecutor(connection)
    return executor.migrate([target])


@pytest.fixture
def back_to_latest():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def rows(column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM claims_webhook ORDER BY id")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def test_the_migration_encrypts_existing_secrets_and_its_reverse_decrypts_them(
    settings, back_to_latest
):
    key = Fernet.generate_key().decode()
    settings.WEBHOOK_SECRET_KEYS = [key]
    # Rows as the code before the migration wrote them (its model: `secret` in the clear).
    OldWebhook = migrate(BEFORE).apps.get_model("claims", "Webhook")
    for n, secret in enumerate(SECRETS):
        OldWebhook.objects.create(url=f"http://127.0.0.2/{n}", events=["*"], secret=secret)
    assert rows("secret") == SECRETS

    migrate(AFTER)
    sealed = rows("secret_encrypted")
    assert len(sealed) == 2
    for value, secret in zip(sealed, SECRETS, strict=True):
        assert value.startswith("fernet:") and secret.removeprefix("whsec_") not in value
        assert Fernet(key.encode()).decrypt(value.removeprefix("fernet:").encode()).decode() == (
            secret
        )
        assert webhook_secrets.unseal(value) == secret

    migrate(BEFORE)
    assert rows("secret") == SECRETS
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE claims_webhook CASCADE")


def test_the_reverse_refuses_secrets_it_cannot_decrypt(settings, back_to_latest):
    settings.WEBHOOK_SECRET_KEYS = [Fernet.generate_key().decode()]
    pk = Webhook.objects.create(url="http://127.0.0.2/x", events=["*"], secret=SECRETS[0]).pk
    [sealed] = rows("secret_encrypted")
    settings.WEBHOOK_SECRET_KEYS = [Fernet.generate_key().decode()]  # its key is gone
    with pytest.raises(RuntimeError, match=rf"webhooks \[{pk}\]: their secrets cannot be"):
        migrate(BEFORE)
    assert rows("secret_encrypted") == [sealed]  # nothing half done: the migration is atomic
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE claims_webhook CASCADE")
