"""docker-compose.yml as shipped: roles, proxy, limits, secrets kept out of the image; and the
PostgreSQL roles script run for real: the app role writes rows but cannot switch triggers off."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_the_compose_file_is_valid():
    if shutil.which("docker-compose") is None:
        pytest.skip("docker-compose is not installed")
    result = subprocess.run(
        ["docker-compose", "-f", "docker-compose.yml", "config", "-q"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SECRET_KEY": "compose-validation-only"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_the_app_connects_as_a_role_that_is_not_the_owner_and_migrate_as_the_owner(compose):
    services = compose["services"]
    for name in ("web", "worker", "parser", "beat"):
        assert "factcheck_app:" in services[name]["environment"]["DATABASE_URL"], name
    assert "factcheck_owner:" in " ".join(services["migrate"]["command"])
    postgres = services["postgres"]
    assert postgres["environment"]["POSTGRES_USER"] == "postgres"
    assert any("postgres-roles.sh" in volume for volume in postgres["volumes"])


def test_gunicorn_is_reached_through_the_buffering_proxy_only(compose):
    services = compose["services"]
    assert "ports" not in services["web"]
    assert services["proxy"]["ports"] == ["8000:8080"]
    conf = (ROOT / "deploy/nginx.conf").read_text()
    assert "proxy_request_buffering on" in conf and "proxy_buffering on" in conf
    assert services["web"]["environment"]["NUM_PROXIES"].endswith("1}")


def test_memory_limits_and_no_env_file_in_the_image(compose):
    for name in ("web", "worker", "beat", "proxy"):
        assert compose["services"][name].get("mem_limit"), name
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".env" in ignored


def _psql(db: str, sql: str, user: str = "postgres") -> subprocess.CompletedProcess:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", user, "-d", db, "-v", "ON_ERROR_STOP=1", "-tAc", sql],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.skipif(shutil.which("psql") is None, reason="needs psql")
def test_the_roles_script_gives_an_owner_for_migrations_and_an_app_that_cannot_skip_triggers():
    if _psql("postgres", "SELECT 1 FROM pg_roles WHERE rolname = 'factcheck_app'").stdout.strip():
        pytest.skip("the factcheck roles already exist on this server")
    db = f"factcheck_roles_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db], check=True)
    env = {
        **os.environ,
        "POSTGRES_USER": "postgres",
        "POSTGRES_DB": db,
        "PGHOST": "127.0.0.1",
        "FACTCHECK_OWNER_PASSWORD": "owner-pw",
        "FACTCHECK_APP_PASSWORD": "app-pw",
    }
    try:
        script = subprocess.run(
            ["sh", str(ROOT / "deploy/postgres-roles.sh")], env=env, capture_output=True, text=True
        )
        assert script.returncode == 0, script.stderr
        django_env = {
            k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))
        }
        owner_url = f"postgresql://factcheck_owner:owner-pw@127.0.0.1:5432/{db}"
        app_url = f"postgresql://factcheck_app:app-pw@127.0.0.1:5432/{db}"
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env={**django_env, "DATABASE_URL": owner_url},
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert migrate.returncode == 0, migrate.stdout[-2000:] + migrate.stderr[-3000:]
        seeds = subprocess.run(
            [sys.executable, "manage.py", "load_seeds"],
            cwd=ROOT,
            env={**django_env, "DATABASE_URL": app_url},
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert seeds.returncode == 0, seeds.stderr[-3000:]
        app = "factcheck_app"
        assert (
            _psql(
                db, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user", app
            ).stdout.strip()
            == "f"
        )
        assert _psql(db, "SELECT count(*) > 0 FROM claims_articleevent", app).stdout.strip() == "t"
        refused = [
            "ALTER TABLE claims_verdict DISABLE TRIGGER USER",
            "SET session_replication_role = replica",
            "DROP TABLE claims_articleevent",
            "CREATE TABLE sneaky (id int)",
        ]
        for sql in refused:
            result = _psql(db, sql, app)
            assert result.returncode != 0, sql
        assert (
            _psql(
                db, "SELECT rolsuper FROM pg_roles WHERE rolname = 'factcheck_owner'"
            ).stdout.strip()
            == "f"
        )
    finally:
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", db])
        for role in ("factcheck_app", "factcheck_owner"):
            _psql("postgres", f"DROP ROLE IF EXISTS {role}")


def test_the_parse_queue_has_a_prefork_worker_and_the_fetch_worker_does_not_take_it(compose):
    """Time limits hold in a prefork pool only: the parse queue must not be drained by threads."""
    from django.conf import settings

    parser = compose["services"]["parser"]["command"]
    assert parser[parser.index("-Q") + 1] == settings.PARSE_QUEUE
    assert "--pool=prefork" in parser and "mem_limit" in compose["services"]["parser"]
    worker = compose["services"]["worker"]["command"]
    assert "--pool=threads" in worker and "-Q" not in worker  # the main queue only
