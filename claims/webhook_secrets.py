"""Webhook secrets at rest: the database keeps each `whsec_` secret encrypted (Fernet).

Signing needs the secret itself (an HMAC key cannot be kept as a hash), so it is encrypted with
keys that live outside the database: whoever has a dump, a backup or a read-only role has tokens,
not secrets. The column holds `fernet:<token>` (a CHECK refuses anything else).

Keys: WEBHOOK_SECRET_KEYS, comma-separated Fernet keys; the first encrypts, every one decrypts
(MultiFernet), so a key is rotated by putting the new one first, running
`manage.py webhook_secrets_rotate` (every secret re-encrypted with the first key) and then
dropping the old one. Unset, one key is derived from SECRET_KEY (HKDF-SHA256), so development and
the tests need no configuration; changing SECRET_KEY then changes that key, so move to a
configured key first (`<new key>,derived`, rotate, then `<new key>`).

`unseal` is the one way to the plaintext: the model's `Webhook.secret` (the create response reads
it) and the worker's signer (which reads the column with its claim statement) both call it.
"""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SEALED_PREFIX = "fernet:"
PLAIN_PREFIX = "whsec_"  # the Standard Webhooks format of the secret itself
# HKDF's info ties the key derived from SECRET_KEY to this one use: it is no other key Django
# or the project derives from SECRET_KEY.
DERIVATION_INFO = b"factcheck-workbench:webhook-secrets:fernet:v1"
DERIVED = "derived"  # in WEBHOOK_SECRET_KEYS: the key derived from SECRET_KEY


class SecretUnreadable(Exception):
    """A stored secret that no configured key decrypts (or that is not a sealed secret)."""


def derived_key(secret_key: str) -> bytes:
    """The Fernet key used when WEBHOOK_SECRET_KEYS is unset: HKDF-SHA256 of SECRET_KEY."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=DERIVATION_INFO).derive(
        secret_key.encode()
    )
    return base64.urlsafe_b64encode(raw)


def keys() -> tuple[bytes, ...]:
    """The keys in force, the encrypting one first. `derived` in WEBHOOK_SECRET_KEYS stands for
    the key derived from SECRET_KEY (what unset means), so a desk that starts configuring keys
    rotates away from it like from any other: WEBHOOK_SECRET_KEYS=<new key>,derived."""
    configured = tuple(settings.WEBHOOK_SECRET_KEYS) or (DERIVED,)
    return tuple(
        derived_key(settings.SECRET_KEY) if key == DERIVED else key.encode() for key in configured
    )


@functools.lru_cache(maxsize=8)
def _fernets(key_set: tuple[bytes, ...]) -> tuple[MultiFernet, Fernet]:
    try:
        each = [Fernet(key) for key in key_set]
    except (ValueError, TypeError):
        # Never the key itself in the message.
        raise ImproperlyConfigured(
            "WEBHOOK_SECRET_KEYS holds a value that is not a Fernet key (32 bytes, URL-safe "
            "base64: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())')"
        ) from None
    return MultiFernet(each), each[0]


def _all() -> MultiFernet:
    return _fernets(keys())[0]


def _first() -> Fernet:
    return _fernets(keys())[1]


def seal(secret: str) -> str:
    """The stored form of a secret: `fernet:<token>` under the first key."""
    if not isinstance(secret, str) or not secret.startswith(PLAIN_PREFIX):
        raise ValueError(f"a webhook secret is {PLAIN_PREFIX}<base64>")
    return SEALED_PREFIX + _all().encrypt(secret.encode()).decode()


def _token(stored: str) -> bytes:
    if not isinstance(stored, str) or not stored.startswith(SEALED_PREFIX):
        raise SecretUnreadable("the stored value is not an encrypted secret")
    return stored.removeprefix(SEALED_PREFIX).encode()


def unseal(stored: str) -> str:
    """The secret itself, from its stored form. Raises SecretUnreadable when no key in force
    decrypts it (a key was dropped, or SECRET_KEY changed, before the secrets were rotated)."""
    try:
        secret = _all().decrypt(_token(stored)).decode()
    except InvalidToken:
        raise SecretUnreadable(
            "no key in WEBHOOK_SECRET_KEYS decrypts it (was its key removed, or SECRET_KEY "
            "changed, before manage.py webhook_secrets_rotate?)"
        ) from None
    if not secret.startswith(PLAIN_PREFIX):
        raise SecretUnreadable(f"it decrypts to something other than a {PLAIN_PREFIX} secret")
    return secret


def is_current(stored: str) -> bool:
    """Whether the stored secret is encrypted with the first key (rotation leaves it alone)."""
    try:
        _first().decrypt(_token(stored))
    except (InvalidToken, SecretUnreadable):
        return False
    return True


def reseal(stored: str) -> str:
    """The same secret encrypted with the first key (SecretUnreadable as `unseal`)."""
    return seal(unseal(stored))
