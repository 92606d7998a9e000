"""
The page benchmark: what readers get from the production server, side by
side with a static file of the same bytes. `make bench` runs it.

A benchmark, not a test. It needs PostgreSQL and Redis on this host:

    make bench                                # defaults below
    make bench BENCH_ARGS="--duration 5 --publish-duration 20"

It (re)creates a PostgreSQL database of its own (--database, dropped and
made afresh each run), uses a Redis database of its own (--redis-db,
flushed at the start and the end), migrates, loads a campaign and a
6-section and a 60-section fact check (published through
articles.factchecks.publishing.publish), collects static files into a temporary
folder, and starts gunicorn (2 sync workers, debug off, the production
settings and deploy/gunicorn.conf.py) on 127.0.0.1. The static files of the
same bytes (each article's HTML and goal.json, as served) are written into
that folder before gunicorn starts, so WhiteNoise serves them; so are those
of the listing pages.

Then, one after the other, for --duration seconds each, with wrk (1 thread,
4 connections) when it is installed and a small built-in load generator
otherwise (bench/loadgen.py): each article on a miss, on a hit, and as a
304; the home page on a hit; goal.json; the pages that list fact checks
(bench/listing_pages.py) on a miss; and the static file of each. Misses are
measured on a second gunicorn whose page cache stores nothing, so every
request pays the cache lookup and the render, as the first reader after a
publish does. In-process, it retires the page before each timed miss and
counts the queries of each page.

Last, publishing under load: for --publish-duration seconds, readers
request the large article at twice the measured cache-miss rate while an
editor publishes a new version every 5 s; it counts errors and the longest
time after a publish returned that a reader still got the previous version.

It prints the ratios of the issue's targets and writes a Markdown table to
bench/results/pages-<time>.md. Traffic stays on 127.0.0.1 and every phase is
bounded in time.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import listing_pages
from loadgen import (
    HOST,
    free_port,
    http_get,
    publish_under_load,
    run_builtin,
    run_wrk,
    start_gunicorn,
)
from production import configure, setup_django
from report import write_report


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--database", default="factually_pages_bench")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    parser.add_argument("--redis-db", type=int, default=13)
    parser.add_argument(
        "--duration", type=float, default=10, help="seconds per measurement"
    )
    parser.add_argument(
        "--publish-duration",
        type=float,
        default=60,
        help="seconds of publishing under load (0 to skip)",
    )
    parser.add_argument("--publish-every", type=float, default=5)
    parser.add_argument(
        "--renders", type=int, default=30, help="in-process renders timed per page"
    )
    parser.add_argument(
        "--no-wrk", action="store_true", help="use the built-in load generator"
    )
    return parser.parse_args()


def configure_for(args, static_root):
    database_url = f"{args.postgres}/{args.database}"
    redis_url = f"{args.redis}/{args.redis_db}"
    configure(
        host=HOST,
        DJANGO_STATIC_ROOT=str(static_root),
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        ACCESS_LOG="",
        LOG_LEVEL="warning",
    )
    recreate_database(args.postgres, args.database)
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    setup_django()


def recreate_database(server, name):
    import psycopg

    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        sys.exit(f"--database must be a plain lower-case name, not {name!r}.")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


PARAGRAPH = (
    "Officials counted {n:,} ballots in the district by the morning after the "
    "vote, according to the county's published tally [{a}], and the state's "
    "audit later confirmed the figure to within a handful of votes [{b}]. "
    "Claims that the number was inflated rest on a misreading of the turnout "
    "table, which lists registered voters rather than ballots cast."
)


def load_content():
    """A campaign, and the small and the large fact check, published."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from articles.factchecks.publishing import publish
    from articles.models import (
        Article,
        Citation,
        Claim,
        Rating,
        RelatedQuestion,
        Section,
        Topic,
    )
    from donations.models import BannerMessage, Campaign, Donation, Supporter
    from sources.models import Source

    call_command("migrate", verbosity=0)
    now = timezone.now()
    campaign = Campaign.objects.create(
        name="Benchmark drive",
        goal=1000,
        starts_at=now - timedelta(days=10),
        ends_at=now + timedelta(days=20),
        donate_url="https://donate.example/bench",
        is_current=True,
    )
    for number in range(2):
        BannerMessage.objects.create(
            campaign=campaign,
            headline=f"Keep Factually independent ({number})",
            body="Readers fund our fact checks. We take no money from political groups.",
        )
    for number in range(40):
        supporter = Supporter.objects.create(
            email_hash=Supporter.hash_email(f"reader{number}@example.org")
        )
        Donation.objects.create(
            supporter=supporter,
            amount=500,
            currency="USD",
            kind=Donation.Kind.ONE_OFF,
            origin=Donation.Origin.OFFLINE,
            received_at=now - timedelta(days=1),
        )
    topic = Topic.objects.create(name="Elections", slug="elections")

    articles = {}
    for name, sections, sources in (("small", 6, 4), ("large", 60, 40)):
        article = Article.objects.create(
            title=f"Fact check: What evidence exists of the {name} tally?",
            slug=f"bench-{name}",
            summary=(
                "The official count stands [1], and the audit agrees with it [2]. "
                "No evidence supports the claim of inflated numbers."
            ),
            checked_on=date(2026, 11, 2),
        )
        article.topics.add(topic)
        for position in range(1, sources + 1):
            source = Source.objects.create(
                title=f"County election report, part {position}",
                url=f"https://example.org/reports/{name}/{position}",
                publisher="County Board of Elections",
            )
            Citation.objects.create(article=article, position=position, source=source)
        for position in range(1, sections + 1):
            a = (position - 1) % sources + 1
            b = position % sources + 1
            Section.objects.create(
                article=article,
                position=position,
                heading=f"Part {position} of the count",
                body="\n\n".join(
                    PARAGRAPH.format(n=1000 * position + k, a=a, b=b) for k in range(2)
                ),
            )
        for position in range(1, max(2, sections // 6) + 1):
            Claim.objects.create(
                article=article,
                position=position,
                statement=f"The count in ward {position} was inflated.",
                claimant="A. Speaker",
                rating=Rating.FALSE,
                explanation="The tally and the audit agree.",
            )
        for position in range(1, 4):
            RelatedQuestion.objects.create(
                article=article,
                position=position,
                question=f"How are ballots counted, question {position}?",
            )
        publish(article=article, kind="first", override_reason="Benchmark data.")
        articles[name] = article
    author = listing_pages.load(topic)
    return articles, listing_pages.paths(topic, author)


# --- In-process measurements ----------------------------------------------


class QueryCounter:
    """Counts the queries run on a connection (connection.execute_wrapper)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def in_process(paths, renders):
    """Milliseconds per cache-miss render, and queries on a miss and a hit."""
    from django.db import connection
    from django.test import Client

    from factually import pagecache

    client = Client(HTTP_HOST=HOST)
    rows = {}
    for name, path in paths.items():
        # Warm the tracker and the page cache (goal.json learns its key first).
        client.get(path)
        client.get(path)
        miss, hit = QueryCounter(), QueryCounter()
        # Retired first (outside what is timed): a miss every time.
        pagecache.committed(paths=[path.partition("?")[0]])
        with connection.execute_wrapper(miss):
            response = client.get(path)
        assert response["X-Page-Cache"] == "miss", response.headers
        with connection.execute_wrapper(hit):
            response = client.get(path)
        assert response["X-Page-Cache"] == "hit", response.headers
        timings = []
        for _ in range(renders):
            pagecache.committed(paths=[path.partition("?")[0]])
            started = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        rows[name] = {
            "miss_ms": statistics.median(timings),
            "miss_queries": miss.count,
            "hit_queries": hit.count,
        }
    return rows


# --- The run --------------------------------------------------------------


def main():
    args = parse_args()
    static_root = Path(tempfile.mkdtemp(prefix="factually-bench-static-"))
    try:
        run(args, static_root)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


def run(args, static_root):
    configure_for(args, static_root)
    from django.core.management import call_command
    from django.db import connection

    # First: publishing renders the page, which names hashed static files.
    call_command("collectstatic", interactive=False, verbosity=0)
    articles, listed = load_content()
    paths = {
        name: article.publications.latest().get_absolute_url()
        for name, article in articles.items()
    }
    paths["home"] = "/"
    paths.update(listed)
    paths["goal"] = "/donations/goal.json"
    rows_in_process = in_process(paths, args.renders)

    # The static files of the same bytes, written before WhiteNoise indexes.
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    bench_static = static_root / "bench"
    bench_static.mkdir()
    sizes = {}
    for name in ("small", "large", "goal", *listing_pages.PAGES):
        body = client.get(paths[name]).content
        sizes[name] = len(body)
        suffix = "json" if name == "goal" else "html"
        (bench_static / f"{name}.{suffix}").write_bytes(body)
    connection.close()

    load = run_builtin if args.no_wrk or not shutil.which("wrk") else run_wrk
    tool = "built-in generator" if load is run_builtin else "wrk"
    port = free_port()
    server = start_gunicorn(port)
    miss_port = free_port()
    # Its own keys: it finds none of the other server's pages.
    miss_server = start_gunicorn(
        miss_port, PAGE_CACHE_TIMEOUT="0", CACHE_KEY_PREFIX="bench-miss"
    )
    try:
        # Warm every page in both workers of each server.
        for _ in range(6):
            for path in paths.values():
                http_get(port, path)
                http_get(miss_port, path)
        etag = http_get(port, paths["small"])[1]["ETag"]
        plan = [
            ("article miss, 6 sections", paths["small"], {"miss": True}),
            ("article miss, 60 sections", paths["large"], {"miss": True}),
            ("article hit, 6 sections", paths["small"], {}),
            ("article hit, 60 sections", paths["large"], {}),
            (
                "conditional (304), 6 sections",
                paths["small"],
                {"headers": [f"If-None-Match: {etag}"]},
            ),
            ("home (hit)", "/", {}),
            *(
                (f"{name} (miss)", paths[name], {"miss": True})
                for name in listing_pages.PAGES
            ),
            ("goal.json", paths["goal"], {}),
            ("static file, 6-section bytes", "/static/bench/small.html", {}),
            ("static file, 60-section bytes", "/static/bench/large.html", {}),
            ("static file, goal.json bytes", "/static/bench/goal.json", {}),
            *(
                (f"static file, {name} bytes", f"/static/bench/{name}.html", {})
                for name in listing_pages.PAGES
            ),
        ]
        results = {}
        for label, path, options in plan:
            target = miss_port if options.pop("miss", False) else port
            results[label] = load(target, path, duration=args.duration, **options)
            row = results[label]
            print(
                f"{label:34} {row['rps']:9.1f} req/s  p50 {row['p50_ms']:7.2f} ms  "
                f"p99 {row['p99_ms']:7.2f} ms  errors {row['errors']}",
                flush=True,
            )
        status, _, _ = http_get(port, paths["small"], {"If-None-Match": etag})
        assert status == 304, status

        under_load = None
        if args.publish_duration > 0:
            rate = 2 * results["article miss, 60 sections"]["rps"]
            under_load = publish_under_load(
                port,
                articles["large"],
                rate=rate,
                duration=args.publish_duration,
                every=args.publish_every,
            )
            print(json.dumps(under_load, indent=2), flush=True)
    finally:
        for running in (server, miss_server):
            running.terminate()
            running.wait(timeout=30)
        import redis

        redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()

    report = write_report(results, rows_in_process, sizes, under_load, args, tool)
    print(report)


if __name__ == "__main__":
    main()
