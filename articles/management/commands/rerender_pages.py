"""
Render again, and store, every published version whose page HTML another
release made (articles.factchecks.prerendered_pages.release_key()), so that readers never wait
for it and a GET never writes. `make serve` runs it before gunicorn starts.

It is idempotent and resumable: it only picks versions still stale, and
commits each batch as it goes, so a second run does nothing and an
interrupted run continues where it stopped.

    python manage.py rerender_pages
    python manage.py rerender_pages --dry-run
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.factchecks.prerendered_pages import release_key, rerender
from articles.factchecks.publications import Publication


class Command(BaseCommand):
    help = "Render again the versions the current release did not render."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=50, help="versions per transaction"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="count them, change nothing"
        )

    def handle(self, *args, batch_size, dry_run, **options):
        stale = (
            Publication.objects.exclude(rendered_with=release_key())
            .exclude(kind=Publication.Kind.WITHDRAWAL)
            .order_by("pk")
        )
        if dry_run:
            self.stdout.write(f"{stale.count()} version(s) to render again.")
            return
        done, after = 0, 0
        while True:
            with transaction.atomic():
                # Locked, so that two deploys running at once split the work.
                batch = list(
                    stale.filter(pk__gt=after).select_for_update(skip_locked=True)[
                        :batch_size
                    ]
                )
                for publication in batch:
                    rerender(publication)
            if not batch:
                break
            done += len(batch)
            after = batch[-1].pk
            if options["verbosity"] > 1:
                self.stdout.write(f"Rendered {done} version(s)…")
        style = self.style.SUCCESS if done else self.style.NOTICE
        self.stdout.write(style(f"Rendered {done} version(s) by this release."))
