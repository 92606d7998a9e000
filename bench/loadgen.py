"""
Load for the page benchmark (bench/pages.py): requests with wrk or a small
built-in generator, gunicorn started on 127.0.0.1, and readers at a fixed
rate while an editor publishes.
"""

import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from production import ROOT

HOST = "127.0.0.1"
WORKERS = 2
WRK_CONNECTIONS = 4


# --- Load generation ------------------------------------------------------


def http_get(port, path, headers=None):
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": HOST, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


WRK_BUST = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. counter)
end
"""


def parse_duration(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def run_wrk(port, path, *, duration, headers=(), bust=False):
    command = [
        shutil.which("wrk"),
        "-t1",
        f"-c{WRK_CONNECTIONS}",
        f"-d{max(1, round(duration))}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    for header in headers:
        command += ["-H", header]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        if bust:
            script.write(WRK_BUST)
            script.flush()
            command += ["-s", script.name]
        command.append(f"http://{HOST}:{port}{path}")
        output = subprocess.run(
            command, capture_output=True, text=True, timeout=duration + 60, check=True
        ).stdout
    latencies = dict(re.findall(r"^\s+(50|99)(?:\.000)?%\s+(\S+)\s*$", output, re.M))
    if set(latencies) != {"50", "99"}:
        raise RuntimeError(f"Could not read wrk's output:\n{output}")
    errors = sum(
        int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output)
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p50_ms": parse_duration(latencies["50"]),
        "p99_ms": parse_duration(latencies["99"]),
        "errors": errors + (int(non_2xx[1]) if non_2xx else 0),
    }


def run_builtin(port, path, *, duration, headers=(), bust=False):
    """Closed-loop load from WRK_CONNECTIONS threads, like wrk's."""
    header_dict = dict(header.split(": ", 1) for header in headers)
    latencies, errors = [], [0]
    lock = threading.Lock()
    deadline = time.monotonic() + duration
    counter = iter(range(10**9))

    def worker():
        mine = []
        while time.monotonic() < deadline:
            target = f"{path}{next(counter)}" if bust else path
            started = time.perf_counter()
            try:
                status, _, _ = http_get(port, target, header_dict)
                ok = status < 400
            except OSError:
                ok = False
            mine.append((time.perf_counter() - started) * 1000)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(WRK_CONNECTIONS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ordered = sorted(latencies)
    return {
        "rps": len(ordered) / elapsed,
        "p50_ms": ordered[len(ordered) // 2],
        "p99_ms": ordered[max(0, int(len(ordered) * 0.99) - 1)],
        "errors": errors[0],
    }


# --- Publishing under load ------------------------------------------------


def publish_under_load(port, article, *, rate, duration, every):
    """
    Readers at `rate` requests a second on the article while a new version
    is published every `every` seconds. Returns errors, requests and the
    longest staleness seen after a publish returned.
    """
    from articles.factchecks.publishing import publish

    path = article.publications.latest().get_absolute_url()
    title = re.compile(rb"What evidence exists of revision (\d+)\?")
    published = []  # (monotonic time the publish returned, revision)
    readings = []  # (monotonic time the request started, revision seen or None)
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + duration
    readers = 8
    interval = readers / rate

    def reader(offset):
        next_at = time.monotonic() + offset
        while True:
            now = time.monotonic()
            if now >= stop:
                return
            if now < next_at:
                time.sleep(next_at - now)
            next_at += interval
            started = time.monotonic()
            try:
                status, _, body = http_get(port, path)
            except OSError:
                status, body = 0, b""
            match = title.search(body)
            with lock:
                if status != 200:
                    errors[0] += 1
                readings.append((started, int(match[1]) if match else 0))

    def editor():
        revision = 0
        while time.monotonic() + every < stop:
            time.sleep(every)
            revision += 1
            article.title = f"Fact check: What evidence exists of revision {revision}?"
            article.save()
            publish(
                article=article,
                kind="update",
                note=f"Revision {revision}.",
                override_reason="Benchmark data.",
            )
            with lock:
                published.append((time.monotonic(), revision))

    threads = [
        threading.Thread(target=reader, args=(index * interval / readers,))
        for index in range(readers)
    ]
    editor_thread = threading.Thread(target=editor)
    for thread in [*threads, editor_thread]:
        thread.start()
    for thread in [*threads, editor_thread]:
        thread.join()

    staleness = 0.0
    stale_after_1s = 0
    for started, seen in readings:
        # The newest publish that had returned before this request began.
        due = [(at, rev) for at, rev in published if at <= started]
        if not due or seen >= due[-1][1]:
            continue
        # Stale: how long since the first version newer than what it saw?
        first_newer = min(at for at, rev in published if rev > seen and at <= started)
        lag = started - first_newer
        staleness = max(staleness, lag)
        stale_after_1s += lag > 1
    return {
        "rate": rate,
        "duration": duration,
        "publishes": len(published),
        "requests": len(readings),
        "achieved_rps": len(readings) / duration,
        "errors": errors[0],
        "max_staleness_s": staleness,
        "stale_after_1s": stale_after_1s,
    }


# --- Servers ----------------------------------------------------------------


def start_gunicorn(port, **env):
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "factually.wsgi",
            "--config",
            "deploy/gunicorn.conf.py",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(WORKERS),
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    for _ in range(150):
        try:
            http_get(port, "/healthz")
            return server
        except OSError:
            if server.poll() is not None:
                sys.exit("gunicorn exited at start.")
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not start.")


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]
