import os
import subprocess
import sys

from django.conf import settings

# Port 9 (discard) has no PostgreSQL server listening on loopback.
UNREACHABLE_DATABASE_URL = "postgres://postgres@127.0.0.1:9/factually"


def last_line_with_database_down(script):
    """
    Run `script` in a fresh Python process whose settings point at a database
    server that is down, and return the last line it printed. A subprocess,
    because this process's connections are already set up.
    """
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factually.settings",
        "DATABASE_URL": UNREACHABLE_DATABASE_URL,
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0:
        raise AssertionError(result.stderr)
    return result.stdout.strip().splitlines()[-1]
