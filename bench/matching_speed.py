"""Claim matching speed: import time, p95 through the API, memory; then with 1,000,000 fact-checks.

    DATABASE_URL=postgresql://.../scratch .venv/bin/python bench/matching_speed.py [--synthetic 1000000]

1. Imports the 14,231 CheckThat! 2022 fact-checks (as ClaimReview JSON Lines, replacing any
   imported before) and times it, with the import's peak memory.
2. Serves the API with gunicorn on loopback (bench.settings: throttles off) and sends the dev and
   train query texts one at a time to GET /api/v1/matches/?q=..., after a warm-up: p50/p95/max,
   and the server's memory before and after (flat or not).
3. With --synthetic N [N ...], adds fact-checks until the table holds N (variants of the real
   ones: the same words in other combinations, so every lexeme is as common as it would be in a
   corpus that size), then measures again, for each N in turn. Use a scratch database: the
   synthetic rows stay.

After the import (and after adding synthetic rows) the claim-matching tables are vacuumed and
analysed, as autovacuum does on a PostgreSQL left to its defaults (a re-import leaves a dead
version of every row it replaces, and of every document frequency each batch changes, until a
vacuum). This server runs with autovacuum off; --no-vacuum measures the state right after the
import instead.

--compare FILE also times, in this process, the selector in FILE (an earlier
claims/selectors_matching.py, e.g. from `git show REV:claims/selectors_matching.py`) against the
current one on the same queries, alternating, at each size: before/after on one machine load.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402

from bench.api_load import free_port, start_gunicorn  # noqa: E402
from bench.claimreview_convert import DATA, URL, claimreview  # noqa: E402
from claims.models import ClaimReview  # noqa: E402
from claims.services.claimreviews import claimreview_import_trusted  # noqa: E402
from claims.services.tokens import api_token_create  # noqa: E402

SYNTHETIC_BATCH = 50_000


def rss_mb(pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def worker_pid(master: int) -> int:
    """The (single) gunicorn worker's process id, whose memory is measured."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    return master


def import_real() -> None:
    with (DATA / "vclaims.jsonl").open() as f:
        data = "\n".join(json.dumps(claimreview(json.loads(line))) for line in f)
    ClaimReview.objects.filter(url__startswith=URL.format("")).delete()
    before = rss_mb()
    started = time.perf_counter()
    report = claimreview_import_trusted(data=data)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"import: {report.created} fact-checks in {elapsed:.1f} s "
        f"({report.created / elapsed:.0f}/s); process RSS {before:.0f} MB before, peak {peak:.0f} MB"
    )


def add_synthetic(total: int) -> None:
    """Variants of the real fact-checks until the table holds ``total`` rows (set-based SQL)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), max(id) FROM claims_claimreview")
        have, _ = cursor.fetchone()
        started = time.perf_counter()
        while have < total:
            n = min(SYNTHETIC_BATCH, total - have)
            # Each synthetic row: a real claim with the words of another real claim's title mixed
            # in, the real title of a third, a real embedding; a unique url.
            cursor.execute(
                """
                WITH src AS (SELECT row_number() OVER (ORDER BY id) - 1 AS k, claim_reviewed,
                                    title, description, embedding
                               FROM claims_claimreview WHERE url LIKE %(real)s),
                     m AS (SELECT count(*) AS m FROM src)
                INSERT INTO claims_claimreview (created_at, updated_at, url, claim_reviewed, title,
                    description, rating_value, best_rating, worst_rating, rating_name, author,
                    claimant, language, raw, search_config, length_a, length_b, length_c,
                    embedding, is_hidden, hidden_reason)
                SELECT now(), now(), 'https://synthetic.invalid/' || (%(start)s + g),
                       a.claim_reviewed || ' ' || b.title, c.title, a.description, '', '', '',
                       'False', 'Synthetic', '', 'en', '{}'::jsonb, 'english', 0, 0, 0, a.embedding,
                       false, ''
                  FROM generate_series(1::bigint, %(n)s) g, m
                  JOIN src a ON true JOIN src b ON true JOIN src c ON true
                 WHERE a.k = (g * 7919) %% m.m AND b.k = (g * 104729) %% m.m
                   AND c.k = (g * 15485863) %% m.m
                """,
                {"real": URL.format("") + "%", "start": have, "n": n},
            )
            have += n
            print(f"  {have} rows, {time.perf_counter() - started:.0f} s", file=sys.stderr)
        cursor.execute("SELECT gin_clean_pending_list('claimreviewsearch_gin'::regclass)")
        cursor.execute("ANALYZE claims_claimreview")
        cursor.execute("ANALYZE claims_claimreviewsearch")
    print(f"synthetic: table holds {have} fact-checks ({time.perf_counter() - started:.0f} s)")


MATCHING_TABLES = (
    "claims_claimreview",
    "claims_claimreviewsearch",
    "claims_claimreviewterm",
    "claims_claimreviewcorpus",
)


def vacuum() -> None:
    """What autovacuum would have done by now: dead row versions cleared, statistics fresh."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        autovacuum = cursor.fetchone()[0]
        for table in MATCHING_TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    print(
        f"vacuum analyse of the matching tables: {time.perf_counter() - started:.1f} s"
        f" (this server's autovacuum: {autovacuum})",
        flush=True,
    )


def queries() -> list[str]:
    texts = []
    for split in ("dev", "train"):
        with (DATA / f"{split}.jsonl").open() as f:
            texts += [json.loads(line)["text"] for line in f]
    return texts


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used (a figure the machine's load does not move)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backends() -> list[int]:
    """The PostgreSQL backends serving this database, other than this process's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


def measure(port: int, token: str, texts: list[str], server_pid: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Token {token}"}

    def get(text: str) -> float:
        path = "/api/v1/matches/?" + urllib.parse.urlencode({"q": text})
        started = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise SystemExit(f"{response.status}: {body[:200]!r}")
        return elapsed

    for text in texts[:50]:  # warm-up: model loaded, connections open, caches warm
        get(text)
    rss_before = rss_mb(server_pid)
    database = backends()
    cpu_before = cpu_seconds(server_pid), sum(cpu_seconds(pid) for pid in database)
    times = [get(text) for text in texts]
    cpu_after = cpu_seconds(server_pid), sum(cpu_seconds(pid) for pid in database)
    rss_after = rss_mb(server_pid)
    connection.close()
    times.sort()
    p95 = times[int(0.95 * len(times)) - 1]
    print(
        f"API GET /api/v1/matches/: {len(times)} queries, p50 {statistics.median(times) * 1000:.1f}"
        f" ms, p95 {p95 * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms; server RSS "
        f"{rss_before:.0f} MB -> {rss_after:.0f} MB"
    )
    n = len(texts)
    print(
        f"  CPU per query: server {(cpu_after[0] - cpu_before[0]) / n * 1000:.1f} ms, "
        f"PostgreSQL {(cpu_after[1] - cpu_before[1]) / n * 1000:.1f} ms"
        f" ({len(database)} backends; load {os.getloadavg()[0]:.1f})"
    )


def compare(path: Path, texts: list[str]) -> None:
    """The earlier selector in ``path`` against the current one, in this process, alternating."""
    import importlib.util

    from claims import selectors_matching as current

    spec = importlib.util.spec_from_file_location("earlier_selectors_matching", path)
    earlier = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = earlier  # its dataclasses look their module up
    spec.loader.exec_module(earlier)
    timings: dict[str, list[float]] = {"before": [], "after": []}
    for text in texts[:30]:  # warm-up
        earlier.match_text(earlier.MatchQuery(text=text))
        current.match_text(current.MatchQuery(text=text))
    for text in texts:
        for name, module in (("before", earlier), ("after", current)):
            started = time.perf_counter()
            module.match_text(module.MatchQuery(text=text))
            timings[name].append(time.perf_counter() - started)
    parts = []
    for name, times in timings.items():
        times.sort()
        p95 = times[int(0.95 * len(times)) - 1]
        parts.append(f"{name} p50 {statistics.median(times) * 1000:.1f} ms p95 {p95 * 1000:.1f} ms")
    print(f"in-process match_text, {len(texts)} queries: " + "; ".join(parts), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--synthetic", type=int, nargs="*", default=[], help="total rows for the next runs"
    )
    parser.add_argument("--compare", type=Path, help="an earlier selectors_matching.py")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument(
        "--no-vacuum", action="store_true", help="measure right after the import, unvacuumed"
    )
    args = parser.parse_args()
    if not args.skip_import:
        import_real()
    user, _ = get_user_model().objects.get_or_create(username="bench-matcher")
    user.groups.add(Group.objects.get(name="reviewers"))
    _, token_key = api_token_create(user=user, name="bench")
    texts = queries()
    port = free_port()
    for total in [None, *args.synthetic]:
        if total:
            add_synthetic(total)
        if not args.no_vacuum:
            vacuum()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM claims_claimreview")
            print(f"-- {cursor.fetchone()[0]} fact-checks in the table", flush=True)
        if args.compare:
            compare(args.compare, texts[:400])
        connection.close()
        server = start_gunicorn(port, 1)
        try:
            measure(port, token_key, texts, worker_pid(server.pid))
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
