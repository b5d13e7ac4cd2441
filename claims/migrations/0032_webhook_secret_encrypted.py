# Webhook secrets at rest: the column holds fernet:<token> (claims.webhook_secrets), never the
# whsec_ secret. Forward encrypts the existing rows with the first key in force
# (WEBHOOK_SECRET_KEYS, or the key derived from SECRET_KEY); backward decrypts them, so the
# migrations stay reversible (it refuses, naming the webhooks, if a secret cannot be decrypted).
# Both use claims.webhook_secrets as it is: the rows must be what the running code reads.

from django.db import migrations, models

from claims import webhook_secrets


def encrypt_secrets(apps, schema_editor):
    Webhook = apps.get_model("claims", "Webhook")
    for pk, stored in (
        Webhook.objects.select_for_update().order_by("pk").values_list("pk", "secret_encrypted")
    ):
        if not stored.startswith(webhook_secrets.SEALED_PREFIX):
            sealed = webhook_secrets.seal(stored)
            Webhook.objects.filter(pk=pk).update(secret_encrypted=sealed)


def decrypt_secrets(apps, schema_editor):
    Webhook = apps.get_model("claims", "Webhook")
    unreadable = []
    for pk, stored in (
        Webhook.objects.select_for_update().order_by("pk").values_list("pk", "secret_encrypted")
    ):
        try:
            plain = webhook_secrets.unseal(stored)
        except webhook_secrets.SecretUnreadable:
            unreadable.append(pk)
            continue
        Webhook.objects.filter(pk=pk).update(secret_encrypted=plain)
    if unreadable:
        raise RuntimeError(
            f"webhooks {unreadable}: their secrets cannot be decrypted with the keys in force "
            "(WEBHOOK_SECRET_KEYS); restore the key, or delete these webhooks, to migrate back"
        )


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0031_claim_audit_update_by_statement"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="webhook",
            name="webhook_secret_format",
        ),
        migrations.RenameField(
            model_name="webhook",
            old_name="secret",
            new_name="secret_encrypted",
        ),
        migrations.AlterField(
            model_name="webhook",
            name="secret_encrypted",
            field=models.CharField(
                editable=False,
                help_text="The whsec_ secret, encrypted: fernet:<token> (claims.webhook_secrets).",
                max_length=300,
            ),
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
        migrations.AddConstraint(
            model_name="webhook",
            constraint=models.CheckConstraint(
                condition=models.Q(("secret_encrypted__regex", "^fernet:gA[A-Za-z0-9_-]+=*$")),
                name="webhook_secret_encrypted",
            ),
        ),
    ]
