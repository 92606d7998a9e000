"""
gunicorn settings for Factually's app servers (`make serve` uses them).

Threaded workers behind nginx, which buffers slow clients. Threads rather
than sync workers so that a request waiting for a hung database holds one
thread, not a whole worker: cached pages, which need no database, keep
being served meanwhile, and the wait itself ends at the statement timeout
(DATABASE_STATEMENT_TIMEOUT). Measured with bench/database_hang.py: with
six readers of uncached pages held by a lock, three sync workers kept a
cached page waiting 15 s; three workers of 8 threads served it in 2 ms
(at most 44 ms). Each thread may keep a database connection open, so
workers × threads on every app server must fit PostgreSQL's
max_connections. Each app server is stateless (sessions in the database,
the page cache in Redis), so run as many as the load needs and list them
in deploy/nginx.conf's upstream. Every value can be changed from the
environment or on the command line (`--bind`, `--workers`).
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Two per core is plenty for a site whose pages mostly come from a cache.
workers = int(os.environ.get("WORKERS", str(2 * (os.cpu_count() or 1))))
worker_class = os.environ.get("WORKER_CLASS", "gthread")
threads = int(os.environ.get("THREADS", "8"))
# Load the project once, before forking: workers start faster and share it.
preload_app = True
# A request taking longer than this is stuck: the worker is restarted.
timeout = 30
graceful_timeout = 30
keepalive = 2
# Recycle workers now and then, so a slow leak never becomes an outage.
max_requests = 5000
max_requests_jitter = 500
# Heartbeat files in memory rather than on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Only nginx on this host may say which scheme a request came in with.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
