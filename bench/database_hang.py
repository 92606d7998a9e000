"""
Cached pages while PostgreSQL hangs: one gunicorn on the demo site, its
page cache warm, then a second connection holds an ACCESS EXCLUSIVE lock on
the publications table for --hang seconds while readers keep asking for
pages that are not cached (each one waits for the lock) and one reader asks
for a cached page again and again. Prints how long the cached page took
and what the uncached requests got.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        python bench/database_hang.py --worker-class sync --threads 1
    python bench/database_hang.py --worker-class gthread --threads 4

The database named bench_database_hang is created (and emptied) on the
server DATABASE_URL points at.
"""

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
NAME = "bench_database_hang"


def request(port, path):
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    finally:
        connection.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--statement-timeout", default="5000", help="ms; 0 is none")
    parser.add_argument("--hang", type=float, default=15)
    parser.add_argument("--uncached-clients", type=int, default=6)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    server = os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"
    )
    base = server.rsplit("/", 1)[0]
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {NAME}")
    env = {
        **os.environ,
        "DATABASE_URL": f"{base}/{NAME}",
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_SECRET_KEY": "bench-" + "x" * 50,
        "STRIPE_WEBHOOK_SECRET": "whsec_bench",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_LEVEL": "ERROR",
        "DATABASE_STATEMENT_TIMEOUT": args.statement_timeout,
        "WORKER_CLASS": args.worker_class,
        "THREADS": str(args.threads),
        "ACCESS_LOG": "",
        "DJANGO_STATIC_ROOT": "/tmp/bench-database-hang-static",
    }
    # With REDIS_URL set, the workers share the page cache, as in production.
    for command in (
        ["collectstatic", "--noinput", "-v0"],
        ["migrate", "-v0"],
        ["load_demo"],
        ["invalidate_page_cache"],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    gunicorn = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "factually.wsgi",
            "--config",
            "deploy/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                request(args.port, "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        cached = "/about/methodology/"
        # Warm the page cache (and, without Redis, each worker's own).
        for _ in range(10 * args.workers):
            request(args.port, cached)
        paths = sorted(
            row[0]
            for row in psycopg.connect(f"{base}/{NAME}").execute(
                "SELECT DISTINCT slug FROM articles_publication"
            )
        )
        lock_taken = threading.Event()
        stop = threading.Event()

        def hold_lock():
            with psycopg.connect(f"{base}/{NAME}") as holder:
                holder.execute(
                    "LOCK TABLE articles_publication IN ACCESS EXCLUSIVE MODE"
                )
                lock_taken.set()
                time.sleep(args.hang)

        uncached = []

        def read_uncached(number):
            n = 0
            while not stop.is_set():
                n += 1
                path = f"/fact-checks/{paths[number % len(paths)]}/?c={number}-{n}"
                uncached.append(request(args.port, path))

        hits = []
        threading.Thread(target=hold_lock, daemon=True).start()
        lock_taken.wait()
        started = time.monotonic()
        readers = [
            threading.Thread(target=read_uncached, args=(i,), daemon=True)
            for i in range(args.uncached_clients)
        ]
        for reader in readers:
            reader.start()
        time.sleep(0.5)
        while time.monotonic() - started < args.hang - 1:
            hits.append(request(args.port, cached))
            time.sleep(0.1)
        stop.set()
        for reader in readers:
            reader.join(timeout=120)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)

    latencies = sorted(seconds for _status, seconds in hits)
    print(
        f"{args.worker_class} workers={args.workers} threads={args.threads} "
        f"statement_timeout={args.statement_timeout} ms, lock held {args.hang} s, "
        f"{args.uncached_clients} readers of uncached pages"
    )
    print(
        f"  cached page: {len(hits)} requests, statuses "
        f"{sorted({status for status, _ in hits})}, median "
        f"{statistics.median(latencies):.3f} s, max {latencies[-1]:.3f} s"
    )
    statuses = {}
    for status, seconds in uncached:
        statuses.setdefault(status, []).append(seconds)
    for status, times in sorted(statuses.items()):
        print(
            f"  uncached {status}: {len(times)} requests, median "
            f"{statistics.median(times):.2f} s, max {max(times):.2f} s"
        )


if __name__ == "__main__":
    main()
