"""
A frontend cache in front of the site (Varnish, Fastly or Cloudflare),
purged by cache tag whenever the page cache retires pages, so that it may
keep pages for their whole s-maxage and still show a change at once.

Tags. Views tag pages with pagecache.tag() ("fact-check-<slug>", ...);
TagMiddleware adds to every public response SITE_TAG, a tag naming its
path, and one naming the generation key the page hangs on (goal.json's), and
sends them twice: comma-separated in Cache-Tag (read by Cloudflare, and by
Varnish's xkey through deploy/varnish.vcl) and space-separated in
Surrogate-Key (read by Fastly).

Purges. The page cache calls purge_paths(), purge_site() and
purge_generation() where its invalidations take effect, and the purge is
sent once the transaction commits, never inside it (a cache refilled before
the commit would keep the old page). A failed purge is logged and tried
once more; the publish that caused it stands. Each purge is sent again
REPURGE_AFTER seconds later, which catches a page a server was still
rendering from the old state when the first one arrived, and a copy nginx
kept for its second when it sits between Varnish and the app. A purge at a
future moment (a scheduled publication) is a task run at that moment.

Configured from the environment (settings.FRONTEND_CACHE, off when empty):

    varnish:http://127.0.0.1:6081[,http://10.0.0.2:6081]
    fastly       with FASTLY_SERVICE_ID and FASTLY_API_TOKEN
    cloudflare   with CLOUDFLARE_ZONE_ID and CLOUDFLARE_API_TOKEN
"""

import hashlib
import json
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Iterable

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.http import split_header_value

logger = logging.getLogger(__name__)

# Every public page carries it: purging it retires the whole site.
SITE_TAG = "site"
# Seconds a purge request may take before it counts as failed.
TIMEOUT = 5
# Seconds after which every purge is sent a second time (see above); 0: never.
REPURGE_AFTER = 2.0


def _digest(text):
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()[:16]


def path_tag(path: str) -> str:
    """The tag every page at `path` carries ("/fact-checks/x/")."""
    return f"path-{_digest(path)}"


def generation_tag(key: str) -> str:
    """The tag of pages hanging on the generation `key` (goal.json's)."""
    return f"generation-{_digest(key)}"


class TagMiddleware:
    """
    Tag every public response for the frontend cache. Sits below the page
    cache, so that pages it stores carry their tags when served from it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        directives = {
            directive.partition("=")[0].strip().lower()
            for directive in split_header_value(response.get("Cache-Control", ""))
        }
        if "public" not in directives:
            return response
        tags = [t for t in response.get("Cache-Tag", "").split(",") if t]
        tags += [SITE_TAG, path_tag(request.path)]
        if key := getattr(response, "page_cache_generation_key", None):
            tags.append(generation_tag(key))
        tags = list(dict.fromkeys(tags))
        response["Cache-Tag"] = ",".join(tags)
        response["Surrogate-Key"] = " ".join(tags)
        return response


class PurgeFailed(Exception):
    pass


def _send(request: urllib.request.Request) -> bytes:
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        raise PurgeFailed(f"{request.full_url} answered {exc.code}") from exc
    except OSError as exc:
        raise PurgeFailed(f"{request.full_url}: {exc}") from exc


def _chunks(tags, size):
    for start in range(0, len(tags), size):
        yield tags[start : start + size]


class VarnishBackend:
    """
    A PURGE request to each Varnish naming the tags in `xkey-purge`, which
    deploy/varnish.vcl hands to xkey.purge().
    """

    def __init__(self, locations):
        self.locations = locations

    def purge(self, tags):
        for location in self.locations:
            request = urllib.request.Request(
                location.rstrip("/") + "/",
                method="PURGE",
                headers={"xkey-purge": " ".join(tags)},
            )
            _send(request)


class FastlyBackend:
    """Fastly's batch purge by surrogate key (at most 256 a request)."""

    def __init__(self, *, service_id, token, api_url):
        self.url = f"{api_url.rstrip('/')}/service/{service_id}/purge"
        self.token = token

    def purge(self, tags):
        for chunk in _chunks(tags, 256):
            request = urllib.request.Request(
                self.url,
                method="POST",
                data=json.dumps({"surrogate_keys": chunk}).encode(),
                headers={
                    "Fastly-Key": self.token,
                    "Accept": "application/json",
                    "Content-Type": "application/json",
                },
            )
            _send(request)


class CloudflareBackend:
    """Cloudflare's purge by cache tag (at most 30 a request)."""

    def __init__(self, *, zone_id, token, api_url):
        self.url = f"{api_url.rstrip('/')}/zones/{zone_id}/purge_cache"
        self.token = token

    def purge(self, tags):
        for chunk in _chunks(tags, 30):
            request = urllib.request.Request(
                self.url,
                method="POST",
                data=json.dumps({"tags": chunk}).encode(),
                headers={
                    "Authorization": f"Bearer {self.token}",
                    "Content-Type": "application/json",
                },
            )
            answer = _send(request)
            try:
                success = json.loads(answer)["success"]
            except (ValueError, KeyError, TypeError):
                success = False
            if success is not True:
                raise PurgeFailed(f"Cloudflare refused the purge: {answer[:200]!r}")


def _required(*names):
    missing = [name for name in names if not getattr(settings, name)]
    if missing:
        raise ImproperlyConfigured(
            f"FRONTEND_CACHE={settings.FRONTEND_CACHE} needs {', '.join(missing)}."
        )


def backend():
    """The configured backend, or None when there is no frontend cache."""
    name, _, locations = settings.FRONTEND_CACHE.partition(":")
    if not name:
        return None
    if name == "varnish":
        locations = [item.strip() for item in locations.split(",") if item.strip()]
        if not locations:
            raise ImproperlyConfigured(
                "FRONTEND_CACHE=varnish:URL needs Varnish's address, e.g. "
                "varnish:http://127.0.0.1:6081."
            )
        return VarnishBackend(locations)
    if name == "fastly":
        _required("FASTLY_SERVICE_ID", "FASTLY_API_TOKEN")
        return FastlyBackend(
            service_id=settings.FASTLY_SERVICE_ID,
            token=settings.FASTLY_API_TOKEN,
            api_url=settings.FASTLY_API_URL,
        )
    if name == "cloudflare":
        _required("CLOUDFLARE_ZONE_ID", "CLOUDFLARE_API_TOKEN")
        return CloudflareBackend(
            zone_id=settings.CLOUDFLARE_ZONE_ID,
            token=settings.CLOUDFLARE_API_TOKEN,
            api_url=settings.CLOUDFLARE_API_URL,
        )
    raise ImproperlyConfigured(
        f"FRONTEND_CACHE must be varnish:URL, fastly or cloudflare (got {name!r})."
    )


@checks.register(checks.Tags.caches, deploy=False)
def check_configuration(app_configs=None, **kwargs):
    try:
        backend()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="factually.E001")]
    return []


def purge(tags: Iterable[str]) -> bool:
    """
    Purge `tags` now, trying once more on failure; True when purged. A
    failure is logged, never raised: a publish stands whatever the CDN says.
    """
    found = backend()
    tags = list(dict.fromkeys(tags))
    if found is None or not tags:
        return True
    for attempt in (1, 2):
        try:
            found.purge(tags)
            return True
        except Exception as exc:
            log = logger.warning if attempt == 1 else logger.error
            log("Frontend cache purge of %s failed (try %d): %s", tags, attempt, exc)
    return False


def _purge_twice(tags):
    purge(tags)
    if REPURGE_AFTER:
        # Not a daemon: a command that publishes waits for it before exiting.
        threading.Timer(REPURGE_AFTER, purge, args=(tags,)).start()


def _after_commit(tags):
    if settings.FRONTEND_CACHE:
        transaction.on_commit(lambda: _purge_twice(tags), robust=True)


def purge_paths(paths: Iterable[str]) -> None:
    """Purge the pages at `paths` once the current transaction commits."""
    _after_commit([path_tag(path) for path in paths])


def purge_generation(key: str) -> None:
    """Purge the pages hanging on the generation `key` after the commit."""
    _after_commit([generation_tag(key)])


def purge_site(*, at=None) -> None:
    """
    Purge every page once the current transaction commits, or at the moment
    `at` (a scheduled publication's), through a task the worker runs then.
    """
    if not settings.FRONTEND_CACHE:
        return
    if at is None:
        _after_commit([SITE_TAG])
        return
    from django.tasks import default_task_backend

    from .tasks import purge_tags

    def schedule():
        if not default_task_backend.supports_defer:
            logger.error(
                "Cannot purge the frontend cache at %s: the task backend runs "
                "nothing later. Pages stay up to their s-maxage late.",
                at,
            )
            return
        purge_tags.using(run_after=at).enqueue([SITE_TAG])

    transaction.on_commit(schedule, robust=True)
