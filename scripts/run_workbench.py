"""`make run`: prepare the database and start the web server and a Celery worker (with beat),
consuming the main queue and the parse queue.

Ctrl-C stops everything this script started, including the embedded PostgreSQL when it was this
run that started it. Nothing is left running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
sys.path.insert(0, str(ROOT))


def step(*args: str) -> None:
    print(f"==> {' '.join(args)}", flush=True)
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, check=True)


def start(name: str, command: list[str]) -> subprocess.Popen:
    print(f"==> starting {name}: {' '.join(command)}", flush=True)
    # A session of its own, so the terminal's Ctrl-C reaches only us and we stop children in order.
    return subprocess.Popen(command, cwd=ROOT, start_new_session=True)


def stop(processes: dict[str, subprocess.Popen]) -> None:
    for proc in processes.values():
        if proc.poll() is None:
            proc.terminate()  # the leader stops its own children (Celery's pool) in order
    deadline = time.monotonic() + 15
    for name, proc in processes.items():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"==> {name} did not stop in time; killing it", flush=True)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def main() -> int:
    from factcheck import embedded

    port = os.environ.get("PORT", "8000")
    started_postgres = False
    if not os.environ.get("DATABASE_URL"):
        started_postgres = not embedded.postgres_is_running()
        embedded.database_settings()
        print(f"==> embedded PostgreSQL in {embedded.PGDATA}", flush=True)
    if not os.environ.get("CELERY_BROKER_URL"):
        print(f"==> embedded Celery broker in {embedded.BROKER_DIR}", flush=True)

    processes: dict[str, subprocess.Popen] = {}
    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        step("migrate", "--noinput")
        step("load_seeds")
        step("create_demo_users")
        schedule = embedded.DATA_DIR / "celerybeat-schedule"
        processes["worker"] = start(
            "Celery worker",
            [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "factcheck",
                "worker",
                "--beat",
                f"--schedule={schedule}",
                "--loglevel=INFO",
                # The main queue, the parse queue and the matching queue: prefork, so the parse
                # tasks' time limits hold (settings.PARSE_*); the fetches share the processes on
                # a laptop.
                "--pool=prefork",
                "-Q",
                f"celery,{os.environ.get('PARSE_QUEUE') or 'parse'},matching",
            ],
        )
        processes["web"] = start(
            "web server", [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
        )
        print(
            f"\n==> the workbench runs on http://127.0.0.1:{port}/  (Ctrl-C stops it)\n", flush=True
        )
        while not stopping:
            for name, proc in processes.items():
                if proc.poll() is not None:
                    print(f"==> {name} exited with {proc.returncode}; stopping", flush=True)
                    stopping = True
            time.sleep(0.5)
    except subprocess.CalledProcessError as exc:
        print(f"==> set-up failed: {exc}", file=sys.stderr)
        return 1
    finally:
        print("==> stopping", flush=True)
        stop(processes)
        if started_postgres:
            embedded.stop()
            print("==> embedded PostgreSQL stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
