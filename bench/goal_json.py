"""
How long /donations/goal.json takes to serve with a million donations.

A benchmark, not a test. It needs PostgreSQL and Redis (the app servers must
share the cache), and it runs the production settings under gunicorn:

    createdb -h 127.0.0.1 -U postgres factually_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factually_bench \\
    REDIS_URL=redis://127.0.0.1:6379/14 \\
        .venv/bin/python bench/goal_json.py --donations 1000000

It migrates the database, loads the donations once (COPY; later runs reuse
them) spread over a year, with the campaign's window covering all of them
(--campaign-days 365, the worst case) or only the last N days, starts
gunicorn on 127.0.0.1, and times goal.json over HTTP twice:
with a warm cache (what readers get) and cold, with the cache invalidated
before every request (what the first reader after a donation pays), then a
burst of simultaneous readers just after an invalidation. The raw count
query is timed on its own too. Results go to bench/results/.
"""

import argparse
import hashlib
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from production import RESULTS, ROOT, configure, setup_django

PORT = 8731
WORKERS = 4


def configure_for_goal():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (see the docstring).")
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL: gunicorn's workers and this script share the cache.")
    configure(host="127.0.0.1")
    setup_django()


def load(donations, supporters, campaign_days):
    """Load the campaign, supporters and donations once; reuse them later."""
    from django.core.management import call_command
    from django.db import connection

    from donations.models import Campaign, Donation

    call_command("migrate", verbosity=0)
    now = datetime.now(tz=UTC).replace(microsecond=0)
    start = now - timedelta(days=365)
    campaign, _ = Campaign.objects.update_or_create(
        name="Benchmark drive",
        defaults={
            "goal": 500_000,
            "starts_at": now - timedelta(days=campaign_days),
            "ends_at": now + timedelta(days=30),
            "donate_url": "https://donate.example/bench",
        },
    )
    Campaign.objects.current().exclude(pk=campaign.pk).update(is_current=False)
    Campaign.objects.filter(pk=campaign.pk).update(is_current=True)
    existing = Donation.objects.filter(provider_id__startswith="bench-").count()
    if existing == donations:
        print(f"Reusing {existing:,} benchmark donations.")
        return campaign
    if existing:
        sys.exit(
            "The database holds a different number of benchmark donations; drop it."
        )

    rng = random.Random(1)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.connection
        with raw.cursor().copy(
            "COPY donations_supporter (email_hash, email, display_name, "
            "stripe_customer_id, created_at) FROM STDIN"
        ) as copy:
            for number in range(supporters):
                digest = hashlib.sha256(
                    f"bench-supporter-{number}".encode()
                ).hexdigest()
                copy.write_row((digest, "", "", "", start))
        cursor.execute(
            "SELECT min(id) FROM donations_supporter WHERE created_at = %s", [start]
        )
        first_id = cursor.fetchone()[0]
        with raw.cursor().copy(
            "COPY donations_donation (supporter_id, amount, currency, kind, origin, "
            "provider_id, payment_intent_id, received_at, refunded_at, excluded_reason, "
            "note, card_last4, recorded_at) FROM STDIN"
        ) as copy:
            for number in range(donations):
                received = start + timedelta(seconds=rng.randrange(365 * 24 * 3600))
                refunded = received + timedelta(days=1) if rng.random() < 0.03 else None
                copy.write_row(
                    (
                        first_id + rng.randrange(supporters),
                        rng.choice((500, 1000, 2500, 5000)),
                        "USD",
                        "one_off",
                        "import",
                        f"bench-{number}",
                        "",
                        received,
                        refunded,
                        "Political organisation" if rng.random() < 0.001 else "",
                        "",
                        "",
                        received,
                    )
                )
        cursor.execute("ANALYZE donations_supporter")
        cursor.execute("ANALYZE donations_donation")
    print(f"Loaded {donations:,} donations in {time.perf_counter() - started:.0f} s.")
    return campaign


def time_query(campaign, repeat):
    from django.db import connection, reset_queries

    timings = []
    for _ in range(repeat):
        reset_queries()
        started = time.perf_counter()
        count = campaign.count_supporters()
        timings.append((time.perf_counter() - started) * 1000)
    with connection.cursor() as cursor:
        from donations.models import Supporter

        queryset = Supporter.objects.for_campaign(campaign).order_by()
        sql, params = queryset.query.sql_with_params()
        cursor.execute(
            f"EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM ({sql}) AS s", params
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return count, timings, plan


def get(path):
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Host": "127.0.0.1"})
    response = connection.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}: {body[:200]!r}")
    return elapsed, json.loads(body)


def summary(timings):
    ordered = sorted(timings)
    return {
        "requests": len(ordered),
        "mean_ms": round(statistics.fmean(ordered), 2),
        "p50_ms": round(ordered[len(ordered) // 2], 2),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 2),
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1], 2),
        "max_ms": round(ordered[-1], 2),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--donations", type=int, default=1_000_000)
    parser.add_argument("--supporters", type=int, default=350_000)
    parser.add_argument(
        "--campaign-days",
        type=int,
        default=365,
        help="the campaign's window: the last N days (the donations span 365)",
    )
    parser.add_argument("--warm", type=int, default=2000, help="warm-cache requests")
    parser.add_argument("--cold", type=int, default=20, help="cold-cache requests")
    parser.add_argument(
        "--burst", type=int, default=20, help="simultaneous readers after a change"
    )
    args = parser.parse_args()
    configure_for_goal()

    from django.db import connection

    from donations import tracker

    campaign = load(args.donations, args.supporters, args.campaign_days)
    count, query_timings, plan = time_query(campaign, repeat=5)
    connection.close()
    tracker.invalidate()

    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "factually.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        # STATIC_ROOT is not collected: goal.json serves no static file.
        env={**os.environ, "PYTHONWARNINGS": "ignore::UserWarning"},
    )
    try:
        for _ in range(100):
            try:
                get("/donations/goal.json")
                break
            except (ConnectionError, OSError):
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")

        warm = []
        for _ in range(args.warm):
            elapsed, data = get("/donations/goal.json")
            warm.append(elapsed)
        assert data["supporters"] == count, (data, count)

        cold = []
        for _ in range(args.cold):
            tracker.invalidate()
            elapsed, data = get("/donations/goal.json")
            cold.append(elapsed)

        # Readers arriving together right after a donation: one rebuilds,
        # the others get the previous figure at once.
        burst = []
        for _ in range(5):
            tracker.invalidate()
            with ThreadPoolExecutor(max_workers=args.burst) as pool:
                burst += [
                    elapsed
                    for elapsed, _ in pool.map(
                        lambda _: get("/donations/goal.json"), range(args.burst)
                    )
                ]
    finally:
        server.terminate()
        server.wait(timeout=30)

    result = {
        "measured_at": datetime.now(tz=UTC).isoformat(timespec="seconds"),
        "donations": args.donations,
        "supporters_in_database": args.supporters,
        "campaign_days": args.campaign_days,
        "supporters_counted": count,
        "server": f"gunicorn, {WORKERS} sync workers, 127.0.0.1; PostgreSQL and Redis local",
        "warm_cache": summary(warm),
        "cold_cache": summary(cold),
        "burst_after_invalidation": summary(burst),
        "count_query_ms": [round(t, 1) for t in query_timings],
        "goal_json": data,
    }
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"goal_json-{stamp}.json").write_text(
        json.dumps(result, indent=2) + "\n"
    )
    (RESULTS / f"goal_json-{stamp}.plan.txt").write_text(plan + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
