"""Suite-wide fixtures: users by role, an API client, and a real Celery worker process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import settings as hypothesis_settings

ROOT = Path(__file__).resolve().parent.parent
# CI runs the same examples every time (a red build is reproducible); local runs explore anew.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

pytest_plugins = ["tests.network"]


def database_url_for(settings_dict: dict) -> str:
    """A DATABASE_URL that reaches the database Django is connected to (the test database)."""
    host = settings_dict.get("HOST") or ""
    port = settings_dict.get("PORT") or ""
    netloc_host = quote(host, safe="") if host.startswith("/") else host
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password, safe='')}@" if password else f"{user}@"
    return (
        f"postgresql://{auth}{netloc_host}{':' + str(port) if port else ''}/{settings_dict['NAME']}"
    )


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the test run dies, even by SIGKILL.

    A worker left behind by a killed run keeps consuming from the same broker and database
    names and takes the next run's tasks with the old run's settings.
    """
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


class WorkerProcess:
    """A `celery worker` subprocess against the test database; stop() and start() it at will."""

    def __init__(self, env: dict, log_path: Path, args: list[str]):
        self.env = env
        self.log_path = log_path
        self.args = args
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "factcheck", "worker", *self.args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )

    def wait_until_consuming(self, timeout: float = 60) -> None:
        """Round-trip a heartbeat task through the broker and the worker into the database."""
        from claims.models import WorkerHeartbeat
        from claims.tasks import worker_heartbeat

        token = f"ready-{uuid.uuid4()}"
        worker_heartbeat.delay(token)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if WorkerHeartbeat.objects.filter(token=token).exists():
                return
            if self.proc and self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(
            f"the Celery worker did not answer; its log:\n{self.log_path.read_text()[-4000:]}"
        )

    def wait_until_ready(self, timeout: float = 60) -> None:
        """Wait for the worker's log to say it is ready (a worker whose queues take no heartbeat,
        such as a parse worker)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "ready." in self.log_path.read_text():
                return
            time.sleep(0.2)
        raise RuntimeError(
            f"the worker did not start; its log:\n{self.log_path.read_text()[-4000:]}"
        )

    def kill(self, sig: int) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, sig)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            import signal

            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def worker_env(**settings: str) -> dict:
    """A test worker's environment: this process's, the test database, the network guard loaded
    (nothing it runs can leave loopback), and these settings."""
    from django.db import connection

    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url_for(connection.settings_dict),
        PYTHONUNBUFFERED="1",
        PYTHONPATH=os.pathsep.join([str(ROOT / "tests" / "worker_guard"), str(ROOT)]),
        **settings,
    )
    return env


def own_worker(tmp_path_factory, name: str, env: dict, args: list[str]) -> WorkerProcess:
    """A worker named ``name`` (its log in a directory of that name), with ``args`` choosing its
    pool, concurrency and queues (-Q: queues of its own, so no other worker takes its tasks)."""
    log_path = tmp_path_factory.mktemp(name) / "worker.log"
    common = ["--loglevel=INFO", "--without-mingle", "--without-gossip"]
    return WorkerProcess(
        env, log_path, [*common, f"--hostname={name}-{uuid.uuid4().hex[:6]}@%h", *args]
    )


@contextmanager
def routed_tasks(routes: dict[str, str]):
    """Send these tasks ({task name: queue}) to a test worker's own queues while this lasts."""
    from factcheck.celery import app

    saved = app.conf.task_routes
    # conf.update (not attribute assignment) rebuilds the router even when one was cached by an
    # earlier send in the session.
    app.conf.update(task_routes={name: {"queue": queue} for name, queue in routes.items()})
    try:
        yield
    finally:
        app.conf.update(task_routes=saved)


@contextmanager
def workers_running(django_db_blocker, *workers: WorkerProcess, check_guard: bool = True):
    """Start the workers and wait until they are up: the first answers a heartbeat (so its queues
    must take ``worker_heartbeat``), the others say ready in their logs. Afterwards stop them all,
    and (``check_guard``) fail if any of them tried to leave loopback."""
    for worker in workers:
        worker.start()
    try:
        with django_db_blocker.unblock():
            workers[0].wait_until_consuming()
            for worker in workers[1:]:
                worker.wait_until_ready()
        yield workers[0]
    finally:
        for worker in workers:
            worker.stop()
        for worker in workers if check_guard else ():
            assert "NETWORK GUARD" not in worker.log_path.read_text(), "a worker left loopback"


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real Celery worker consuming from the configured broker, writing to the test database."""
    from django.conf import settings

    from claims.services.queue import MATCHING_QUEUE

    worker = own_worker(
        tmp_path_factory,
        "celery",
        worker_env(),
        [
            "--pool=threads",
            "--concurrency=4",
            # The main queue, the parse queue and the matching queue, as `make run` names them
            # (no time limits on threads: the parse queue's limits have their own test,
            # tests/integration/test_parse_limits.py).
            "-Q",
            f"celery,{settings.PARSE_QUEUE},{MATCHING_QUEUE}",
        ],
    )
    # Some tests send this worker hostile URLs on purpose; they check the guard themselves.
    with workers_running(django_db_blocker, worker, check_guard=False):
        yield worker


@pytest.fixture(autouse=True)
def dispatch_events_at_once(request, monkeypatch):
    """The worker's dispatch of an event (its inbox lines, e-mail states and webhook deliveries)
    runs as soon as the event is written, in the writer's transaction, so a test reads the inbox
    right after the change. Tests marked `worker` leave it to the real worker; a test that asks
    for `events_left_to_the_worker` sees the request's side alone."""
    if request.node.get_closest_marker("worker") or "events_left_to_the_worker" in (
        request.fixturenames
    ):
        return
    from claims.services import queue, webhooks

    enqueue = queue.enqueue

    def enqueue_or_dispatch(task_name, *args, **options):
        if task_name == queue.EVENT_DISPATCH:
            webhooks.event_dispatch(event_id=args[0])
        else:
            enqueue(task_name, *args, **options)

    monkeypatch.setattr(queue, "enqueue", enqueue_or_dispatch)


@pytest.fixture
def events_left_to_the_worker():
    """Opt out of dispatch_events_at_once: events wait for a worker's dispatch."""
