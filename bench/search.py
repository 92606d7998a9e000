"""
How long reader search takes with 100,000 published fact checks.

A benchmark, not a test. It needs PostgreSQL, in a database of its own:

    createdb -h 127.0.0.1 -U postgres factually_bench_search
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factually_bench_search \\
    PGOPTIONS="-c max_parallel_workers_per_gather=0" \\
        .venv/bin/python bench/search.py --fact-checks 100000

(PGOPTIONS turns off parallel query, which costs short queries like these
more than it saves; drop it to measure the server's defaults.)

It migrates the database and loads the fact checks once (later runs reuse
them): articles and their first publications written with COPY, questions
generated from ~90 subjects of claims, 12 trends and 30 places (each
subject in about 1% of the titles, as in a real archive), bodies made of
sentences from the demo fact checks, topics and ratings; then the search documents and the "did you mean" vocabulary
are filled in SQL with the same expressions publish() uses, and the tables
analysed. Loading takes a few minutes on two cores.

It then times the search page, in process through Django's test client
(query cleaning, full-text match and rank, the count, one page of results
with topics, highlighted snippets, "did you mean" when nothing matches, and
the template), for typical queries: questions typed as sentences, a few
keywords, a single word, a prefix, a quoted phrase, a minus word, common
words only, typos, and filters. What is timed is a query the page cache has not seen (/search/
bypasses it here; a repeat would otherwise be a cache hit), without the
test environment's template instrumentation, which production does not
have. Each query has one warm-up, then every query runs once per round for
--repeat rounds, so that a busy moment on a shared machine falls on all of
them alike. The figures are p50, p95 and p99 per query, per kind of query
and over all requests, with PostgreSQL's own execution time for one
request's queries (EXPLAIN ANALYZE, best of three) and the load average
before and after, to judge a figure taken on a busy machine. Results go to
bench/results/.

Run it under `flock /tmp/bench.lock` on a machine shared with other
benchmarks, so that two never run at once.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta

from production import RESULTS, ROOT, configure, setup_django
from search_corpus import (
    SLUG_PREFIX,
    TOPICS,
    generate,
    sentences,
)

QUERIES = [
    ("sentence", "Did the recount change the result in Springfield?"),
    ("sentence", "is it true that the measles vaccine caused deaths"),
    ("sentence", "What evidence is there that crime doubled in the capital?"),
    ("sentence", "have wind turbines caused bird deaths"),
    ("keywords", "minimum wage jobs"),
    ("keywords", "rents Lakeside"),
    ("keywords", "tap water zurich"),
    ("word", "inflation"),
    ("word", "hyperactive"),
    ("prefix", "electric cars poll"),
    ("phrase", '"mail ballots"'),
    ("minus", "vaccine -flu"),
    ("prefix", "is it tru"),  # Begins common words: counts as one.
    ("common", "is it true"),  # Words in many fact checks: the newest only.
    ("common", "the governor"),  # In about 5%: all of them.
    ("typo", "vacine measels"),
    ("typo", "recont springfeld"),
    ("filters", "vaccine", {"rating": "false"}),
    ("filters", "crime", {"topic": "crime"}),
    ("filters", "protest", {"since": (date.today() - timedelta(days=90)).isoformat()}),
]


def configure_for_search():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (see the docstring).")
    configure(host="testserver")
    setup_django()
    from django.conf import settings
    from django.test.utils import override_settings

    # Static files by name: no collectstatic manifest is needed to render.
    # The page cache would answer every repeat of a query from the cache;
    # what is measured is a query it has not seen, so /search/ bypasses it.
    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        },
        PAGE_CACHE_EXCLUDED_PATHS=[*settings.PAGE_CACHE_EXCLUDED_PATHS, "/search/"],
    ).enable()


def load(count):
    """Load `count` benchmark fact checks once; reuse them on later runs."""
    from django.core.management import call_command
    from django.db import connection

    from articles.models import Publication, Topic
    from articles.readers import search

    call_command("migrate", verbosity=0)
    existing = Publication.objects.filter(slug__startswith=SLUG_PREFIX).count()
    if existing == count:
        print(f"Reusing {existing:,} benchmark fact checks.")
        return
    if existing:
        sys.exit(
            "The database holds a different number of benchmark fact checks; drop it."
        )

    rng = random.Random(15)
    corpus = sentences()
    topics = [
        Topic.objects.get_or_create(slug=name.lower(), defaults={"name": name})[0]
        for name in TOPICS
    ]
    now = datetime.now(tz=UTC).replace(microsecond=0)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.connection
        with raw.cursor().copy(
            "COPY articles_article (title, slug, summary, checked_on, no_donation_ask, "
            "sources_note, created_at, updated_at, draft_digest, approved_digest, "
            "review_state, review_note) FROM STDIN"
        ) as copy:
            for number in range(count):
                copy.write_row(
                    (
                        f"Bench {number}",
                        f"{SLUG_PREFIX}{number}",
                        "",
                        None,
                        False,
                        "",
                        now,
                        now,
                        "",
                        "",
                        "published",
                        "",
                    )
                )
        cursor.execute(
            "SELECT min(id) FROM articles_article WHERE slug LIKE %s",
            [SLUG_PREFIX + "%"],
        )
        first_article = cursor.fetchone()[0]
        publication_rows = []
        with raw.cursor().copy(
            "COPY articles_publication (article_id, version, kind, note, published_at, "
            "created_at, slug, title, excerpt, body_text, checked_on, first_published_at, "
            "content, draft_digest, ratings, social_card, page_head, page_body, "
            "rendered_with, page_digest, no_donation_ask) FROM STDIN"
        ) as copy:
            for number in range(count):
                title, summary, body, content, rating = generate(rng, number, corpus)
                published = now - timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
                copy.write_row(
                    (
                        first_article + number,
                        1,
                        "first",
                        "",
                        published,
                        published,
                        f"{SLUG_PREFIX}{number}",
                        title,
                        summary,
                        body,
                        published.date(),
                        published,
                        json.dumps(content),
                        "",
                        f" {rating} ",
                        "",
                        "",
                        "",
                        "",
                        "",
                        False,
                    )
                )
                publication_rows.append(number)
        cursor.execute(
            "SELECT min(id) FROM articles_publication WHERE slug LIKE %s",
            [SLUG_PREFIX + "%"],
        )
        first_publication = cursor.fetchone()[0]
        with raw.cursor().copy(
            "COPY articles_publication_topics (publication_id, topic_id) FROM STDIN"
        ) as copy:
            for number in publication_rows:
                copy.write_row((first_publication + number, rng.choice(topics).pk))
    print(f"Copied {count:,} fact checks in {time.perf_counter() - started:.0f} s.")

    started = time.perf_counter()
    Publication.objects.filter(slug__startswith=SLUG_PREFIX).update(
        search_head=search.head_vector(), search_document=search.search_vector()
    )
    print(f"Filled the search documents in {time.perf_counter() - started:.0f} s.")
    started = time.perf_counter()
    ids = list(
        Publication.objects.filter(slug__startswith=SLUG_PREFIX).values_list(
            "pk", flat=True
        )
    )
    for start in range(0, len(ids), 10_000):
        search.refresh_vocabulary(ids[start : start + 10_000])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE articles_publication")
        cursor.execute("ANALYZE articles_searchword")
        cursor.execute("ANALYZE articles_publication_topics")
    print(
        f"Filled the vocabulary and analysed in {time.perf_counter() - started:.0f} s."
    )


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def database_ms(client, params):
    """
    PostgreSQL's own execution time for the queries one request makes: the
    sum of EXPLAIN ANALYZE's figures (best of three), without the round
    trips and Python around them.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get("/search/", params)
    total = 0.0
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            sql = query["sql"]
            if sql.startswith("DECLARE"):  # A server-side cursor's query.
                sql = sql[sql.index(" FOR ") + 5 :]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            best = None
            for _ in range(3):
                cursor.execute("EXPLAIN (ANALYZE) " + sql)
                last = cursor.fetchall()[-1][0]  # "Execution Time: 1.234 ms"
                spent = float(last.split(":")[1].split()[0])
                best = spent if best is None else min(best, spent)
            total += best
    return round(total, 2)


def figures(timings):
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "p99_ms": round(percentile(timings, 0.99), 1),
    }


def measure(repeat):
    from django.db import connection
    from django.test import Client
    from django.test.utils import (
        CaptureQueriesContext,
        setup_test_environment,
        teardown_test_environment,
    )

    client = Client()
    rows = []
    # One warm-up each, with the test environment on so that responses
    # carry their context (counts, suggestion); it is off while timing, as
    # it costs each render a copy of every template context.
    setup_test_environment()
    for kind, query, *rest in QUERIES:
        params = {"q": query, **(rest[0] if rest else {})}
        response = client.get("/search/", params)
        assert response.status_code == 200, (query, response.status_code)
        rows.append(
            {
                "kind": kind,
                "params": params,
                "results": response.context["page_obj"].paginator.count,
                "suggestion": response.context["suggestion"],
                "timings": [],
            }
        )
    teardown_test_environment()
    # Round after round of every query, so that a busy moment on a shared
    # machine falls on all of them alike.
    for _ in range(repeat):
        for row in rows:
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                client.get("/search/", row["params"])
            row["timings"].append((time.perf_counter() - started) * 1000)
            row["queries"] = len(queries)
    for row in rows:
        row.update(figures(row["timings"]))
        row["database_ms"] = database_ms(client, row["params"])
        print(
            f"{row['kind']:9} {json.dumps(row['params'], ensure_ascii=False)[:56]:56} "
            f"{row['results']:>6,} results  p50 {row['p50_ms']:6.1f}  "
            f"p95 {row['p95_ms']:6.1f}  p99 {row['p99_ms']:6.1f} ms  "
            f"db {row['database_ms']:5.1f} ms  ({row['queries']} queries)"
        )
    kinds = {}
    for row in rows:
        kinds.setdefault(row["kind"], []).append(row)
    by_kind = {}
    for kind, kind_rows in kinds.items():
        timings = [t for row in kind_rows for t in row["timings"]]
        by_kind[kind] = {
            "requests": len(timings),
            **figures(timings),
            "database_ms": round(
                statistics.mean(row["database_ms"] for row in kind_rows), 2
            ),
        }
        print(
            f"{kind:9} {len(timings):4} requests: p50 {by_kind[kind]['p50_ms']:6.1f}  "
            f"p95 {by_kind[kind]['p95_ms']:6.1f}  p99 {by_kind[kind]['p99_ms']:6.1f} ms  "
            f"db {by_kind[kind]['database_ms']:5.1f} ms"
        )
    every = [t for row in rows for t in row.pop("timings")]
    summary = {"requests": len(every), **figures(every), "max_ms": round(max(every), 1)}
    print(
        f"All {summary['requests']} requests: p50 {summary['p50_ms']} ms, "
        f"p95 {summary['p95_ms']} ms, p99 {summary['p99_ms']} ms, "
        f"max {summary['max_ms']} ms"
    )
    return rows, by_kind, summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fact-checks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    configure_for_search()
    load(args.fact_checks)
    from articles.models import Publication

    live = Publication.objects.live().count()
    print(f"{live:,} live fact checks.")
    load_before = os.getloadavg()[0]
    rows, by_kind, summary = measure(args.repeat)
    load_after = os.getloadavg()[0]
    print(f"Load average (1 min): {load_before:.2f} before, {load_after:.2f} after.")
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"search-{datetime.now(tz=UTC):%Y%m%dT%H%M%S}.json"
    path.write_text(
        json.dumps(
            {
                "live": live,
                "load_average": [load_before, load_after],
                "queries": rows,
                "kinds": by_kind,
                "overall": summary,
            },
            indent=2,
        )
    )
    print(f"Results in {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
