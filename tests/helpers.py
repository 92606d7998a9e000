import os
import subprocess
import sys

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

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
        # The page cache's reader of recorded invalidations would log, from
        # its own thread, that the database is down, in the middle of what
        # the script prints.
        "PAGE_CACHE_DURABLE_INTERVAL": "0",
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


# Admin pages are not public (they answer anonymous readers with a redirect
# to the login page), except these.
PUBLIC_ADMIN_URLS = ["admin:login", "admin:index"]


def url_patterns(patterns, prefix=""):
    """(name, {argument: converter}) for every named URL in `patterns`, recursively."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from url_patterns(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            if isinstance(entry.pattern, RoutePattern):
                yield f"{prefix}{entry.name}", entry.pattern.converters
            elif not entry.pattern.regex.groups:
                yield f"{prefix}{entry.name}", {}
            # A regex with groups (the admin's recover view) has no converter
            # to make an argument up for; it is left out.


def public_urls(arguments):
    """
    Every public URL of the site, its arguments taken from `arguments` (real
    ones, by URL name) or made up to fit the converter.
    """
    made_up = {
        "IntConverter": 999_999,
        "SlugConverter": "no-such-slug",
        "StringConverter": "nothing-here",
        "PathConverter": "social/no-such-card.png",
    }
    urls = set()
    for name, converters in url_patterns(get_resolver().url_patterns):
        if name.startswith("admin:") and name not in PUBLIC_ADMIN_URLS:
            continue
        kwargs = arguments.get(name)
        if kwargs is None:
            kwargs = {
                key: made_up[type(converter).__name__]
                for key, converter in converters.items()
            }
        urls.add(reverse(name, kwargs=kwargs))
    return sorted(urls)
