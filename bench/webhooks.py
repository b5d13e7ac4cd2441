"""Webhook figures: what notifying adds to a request, and delivery throughput through real workers.

1. Request cost: `verdict_submit` (20 editors to notify, 10 webhooks registered) timed with its
   event (notify.verdict_changed: the outbox row and the dispatch message) and without it
   (replaced by a no-op), each committed in its own transaction so the after-commit send to
   Redis is counted; medians of --requests. Then the worker's side of those events, timed
   alone: one event_dispatch of all of them (inbox lines, e-mail states, 10 deliveries each).
2. Delivery: --events events, each dispatched and POSTed, signed, by real Celery workers (the
   production topology: processes x threads, DEBUG off, their own queue) to a loopback receiver
   that answers each POST after 50 ms. Printed beside the ideal time (events x 0.05 s /
   concurrency), with the workers' and the machine's CPU.

    DATABASE_URL=postgresql://... CELERY_BROKER_URL=redis://... \
        .venv/bin/python bench/webhooks.py [--events 1000] [--processes 4] [--concurrency 20] \
        [--requests 30] [--part both|request|delivery]

Everything stays on 127.0.0.2 (the receiver) and the broker and database you point it at; the
workers run with the test network guard loaded. The rows it creates are deleted at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import queue as queue_module
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
# The request is timed as production runs it: DEBUG off (no per-query SQL log).
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + uuid.uuid4().hex)

HOST = "127.0.0.2"
DELAY = 0.05
BENCH_SECRET = "whsec_" + "QUJD" * 8
_SEEN: set[str] = set()


async def _serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """HTTP/1.1 POSTs on one connection, each answered 204 after DELAY."""
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length, msg_id = 0, ""
            for line in head.split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
                elif name.lower() == b"webhook-id":
                    msg_id = value.strip().decode()
            await reader.readexactly(length)
            await asyncio.sleep(DELAY)
            _SEEN.add(msg_id)
            writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        pass
    finally:
        writer.close()


def start_receiver() -> int:
    ready: queue_module.Queue = queue_module.Queue()

    async def main() -> None:
        server = await asyncio.start_server(_serve, HOST, 0, backlog=512)
        ready.put(server.sockets[0].getsockname()[1])
        await server.serve_forever()

    threading.Thread(target=asyncio.run, args=(main(),), daemon=True).start()
    return ready.get(timeout=10)


def request_cost(requests: int) -> None:
    from django.db import transaction

    from claims.models import Event, Notification, Source, Verdict, Webhook, WebhookDelivery
    from claims.services import notify, verdicts, webhooks
    from tests.factories import (
        EditorFactory,
        ReviewerFactory,
        SourcedClaimFactory,
        SourceFactory,
    )

    run = uuid.uuid4().hex[:6]
    SourceFactory.reset_sequence(int(run, 16))  # URLs unlike any an earlier run left
    editors = [EditorFactory(username=f"bench-{run}-editor{n}") for n in range(20)]
    author = ReviewerFactory(username=f"bench-{run}-author")
    hooks = [
        Webhook.objects.create(
            url=f"http://{HOST}:9/{n}", events=["*"], secret=BENCH_SECRET, created_by=editors[0]
        )
        for n in range(10)
    ]
    claims = []

    def one() -> float:
        claim = SourcedClaimFactory()
        claims.append(claim)
        verdict = verdicts.verdict_create(actor=author, claim=claim, rating="false", summary="No.")
        started = time.perf_counter()
        with transaction.atomic():
            verdicts.verdict_submit(actor=author, verdict=verdict)
        return (time.perf_counter() - started) * 1000

    first_event = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    original = notify.verdict_changed
    try:
        timings: dict[str, list[float]] = {"with": [], "without": []}
        for _ in range(requests):  # interleaved, so drift in the machine's load hits both alike
            notify.verdict_changed = original
            timings["with"].append(one())
            notify.verdict_changed = lambda **kwargs: None
            timings["without"].append(one())
        notify.verdict_changed = original
        with_ms, without_ms = (statistics.median(timings[k]) for k in ("with", "without"))
        print(
            f"verdict_submit, 20 editors to notify, 10 webhooks, median of {requests}: "
            f"{with_ms:.2f} ms with its event, {without_ms:.2f} ms without: "
            f"+{with_ms - without_ms:.2f} ms in the request"
        )
        mine = Event.objects.filter(pk__gt=first_event)
        count = mine.count()
        started = time.perf_counter()
        webhooks.event_dispatch(event_id=mine.order_by("id").values_list("id", flat=True).first())
        dispatch_ms = (time.perf_counter() - started) * 1000
        lines = Notification.objects.filter(event__in=mine).count()
        deliveries = WebhookDelivery.objects.filter(event__in=mine).count()
        print(
            f"  the worker's dispatch of those {count} events: {dispatch_ms:.1f} ms "
            f"({dispatch_ms / max(count, 1):.2f} ms an event; {lines} inbox lines, "
            f"{deliveries} deliveries)"
        )
    finally:  # leave nothing behind, even when interrupted
        notify.verdict_changed = original
        Event.objects.filter(pk__gt=first_event).delete()
        Verdict.objects.filter(claim__in=claims).delete()
        sources = list(
            Source.objects.filter(evidence__claim__in=claims).values_list("pk", flat=True)
        )
        for claim in claims:
            claim.article.delete()
        Source.objects.filter(pk__in=sources).delete()
        for hook in hooks:
            hook.delete()
        for user in [*editors, author]:
            user.delete()


def delivery_throughput(events: int, processes: int, concurrency: int, queue: str) -> None:
    from bench.fetch_throughput import cpu_seconds, machine_busy, stop, wait_consuming
    from claims.models import Event, EventType, Webhook, WebhookDelivery
    from claims.tasks import event_dispatch
    from tests.factories import EditorFactory

    if Webhook.objects.exists():  # they would get the bench's events too, and skew its figures
        sys.exit(f"bench/webhooks.py: {Webhook.objects.count()} webhooks exist in this database")
    # Before the workers start: the setup's own events are marked dispatched, not the bench's.
    template, made = _published_verdict_event()
    port = start_receiver()
    procs, log = start_workers(queue, port, processes, concurrency)
    editor = EditorFactory(username=f"bench-{uuid.uuid4().hex[:6]}-hooks")
    hook = Webhook.objects.create(
        url=f"http://{HOST}:{port}/hook", events=["*"], secret=BENCH_SECRET, created_by=editor
    )
    ids: list[int] = []
    try:
        for proc in procs:
            wait_consuming(proc, log, queue)
        rows = Event.objects.bulk_create(  # as many publications of that verdict
            Event(
                type=EventType.VERDICT_PUBLISHED,
                actor_id=template.actor_id,
                claim_id=template.claim_id,
                verdict_id=template.verdict_id,
                payload=template.payload,
            )
            for _ in range(events)
        )
        ids = [row.pk for row in rows]
        cpu_before = sum(cpu_seconds(p.pid) for p in procs)
        busy_before, total_before = machine_busy()
        started = time.monotonic()
        for pk in ids:
            event_dispatch.delay(pk)
        mine = WebhookDelivery.objects.filter(webhook=hook, event_id__in=ids)
        while mine.filter(status="delivered").count() < events:
            time.sleep(0.1)
            if time.monotonic() - started > 600:
                break
        elapsed = time.monotonic() - started
        cpu = sum(cpu_seconds(p.pid) for p in procs) - cpu_before
        busy_after, total_after = machine_busy()
        ideal = events * DELAY / concurrency
        delivered = mine.filter(status="delivered").count()
        print(
            f"{events} events, {processes} x {concurrency // processes} threads: "
            f"{elapsed:.2f} s, ideal {ideal:.2f} s, ratio {elapsed / ideal:.2f}; "
            f"{delivered} delivered, {len(_SEEN)} distinct webhook-ids at the receiver"
        )
        print(
            f"  worker CPU {cpu:.2f} s ({cpu / events * 1000:.1f} ms an event: dispatch and "
            f"delivery); machine {100 * (busy_after - busy_before) / (total_after - total_before):.0f}% "
            f"of {os.cpu_count()} cores busy, load {os.getloadavg()[0]:.1f}"
        )
    finally:
        Event.objects.filter(pk__in=ids).delete()
        hook.delete()
        editor.delete()
        stop(procs)
        _delete_setup(made)


def _published_verdict_event():
    """A verdict published through the services (a reviewer's, approved and published by an
    editor), and the event that announced it: the bench's events are copies of it, so the
    worker does for each what it does for a real one (its recipient, the webhook's payload)."""
    from django.utils import timezone

    from claims.models import Event, EventType
    from claims.services import verdicts
    from tests.factories import EditorFactory, ReviewerFactory, SourcedClaimFactory

    run = uuid.uuid4().hex[:6]
    author = ReviewerFactory(username=f"bench-{run}-author")
    editor = EditorFactory(username=f"bench-{run}-publisher")
    claim = SourcedClaimFactory()
    first = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    verdict = verdicts.verdict_create(actor=author, claim=claim, rating="false", summary="No.")
    verdict = verdicts.verdict_submit(actor=author, verdict=verdict)
    verdict = verdicts.verdict_approve(actor=editor, verdict=verdict)
    verdicts.verdict_publish(actor=editor, verdict=verdict)
    setup = Event.objects.filter(pk__gt=first)
    setup.update(dispatched_at=timezone.now())
    return setup.get(type=EventType.VERDICT_PUBLISHED), (setup, claim, author, editor)


def _delete_setup(made) -> None:
    from claims.models import Source, Verdict

    setup, claim, *users = made
    setup.delete()
    Verdict.objects.filter(claim=claim).delete()
    sources = list(Source.objects.filter(evidence__claim=claim).values_list("pk", flat=True))
    claim.article.delete()
    Source.objects.filter(pk__in=sources).delete()
    for user in users:
        user.delete()


def start_workers(queue: str, port: int, processes: int, concurrency: int):
    from bench.fetch_throughput import start_worker

    log = Path(tempfile.mkdtemp(prefix="webhook-bench-")) / "worker.log"
    procs = [start_worker(queue, port, concurrency // processes, log) for _ in range(processes)]
    return procs, log


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=20, help="threads in all")
    parser.add_argument(
        "--part",
        choices=("both", "request", "delivery"),
        default="both",
        help="time the request's cost, the delivery throughput, or both",
    )
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)

    queue = f"bench-{uuid.uuid4().hex[:8]}"
    # Routed as in production (webhook_deliver follows SOURCE_FETCH_QUEUE); dispatch is sent to
    # the bench's queue below, so only the bench's workers see either.
    os.environ["SOURCE_FETCH_QUEUE"] = queue

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.CELERY_TASK_ROUTES["claims.tasks.event_dispatch"] = {"queue": queue}
    from factcheck.celery import app

    app.conf.update(task_routes=settings.CELERY_TASK_ROUTES)
    call_command("migrate", verbosity=0)
    if args.part in ("both", "request"):
        request_cost(args.requests)
    if args.part in ("both", "delivery"):
        delivery_throughput(args.events, args.processes, args.concurrency, queue)


if __name__ == "__main__":
    main()
