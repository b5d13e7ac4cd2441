"""Load benchmark of the REST API: gunicorn on loopback, an article with 1,000 claims.

Prints requests a second and p50/p95 latency for the claims list (a page of 50), one claim, and one
write (PATCH with If-Match), beside a trivial JSON endpoint served the same way (same gunicorn,
same middleware, DRF and token authentication). Then times articles/{id}/annotations/ for the
article, all 1,000 claims in one response.

    DATABASE_URL=postgresql://... .venv/bin/python bench/api_load.py [--seconds 8] [--clients 4]

Uses the database in DATABASE_URL (migrated); the bench article is created once and reused.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SEED_KEY = "bench-api-1000"
N_CLAIMS = 1000


def setup_data() -> dict:
    """Create (once) a bench user, an article with 1,000 claims, 3 evidence rows and a verdict each."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction

    from claims.models import Article, Claim, Evidence, Rating, Source, Verdict
    from claims.services.tokens import api_token_create

    User = get_user_model()
    user, created = User.objects.get_or_create(username="bench-reviewer")
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name="reviewers"))
    _, key = api_token_create(user=user, name="bench")
    article = Article.objects.filter(seed_key=SEED_KEY).first()
    if article is None or article.claims.count() != N_CLAIMS:
        sentences = [
            f"Sentence {i} says the figure was {i * 7 % 97}.{i % 10} percent in {1900 + i % 120}."
            for i in range(N_CLAIMS)
        ]
        body = " ".join(sentences)
        rating = Rating.objects.get(scale__is_default=True, slug="mostly-true")
        with transaction.atomic():
            Article.objects.filter(seed_key=SEED_KEY).delete()
            article = Article.objects.create(
                seed_key=SEED_KEY, title="Bench article", body=body, url="https://bench.example/a"
            )
            claims, pos = [], 0
            for i, sentence in enumerate(sentences):
                start, end = pos, pos + len(sentence)
                claims.append(
                    Claim(
                        article=article,
                        start=start,
                        end=end,
                        quote=sentence,
                        prefix=body[max(0, start - 32) : start],
                        suffix=body[end : end + 32],
                        statement=f"The figure in {1900 + i % 120} was as stated",
                        claimant="Statistics office",
                        claimant_kind="organization",
                        claim_type="quantity",
                        status="in_review",
                        assignee=user,
                    )
                )
                pos = end + 1
            claims = Claim.objects.bulk_create(claims)
            sources = Source.objects.bulk_create(
                [
                    Source(
                        url=f"https://src.example/{k}", normalized_url=f"https://src.example/{k}"
                    )
                    for k in range(N_CLAIMS * 3)
                    if not Source.objects.filter(normalized_url=f"https://src.example/{k}").exists()
                ]
            ) or list(Source.objects.filter(normalized_url__startswith="https://src.example/"))
            sources = list(Source.objects.filter(normalized_url__startswith="https://src.example/"))
            Evidence.objects.bulk_create(
                [
                    Evidence(claim=c, source=sources[(3 * i + k) % len(sources)], stance="supports")
                    for i, c in enumerate(claims)
                    for k in range(3)
                ]
            )
            Verdict.objects.bulk_create(
                [
                    Verdict(
                        claim=c, rating=rating, summary="Close.", author=user, status="submitted"
                    )
                    for c in claims
                ]
            )
    first = article.claims.order_by("start").values_list("id", flat=True)[:64]
    return {"token": key, "article": article.pk, "claims": list(first)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings", PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "factcheck.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--keep-alive",
            "30",
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            "-",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def _client(args) -> list[float]:
    """One closed-loop client: send requests until the deadline; return latencies (seconds)."""
    port, token, kind, target, deadline, index = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    latencies: list[float] = []
    etag = None
    n = 0
    while time.monotonic() < deadline:
        body = None
        method = "GET"
        send_headers = dict(headers)
        if kind == "write":
            method = "PATCH"
            if etag is None:
                conn.request("GET", target, headers=headers)
                resp = conn.getresponse()
                resp.read()
                etag = resp.getheader("ETag")
            body = json.dumps({"statement": f"edited {index}-{n}"})
            send_headers |= {"Content-Type": "application/json", "If-Match": etag}
        t0 = time.perf_counter()
        conn.request(method, target, body=body, headers=send_headers)
        resp = conn.getresponse()
        resp.read()
        latencies.append(time.perf_counter() - t0)
        if resp.status >= 400:
            raise RuntimeError(f"{method} {target}: HTTP {resp.status}")
        if kind == "write":
            etag = resp.getheader("ETag")
        n += 1
    conn.close()
    return latencies


def run_load(port, token, kind, targets, seconds, clients) -> dict:
    deadline = time.monotonic() + seconds
    jobs = [(port, token, kind, targets[i % len(targets)], deadline, i) for i in range(clients)]
    start = time.monotonic()
    with mp.Pool(clients) as pool:
        results = pool.map(_client, jobs)
    return {"latencies": [x for r in results for x in r], "elapsed": time.monotonic() - start}


def summarize(runs: list[dict]) -> dict:
    latencies = sorted(x for run in runs for x in run["latencies"])
    elapsed = sum(run["elapsed"] for run in runs)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
    }


def time_annotations(port, token, article, repeats) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Token {token}"}
    times, size, items = [], 0, 0
    for i in range(repeats + 2):
        t0 = time.perf_counter()
        conn.request("GET", f"/api/v1/articles/{article}/annotations/", headers=headers)
        resp = conn.getresponse()
        payload = resp.read()
        elapsed = time.perf_counter() - t0
        assert resp.status == 200, resp.status
        if i >= 2:  # two warm-ups
            times.append(elapsed)
        size = len(payload)
    items = len(json.loads(payload)["first"]["items"])
    times.sort()
    return {
        "items": items,
        "bytes": size,
        "p50": statistics.median(times) * 1000,
        "p95": times[int(0.95 * (len(times) - 1))] * 1000,
        "min": times[0] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per endpoint")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client processes")
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved rounds (evens out a busy machine)"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers")
    parser.add_argument("--annotation-repeats", type=int, default=30)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("set DATABASE_URL to a migrated PostgreSQL database")
    data = setup_data()
    port = free_port()
    server = start_gunicorn(port, args.workers)
    try:
        claim = data["claims"][0]
        article = data["article"]
        scenarios = [
            ("trivial JSON", "get", ["/bench/trivial/"]),
            ("claims list (50/page)", "get", [f"/api/v1/claims/?article={article}"]),
            ("one claim", "get", [f"/api/v1/claims/{claim}/"]),
            # each client patches its own claim, carrying the ETag from one write to the next
            ("one write (PATCH)", "write", [f"/api/v1/claims/{c}/" for c in data["claims"]]),
        ]
        for _, kind, targets in scenarios:  # warm every worker
            run_load(port, data["token"], kind, targets, 1.0, args.clients)
        runs: dict[str, list] = {name: [] for name, _, _ in scenarios}
        for _ in range(args.rounds):
            for name, kind, targets in scenarios:
                runs[name].append(
                    run_load(
                        port, data["token"], kind, targets, args.seconds / args.rounds, args.clients
                    )
                )
        results = {name: summarize(r) for name, r in runs.items()}
        annotations = time_annotations(port, data["token"], article, args.annotation_repeats)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    trivial = results["trivial JSON"]["rps"]
    print(
        f"gunicorn: {args.workers} sync workers; {args.clients} client processes; "
        f"{args.seconds:g}s per endpoint in {args.rounds} interleaved rounds; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    print(f"{'endpoint':<24}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'of trivial':>12}")
    for name, r in results.items():
        print(
            f"{name:<24}{r['rps']:>9.0f}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['rps'] / trivial:>11.0%}"
        )
    print(
        f"annotations: {annotations['items']} claims, {annotations['bytes'] / 1024:.0f} KiB, "
        f"p50 {annotations['p50']:.1f} ms, p95 {annotations['p95']:.1f} ms, "
        f"min {annotations['min']:.1f} ms ({args.annotation_repeats} sequential requests)"
    )
    ratio = results["claims list (50/page)"]["rps"] / trivial
    print(
        f"target: claims list >= 40% of trivial: {'met' if ratio >= 0.4 else 'MISSED'} ({ratio:.0%})"
    )
    print(
        "target: annotations under ~89 ms (Label Studio, 1,000 regions): "
        f"{'met' if annotations['p50'] < 89 else 'MISSED'} (p50 {annotations['p50']:.1f} ms)"
    )


if __name__ == "__main__":
    main()
