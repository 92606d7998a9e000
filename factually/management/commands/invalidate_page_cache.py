from django.core.management.base import BaseCommand, CommandError

from donations import tracker
from factually import pagecache


class Command(BaseCommand):
    """
    Retire cached pages: every page (the default, which `make serve` runs
    on each deploy, since templates and static files may have changed), or
    only those at the paths given.

        python manage.py invalidate_page_cache
        python manage.py invalidate_page_cache /about/team/ /fact-checks/some-slug/
    """

    help = "Retire every cached page, or the pages at the paths given."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="paths such as /about/team/")

    def handle(self, *args, paths, **options):
        wrong = [path for path in paths if not path.startswith("/")]
        if wrong:
            raise CommandError(
                f"A path starts with / (as in /about/team/): {', '.join(wrong)}"
            )
        if paths:
            pagecache.invalidate(*paths)
            self.stdout.write(f"Retired the cached pages at {len(paths)} path(s).")
        else:
            pagecache.invalidate_all()
            # And again when the current campaign starts or ends.
            tracker.schedule_campaign_times()
            self.stdout.write("Retired every cached page.")
