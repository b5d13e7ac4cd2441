"""Fetch throughput: N pages from a local server that answers each after 100 ms.

Real Celery workers (thread pools, concurrency 20 in all, their own queue) fetch, extract and
archive every page through the same service as production, configured as docker-compose.yml runs
them: four processes of 5 threads, DEBUG off. Printed per page count: total time beside the ideal
(N x 0.1 s / concurrency), the workers' peak resident memory (VmHWM, summed), so a second page
count shows whether memory stays flat, and the CPU the workers and the whole machine spent.

    DATABASE_URL=postgresql://... CELERY_BROKER_URL=redis://... \
        .venv/bin/python bench/fetch_throughput.py [--pages 500 1000] [--processes 4] [--warmup 100]

Why threads: a fetch spends ~100 ms waiting on the network and ~10 ms of CPU, so threads give
many concurrent fetches per process (memory independent of the concurrency and of the page
count); prefork would need 20 processes (20x the memory) and gevent/eventlet would need monkey
patching that psycopg and the fetcher's socket checks do not want. Why several processes: that
CPU holds the GIL, so one process tops out at one core (`--processes 1` shows it), and threads
whose pages arrive together queue for it; two processes per core queue less than one.

Everything stays on 127.0.0.2 (the server) and the broker/database you point it at; the workers
run with the test network guard loaded.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import queue as queue_module
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

DELAY = 0.1
EXTRA = os.environ.get("BENCH_WORKER_ARGS", "").split()
HOST = "127.0.0.2"
BODY = (
    "<html lang='en'><head><title>Bench page</title></head><body><article>"
    + "<p>The quick brown fox jumps over the lazy dog, officials said on Tuesday.</p>" * 20
    + "</article></body></html>"
).encode()


_STATS = {"now": 0, "peak": 0}


async def _serve_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """HTTP/1.1 GET requests on one connection, each answered after DELAY (keep-alive honoured).

    asyncio, not a thread per connection: the load generator's own CPU must stay small beside the
    worker's, on a machine where they share the cores.
    """
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            path = head.split(b" ", 2)[1]
            _STATS["now"] += 1
            _STATS["peak"] = max(_STATS["peak"], _STATS["now"])
            await asyncio.sleep(DELAY)
            _STATS["now"] -= 1
            body = BODY.replace(b"Bench page", path)
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
            )
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, IndexError):
        pass
    finally:
        writer.close()


def start_server() -> int:
    """Serve pages on HOST from a background thread; returns the port."""
    ready: queue_module.Queue = queue_module.Queue()

    async def main() -> None:
        server = await asyncio.start_server(_serve_connection, HOST, 0, backlog=256)
        ready.put(server.sockets[0].getsockname()[1])
        await server.serve_forever()

    threading.Thread(target=asyncio.run, args=(main(),), daemon=True).start()
    return ready.get(timeout=10)


def start_worker(queue: str, port: int, concurrency: int, log: Path) -> subprocess.Popen:
    from django.db import connection

    from tests.conftest import database_url_for

    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url_for(connection.settings_dict),
        PYTHONPATH=os.pathsep.join([str(ROOT / "tests" / "worker_guard"), str(ROOT)]),
        SOURCE_FETCH_QUEUE=queue,
        # The bench's workers parse what they fetch (production: a prefork parse worker).
        PARSE_QUEUE=queue,
        SOURCE_FETCH_ALLOWED_NETWORKS=f"{HOST}/32",
        SOURCE_FETCH_ALLOWED_PORTS=str(port),
        # As in production: DEBUG off (no per-query SQL log in the worker).
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY") or "bench-only-" + uuid.uuid4().hex,
    )
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "factcheck",
            "worker",
            "--loglevel=WARNING",
            "--pool=threads",
            f"--concurrency={concurrency}",
            "--without-mingle",
            "--without-gossip",
            "-Q",
            queue,
            *EXTRA,
            f"--hostname=bench-{uuid.uuid4().hex[:6]}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_consuming(proc: subprocess.Popen, log: Path, queue: str) -> None:
    from claims.models import WorkerHeartbeat
    from claims.tasks import worker_heartbeat

    token = f"bench-{uuid.uuid4()}"
    worker_heartbeat.apply_async((token,), queue=queue)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if WorkerHeartbeat.objects.filter(token=token).exists():
            WorkerHeartbeat.objects.filter(token=token).delete()
            return
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    raise SystemExit(f"worker did not start:\n{log.read_text()[-3000:]}")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, all cores, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    ticks = os.sysconf("SC_CLK_TCK")
    return (sum(fields[:8]) - idle) / ticks, sum(fields[:8]) / ticks


def run(pages: int, procs: list[subprocess.Popen], port: int) -> tuple[float, float, dict]:
    from django.db.models import Count

    from claims.models import Source
    from claims.tasks import source_fetch

    run_id = uuid.uuid4().hex[:8]
    urls = [f"http://{HOST}:{port}/{run_id}/{n}" for n in range(pages)]
    ids = [s.pk for s in Source.objects.bulk_create(Source(url=u, normalized_url=u) for u in urls)]
    _STATS["peak"] = 0
    cpu_before = sum(cpu_seconds(proc.pid) for proc in procs)
    busy_before, total_before = machine_busy()
    started = time.monotonic()
    for source_id in ids:
        # Routed by SOURCE_FETCH_QUEUE, as the web process enqueues it.
        source_fetch.delay(source_id)
    print(f"  enqueued {pages} in {time.monotonic() - started:.2f} s", flush=True)
    # bulk_create gave this run's rows consecutive ids; a range keeps the poll cheap.
    run_rows = Source.objects.filter(pk__gte=min(ids), pk__lte=max(ids))
    while run_rows.filter(fetch_status__in=["pending", "fetching"]).exists():
        time.sleep(0.05)
    elapsed = time.monotonic() - started
    peak = sum(peak_rss_mb(proc.pid) for proc in procs)
    cpu = sum(cpu_seconds(proc.pid) for proc in procs) - cpu_before
    busy_after, total_after = machine_busy()
    busy = busy_after - busy_before
    print(f"  worker CPU {cpu:.2f} s ({cpu / pages * 1000:.1f} ms a page)", flush=True)
    print(
        f"  machine CPU {busy:.2f} s ({busy / pages * 1000:.1f} ms a page: worker, server, "
        f"PostgreSQL, Redis, this script), {100 * busy / (total_after - total_before):.0f}% "
        f"of {os.cpu_count()} cores busy",
        flush=True,
    )
    states = dict(
        run_rows.values_list("fetch_status")
        .annotate(n=Count("id"))
        .values_list("fetch_status", "n")
    )
    run_rows.delete()
    print(f"  peak concurrent requests at the server: {_STATS['peak']}", flush=True)
    return elapsed, peak, states


def stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[500, 1000])
    parser.add_argument("--concurrency", type=int, default=20, help="threads in all")
    parser.add_argument(
        "--processes", type=int, default=4, help="worker processes sharing the threads"
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=100,
        help="pages fetched, untimed, before the measured runs (0: measure cold workers)",
    )
    args = parser.parse_args()

    # The bench's own queue, set before Django reads its settings: tasks are routed to it the way
    # the web process routes them in production, and only the bench's workers consume it.
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    os.environ["SOURCE_FETCH_QUEUE"] = queue
    os.environ["PARSE_QUEUE"] = queue

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    port = start_server()
    print(
        f"server http://{HOST}:{port}/ answers after {DELAY * 1000:.0f} ms; "
        f"workers: {args.processes} x --pool threads --concurrency "
        f"{args.concurrency // args.processes}; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}"
    )
    log = Path(tempfile.mkdtemp(prefix="fetch-bench-")) / "worker.log"
    per_process = args.concurrency // args.processes
    procs = [start_worker(queue, port, per_process, log) for _ in range(args.processes)]
    try:
        for proc in procs:
            wait_consuming(proc, log, queue)
        if args.warmup:
            # A long-running worker has its database connections open and its code warm; a
            # fresh one opens a PostgreSQL backend per thread during its first pages.
            print(f"warm-up ({args.warmup} pages, not counted):", flush=True)
            elapsed, _, states = run(args.warmup, procs, port)
            print(f"  {elapsed:.2f} s {states}", flush=True)
        print(
            f"{'pages':>6} {'total s':>8} {'ideal s':>8} {'ratio':>6} {'peak RSS MB':>12}  states"
        )
        for pages in args.pages:
            elapsed, peak, states = run(pages, procs, port)
            ideal = pages * DELAY / args.concurrency
            print(
                f"{pages:>6} {elapsed:>8.2f} {ideal:>8.2f} {elapsed / ideal:>6.2f} "
                f"{peak:>12.1f}  {states}",
                flush=True,
            )
    finally:
        stop(procs)


if __name__ == "__main__":
    main()
