"""Settings come from the environment; production mode refuses unsafe configuration."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

PROD_KEY = "x9!Qm2#vL7@pR4$tW8^zK1&nB6*cF3(hJ5)dG0_sA-yE+uI=oP;lN:kM,jH.gT/fD"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_with_debug_off_it_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="factcheck.example")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_with_debug_off_and_a_key_it_passes_the_deployment_checks():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=PROD_KEY,
        DJANGO_ALLOWED_HOSTS="factcheck.example",
        FACTCHECK_PUBLISHER_URL="https://factcheck.example/",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8000/", "https://localhost/", "http://[::1]/", "http://127.1.2.3/", "news"],
)
def test_the_deployment_checks_fail_on_a_publisher_url_nobody_else_can_open(url):
    result = run_manage(
        "check",
        "--deploy",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=PROD_KEY,
        DJANGO_ALLOWED_HOSTS="factcheck.example",
        FACTCHECK_PUBLISHER_URL=url,
    )
    assert result.returncode != 0
    assert "FACTCHECK_PUBLISHER_URL" in result.stderr
    assert ("claims.E002" if url != "news" else "claims.E001") in result.stderr


def test_with_debug_on_the_loopback_publisher_url_is_fine():
    result = run_manage("check", "--deploy", DJANGO_DEBUG="1")
    assert "claims.E00" not in result.stdout + result.stderr


def test_a_bad_public_credits_setting_is_a_clear_error():
    result = run_manage("check", FACTCHECK_PUBLIC_CREDITS="everyone")
    assert result.returncode != 0
    assert "FACTCHECK_PUBLIC_CREDITS='everyone' must be 'names' or 'roles'" in result.stderr


def test_a_malformed_boolean_is_a_clear_error():
    result = run_manage("check", DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG='maybe' is not a boolean" in result.stderr


def test_a_non_postgresql_database_url_is_refused():
    result = run_manage("check", DATABASE_URL="sqlite:///db.sqlite3")
    assert result.returncode != 0
    assert "DATABASE_URL must be a PostgreSQL URL" in result.stderr


def test_values_are_read_from_the_environment():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES['default']['NAME'], s.CELERY_BROKER_URL)",
        DJANGO_DEBUG="1",
        DJANGO_ALLOWED_HOSTS="a.example, b.example",
        DATABASE_URL="postgresql://postgres@127.0.0.1:5432/some_db",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/9",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "True ['a.example', 'b.example'] some_db redis://127.0.0.1:6379/9"
    )


def test_without_urls_the_embedded_services_are_used():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings as s; from django.db import connection; "
            "connection.ensure_connection(); "
            "print(s.DATABASES['default']['HOST'].endswith('pgdata'), s.CELERY_BROKER_URL, "
            "connection.vendor)",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True filesystem:// postgresql"


def test_a_cache_url_that_is_not_redis_is_refused():
    result = run_manage("check", CACHE_URL="memcached://127.0.0.1:11211")
    assert result.returncode != 0
    assert "CACHE_URL must be a Redis URL" in result.stderr


def _redis_up() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


def test_with_a_cache_url_throttle_counts_are_shared_between_processes():
    if not _redis_up():
        pytest.skip("no Redis on 127.0.0.1:6379 (the embedded defaults have no shared cache)")
    # Two processes, as two web workers: the second sees the first one's count.
    script = (
        "from django.core.cache import cache; "
        "cache.add('throttle-probe', 0, 60); print(cache.incr('throttle-probe'))"
    )
    env = {"CACHE_URL": "redis://127.0.0.1:6379/4"}
    first = run_manage("shell", "-c", "from django.core.cache import cache; cache.clear()", **env)
    assert first.returncode == 0, first.stderr
    counts = [run_manage("shell", "-c", script, **env) for _ in range(2)]
    assert [c.stdout.strip().splitlines()[-1] for c in counts] == ["1", "2"], counts
    run_manage("shell", "-c", "from django.core.cache import cache; cache.clear()", **env)


def test_the_proxy_https_header_is_trusted_only_when_a_proxy_is_declared():
    script = (
        "from django.conf import settings as s; print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    prod = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": PROD_KEY,
        "DJANGO_ALLOWED_HOSTS": "x.example",
        "FACTCHECK_PUBLISHER_URL": "https://x.example/",
    }
    alone = run_manage("shell", "-c", script, **prod)
    assert alone.returncode == 0, alone.stderr
    assert alone.stdout.strip().splitlines()[-1] == "None"
    proxied = run_manage("shell", "-c", script, NUM_PROXIES="1", **prod)
    assert proxied.stdout.strip().splitlines()[-1] == "('HTTP_X_FORWARDED_PROTO', 'https')"
    deploy = run_manage("check", "--deploy", "--fail-level", "WARNING", NUM_PROXIES="1", **prod)
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr


_EMAIL = (
    "from django.conf import settings as s; "
    "print(s.EMAIL_BACKEND.rsplit('.', 2)[-2], s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, "
    "s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL)"
)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "console localhost 25   False False"),  # development: printed by `make run`
        (
            {"EMAIL_URL": "smtp+tls://desk%40x.org:p%2Fw@mail.x.org"},
            "smtp mail.x.org 587 desk@x.org p/w True False",
        ),
        ({"EMAIL_URL": "smtps://mail.x.org:2465"}, "smtp mail.x.org 2465   False True"),
        (
            {"EMAIL_HOST": "relay.x.org", "EMAIL_PORT": "2525"},
            "smtp relay.x.org 2525   False False",
        ),
        ({"EMAIL_URL": "locmem://"}, "locmem localhost 25   False False"),
    ],
)
def test_the_email_backend_comes_from_the_environment(env, expected):
    clean = {"EMAIL_URL": "", "EMAIL_HOST": "", "EMAIL_PORT": "25"}
    result = run_manage("shell", "-c", _EMAIL, DJANGO_DEBUG="1", **{**clean, **env})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


def test_an_email_url_of_another_kind_is_refused():
    result = run_manage("check", EMAIL_URL="imap://mail.x.org")
    assert result.returncode != 0 and "EMAIL_URL must start with smtp://" in result.stderr


def test_a_webhook_secret_key_that_is_not_a_fernet_key_stops_the_start_without_showing_it():
    bad = "not-a-fernet-key-but-a-password-42"
    result = run_manage("check", WEBHOOK_SECRET_KEYS=f"{Fernet.generate_key().decode()},{bad}")
    assert result.returncode != 0
    assert "WEBHOOK_SECRET_KEYS holds a value that is not a Fernet key" in result.stderr
    assert bad not in result.stdout + result.stderr


def test_fernet_keys_and_the_derived_key_are_accepted():
    result = run_manage("check", WEBHOOK_SECRET_KEYS=f"{Fernet.generate_key().decode()},derived")
    assert result.returncode == 0, result.stdout + result.stderr
