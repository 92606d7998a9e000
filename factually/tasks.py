"""Background work of the serving layer, run by `manage.py db_worker`."""

from django.tasks import task

from . import frontendcache


@task()
def purge_tags(tags: list[str]) -> bool:
    """Purge `tags` from the frontend cache (a scheduled publication's moment)."""
    return frontendcache.purge(tags)
