"""
Real server processes for the serving tests: gunicorn with the production
settings (debug off, collected static files), and nginx with the shipped
configuration, each on a free port on 127.0.0.1 and stopped by the test.
"""

import functools
import getpass
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
GUNICORN = Path(sys.executable).with_name("gunicorn")
# Port 9 (discard): nothing listens there on loopback.
NOTHING_LISTENS = 9


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_url():
    """The Redis the servers share: the suite's, or CI's db 15."""
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def redis_reachable(url):
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def base_env(**overrides):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factually.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        # The same key for every server, so a session made on one is good
        # on the others.
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "STRIPE_WEBHOOK_SECRET": settings.STRIPE_WEBHOOK_SECRET,
        "STRIPE_LIVEMODE": "1" if settings.STRIPE_LIVEMODE else "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver,factually.test",
        "DJANGO_STATIC_ROOT": str(collected_static()),
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        # The servers run as in production, with their in-memory copies.
        "PAGE_CACHE_LOCAL_TIMEOUT": "5",
    }
    env.pop("REDIS_URL", None)
    env.update(overrides)
    return env


@functools.cache
def collected_static():
    """Static files collected (hashed, compressed) once per test run."""
    folder = Path(tempfile.mkdtemp(prefix="factually-static-"))
    env = {**os.environ, "DJANGO_DEBUG": "1", "DJANGO_STATIC_ROOT": str(folder)}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    return folder


def manage(*args, env):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise AssertionError(result.stderr)
    return result.stdout


def request(port, method, path, *, host="factually.test", headers=None, body=None):
    """One HTTP request to 127.0.0.1:port; returns (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            method, path, body=body, headers={"Host": host, **(headers or {})}
        )
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def wait_until_answering(port, process, path="/healthz", timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"The server on port {port} exited at start.")
        try:
            request(port, "GET", path, host="127.0.0.1")
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"Nothing answered on port {port} within {timeout} s.")


class Process:
    """A child process whose output goes to a file, stopped on exit."""

    def __init__(self, args, *, env, port, cwd=ROOT):
        self.port = port
        # Open as long as the process runs, so not in a with block.
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix="factually-server-", suffix=".log", delete=False
        )
        self.process = subprocess.Popen(
            args, cwd=cwd, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )

    def __enter__(self):
        try:
            wait_until_answering(self.port, self.process)
        except AssertionError as exc:
            self.stop()
            output = self.output()
            Path(self.log.name).unlink(missing_ok=True)
            raise AssertionError(f"{exc}\n{output}") from None
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()
        Path(self.log.name).unlink(missing_ok=True)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()

    def output(self):
        return Path(self.log.name).read_text(errors="replace")

    def get(self, path, **kwargs):
        return request(self.port, "GET", path, **kwargs)

    def post(self, path, **kwargs):
        return request(self.port, "POST", path, **kwargs)


def gunicorn(*, env, workers=1, access_log=""):
    """An app server; `access_log`, a file it logs each request to."""
    port = free_port()
    return Process(
        [
            str(GUNICORN),
            "factually.wsgi",
            "--config",
            "deploy/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        env={**env, "ACCESS_LOG": str(access_log)},
        port=port,
    )


def nginx_config():
    """deploy/nginx.py, which is a script rather than a package module."""
    sys.path.insert(0, str(ROOT / "deploy"))
    try:
        import nginx
    finally:
        sys.path.pop(0)
    return nginx


def nginx(*, upstreams, prefix):
    port = free_port()
    config = Path(prefix) / "nginx.conf"
    config.write_text(
        nginx_config().render(
            listen=f"127.0.0.1:{port}",
            upstreams=[f"127.0.0.1:{upstream}" for upstream in upstreams],
            static_root=collected_static(),
            prefix=prefix,
            user=getpass.getuser() if os.geteuid() == 0 else None,
        )
    )
    return Process(
        [
            shutil.which("nginx") or "nginx",
            "-p",
            str(prefix),
            "-c",
            str(config),
            "-g",
            "daemon off;",
        ],
        env=os.environ,
        port=port,
    )


def varnish_config(backend_port):
    """deploy/varnish.vcl with its backend at 127.0.0.1:backend_port."""
    text = (ROOT / "deploy" / "varnish.vcl").read_text()
    pattern = '.host = "127.0.0.1";\n    .port = "8000";'
    if pattern not in text:
        raise AssertionError("deploy/varnish.vcl no longer names its backend so.")
    return text.replace(pattern, f'.host = "127.0.0.1";\n    .port = "{backend_port}";')


def varnish(*, backend_port, prefix, port=None):
    """
    varnishd in the foreground with the shipped VCL, its working folder,
    pid file and VCL in `prefix`; stopped by its pid like the others.
    """
    port = port or free_port()
    prefix = Path(prefix)
    config = prefix / "varnish.vcl"
    config.write_text(varnish_config(backend_port))
    return Process(
        [
            shutil.which("varnishd") or "varnishd",
            "-F",
            "-a",
            f"127.0.0.1:{port}",
            "-f",
            str(config),
            "-n",
            str(prefix / "work"),
            "-s",
            "malloc,64m",
            "-P",
            str(prefix / "varnishd.pid"),
            # No separate users for the worker: the folder is ours.
            "-j",
            "none",
        ],
        env=os.environ,
        port=port,
    )
