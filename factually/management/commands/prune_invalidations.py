"""
Delete old rows of the durable invalidation record (factually.Invalidation).

Every change that retires cached pages adds a row, and the page cache only
ever reads the latest one and those scheduled at a moment still to come
(factually/pagecache/durable.py), so the rest are history that grows with
every publish. This keeps the last --days days of it (7 by default), and
always the latest row and the scheduled ones that still matter, whatever
their age. `make serve` runs it on each deploy; run it daily from cron too.

    python manage.py prune_invalidations
    python manage.py prune_invalidations --days 1 --dry-run
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from factually.pagecache import durable


class Command(BaseCommand):
    help = "Delete recorded page cache invalidations older than --days."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=7,
            help="keep the rows of this many days (default 7)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="say how many rows would go, and delete none",
        )

    def handle(self, *args, days, dry_run, **options):
        if days < 0:
            raise CommandError(f"--days counts days to keep: 0 or more, not {days}.")
        before = timezone.now() - timedelta(days=days)
        if dry_run:
            count = durable.prunable(before).count()
            message = f"Would delete {count} recorded invalidation(s) older than {days} day(s)."
        else:
            count = durable.prune(before=before)
            message = (
                f"Deleted {count} recorded invalidation(s) older than {days} day(s)."
            )
        if options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS(message))
