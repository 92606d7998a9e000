"""
Delete the email addresses readers left on /ask/ once they are older than
the retention period stated on the form (articles.readers.asking.EMAIL_RETENTION_DAYS).
Run it daily, e.g. from cron: `python manage.py purge_reader_emails`.
"""

from django.core.management.base import BaseCommand

from articles.readers import asking


class Command(BaseCommand):
    help = (
        "Delete reader question emails older than the retention period "
        f"({asking.EMAIL_RETENTION_DAYS} days)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say how many addresses would be deleted, and delete none.",
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        expired = asking.expired_emails()
        if verbosity >= 2:
            for question in expired.only("pk", "created_at"):
                self.stdout.write(
                    f"Question {question.pk}, received {question.created_at:%Y-%m-%d}"
                )
        if dry_run:
            count = expired.count()
            self.stdout.write(f"{count} email addresses would be deleted (dry run).")
            return
        count = asking.purge_expired_emails()
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(f"{count} email addresses deleted."))
