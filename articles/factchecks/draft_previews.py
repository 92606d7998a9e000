"""
Previews of a draft, rendered once per draft: `articles.factchecks.publishing.preview()`
keeps what it renders in the Django cache under the draft's digest (and the
latest publication it would follow), so the admin preview, the publish
review, the shared link and the change form's live preview render a draft
once, however often they are asked. Any change to what readers would see
changes the digest; a new publication changes the key too.
"""

from collections.abc import Callable

from django.core.cache import cache

from articles.factchecks.schema import SCHEMA_VERSION
from articles.factchecks.shape import Draft

# Long enough to serve a review session; short enough that the preview's
# "as if published now" dates and the problems found stay close to now.
PREVIEW_CACHE_SECONDS = 10 * 60


def cache_key(draft: Draft, latest) -> str:
    return (
        f"articles:preview:v{SCHEMA_VERSION}:{draft.article.pk or 'new'}:"
        f"{latest.pk if latest else 0}:{draft.digest()}"
    )


def cached(draft: Draft, latest, render: Callable):
    """What `render()` returns for this draft, from the cache when it was rendered."""
    key = cache_key(draft, latest)
    found = cache.get(key)
    if found is None:
        found = render()
        cache.set(key, found, PREVIEW_CACHE_SECONDS)
    return found
