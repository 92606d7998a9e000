"""
Email the Fundraising group yesterday's figures: gifts and money by
currency, new supporters, refunds, failed monthly payments, and the current
campaign's progress.

Schedule it once a day (cron: `15 7 * * * manage.py send_fundraising_digest`).
Each day's digest is recorded once and sent by the task worker, which
retries it through a mail outage; running the command twice for the same
day sends one email. `--date` picks another day, `--dry-run` prints the
figures and sends nothing.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from donations import emails
from donations.dashboard import daily_digest
from donations.models import OutgoingEmail


class Command(BaseCommand):
    help = "Email the Fundraising group a digest of one day's donations."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="The day to report, as YYYY-MM-DD (default: yesterday).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the figures; send nothing."
        )

    def handle(self, *args, date=None, dry_run=False, verbosity=1, **options):
        if date:
            try:
                day = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(
                    f"--date must be YYYY-MM-DD, not {date!r}."
                ) from None
        else:
            day = timezone.localdate() - datetime.timedelta(days=1)
        if day >= timezone.localdate():
            raise CommandError("The day must be over before it can be reported.")
        figures = daily_digest(day)
        if dry_run or verbosity > 1:
            self.stdout.write(f"Digest for {day}:")
            for row in figures["by_currency"]:
                self.stdout.write(f"  {row['gifts']} gift(s), {row['total']}")
            self.stdout.write(f"  {figures['new_supporters']} new supporter(s)")
            self.stdout.write(f"  {figures['refunds']} refund(s)")
        if dry_run:
            self.stdout.write("Nothing sent (dry run).")
            return
        recipients = emails.fundraising_recipients()
        if not recipients:
            raise CommandError(
                "No active Fundraising staff member has an email address."
            )
        with transaction.atomic():
            owed = emails.owe(
                kind=OutgoingEmail.Kind.DIGEST,
                reference=f"digest:{day.isoformat()}",
                context={"digest": figures},
            )
        if not owed:
            self.stdout.write(
                self.style.WARNING(f"The digest for {day} was already sent.")
            )
        elif verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Digest for {day} queued for {len(recipients)} recipient(s)."
                )
            )
