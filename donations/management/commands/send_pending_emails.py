"""
Enqueue every email to supporters or staff that is still owed.

Each email is enqueued when the payment that owes it commits, and a failed
send enqueues its own retry, so this is the safety net: it also catches an
email whose enqueue was lost (the task store down at that moment) or whose
worker died mid-send. Run it from cron every few minutes, or after a mail
outage to retry at once. `--dry-run` only counts.
"""

from django.core.management.base import BaseCommand

from donations import emails
from donations.models import OutgoingEmail


class Command(BaseCommand):
    help = "Enqueue every email still owed to supporters or staff."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what is owed; send nothing."
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        if dry_run:
            count = OutgoingEmail.objects.pending().count()
            self.stdout.write(f"{count} email(s) owed; nothing enqueued (dry run).")
            return
        count = emails.send_pending()
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Enqueued {count} owed email(s)."))
