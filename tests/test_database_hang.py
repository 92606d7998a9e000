"""
A hung database, through a real gunicorn on PostgreSQL: a request that
needs the database gives up at the statement timeout with the 503 page,
and cached pages keep being served meanwhile.
"""

import os
import subprocess
import sys
import threading
import time
import unittest

import psycopg
from django.conf import settings
from django.db import connection
from django.test import SimpleTestCase, TransactionTestCase

from articles.factchecks.publishing import publish
from articles.models import Publication
from tests import servers
from tests.articles.factories import build_article

STATEMENT_TIMEOUT = 1.0  # Seconds, for the server under test.
PRINT_OPTIONS = (
    "import django; django.setup(); from django.conf import settings; "
    "options = settings.DATABASES['default']['OPTIONS']; "
    "print(options['connect_timeout'], options.get('options', ''), sep='|')"
)


def server_database_url():
    database = connection.settings_dict
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    return (
        f"postgres://{database['USER']}{password}@{database['HOST'] or '127.0.0.1'}"
        f":{database['PORT'] or 5432}/{database['NAME']}"
    )


@unittest.skipUnless(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    "a hang is simulated with a PostgreSQL lock: needs DATABASE_URL on PostgreSQL",
)
class DatabaseHangTests(TransactionTestCase):
    host = "factually.test"

    def timed_get(self, server, path, results):
        started = time.monotonic()
        status, headers, body = server.get(path, host=self.host)
        results.append((status, headers, body, time.monotonic() - started))

    def test_uncached_pages_answer_503_at_the_timeout_while_cached_ones_flow(self):
        cached = publish(
            article=build_article(title="Fact check: Is this page cached?"),
            kind="first",
        ).get_absolute_url()
        uncached = publish(
            article=build_article(title="Fact check: Does this page wait?"),
            kind="first",
        ).get_absolute_url()
        env = servers.base_env(
            DATABASE_URL=server_database_url(),
            DATABASE_STATEMENT_TIMEOUT=str(int(STATEMENT_TIMEOUT * 1000)),
        )
        # One worker (its page cache in its memory), with the shipped
        # configuration's threads.
        with servers.gunicorn(env=env, workers=1) as server:
            # A new cache first catches up with the invalidations the
            # database recorded (factually/pagecache/durable.py): the page is
            # stored by the request after that.
            for _ in range(3):
                _, headers, page = server.get(cached, host=self.host)
                if headers["X-Page-Cache"] == "hit":
                    break
            self.assertEqual(headers["X-Page-Cache"], "hit")

            # Another client takes the publications table and keeps it:
            # every query on it waits, as when the database hangs.
            with psycopg.connect(server_database_url()) as holder:
                holder.execute(
                    f"LOCK TABLE {Publication._meta.db_table} IN ACCESS EXCLUSIVE MODE"
                )
                waiting = []
                readers = [
                    threading.Thread(
                        target=self.timed_get, args=(server, uncached, waiting)
                    )
                    for _ in range(3)
                ]
                for reader in readers:
                    reader.start()
                time.sleep(0.3)  # The readers are waiting for the lock now.
                hits = []
                for _ in range(5):
                    self.timed_get(server, cached, hits)
                for reader in readers:
                    reader.join(timeout=30)
                holder.rollback()
            output = server.output()

        for status, headers, body, seconds in hits:
            self.assertEqual(status, 200)
            self.assertEqual(headers["X-Page-Cache"], "hit")
            self.assertEqual(body, page)
            self.assertLess(seconds, 0.5)
        self.assertEqual(len(waiting), 3)
        for status, headers, body, seconds in waiting:
            self.assertEqual(status, 503)
            self.assertEqual(headers["Retry-After"], "30")
            self.assertIn(b"back in a moment", body)
            self.assertLess(seconds, STATEMENT_TIMEOUT + 1.5)
        self.assertIn("statement timeout", output)
        self.assertNotIn("Internal Server Error", output)


class StatementTimeoutSettingsTests(SimpleTestCase):
    def database_options(self, *command, **env):
        environ = {
            **{
                k: v for k, v in os.environ.items() if k != "DATABASE_STATEMENT_TIMEOUT"
            },
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/factually",
            **env,
        }
        result = subprocess.run(
            [sys.executable, *command],
            cwd=settings.BASE_DIR,
            env=environ,
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout.strip().splitlines()[-1]

    def test_requests_give_up_after_five_seconds_by_default(self):
        options = self.database_options("-c", PRINT_OPTIONS)

        self.assertEqual(options, "5|-c statement_timeout=5000")

    def test_the_timeout_comes_from_the_environment(self):
        options = self.database_options(
            "-c", PRINT_OPTIONS, DATABASE_STATEMENT_TIMEOUT="1500"
        )

        self.assertEqual(options, "5|-c statement_timeout=1500")

    def test_commands_are_not_held_to_it(self):
        options = self.database_options("manage.py", "shell", "-c", PRINT_OPTIONS)

        self.assertEqual(options, "5|")
