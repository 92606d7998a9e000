"""
Import donations from a CSV file, such as a payment provider's export or a
spreadsheet of gifts received by post.

Each row is recorded whole or not at all, a provider id already on record is
skipped (so running the same file twice is harmless), and every rejected row
is reported with the reason. --dry-run reports without importing.

The command exits with status 1 when any row is rejected (or the file cannot
be read), so that a script or a scheduled job notices; the rows that were
not rejected are recorded all the same, and importing the corrected file
again skips them.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from donations.imports import MAX_BYTES, RowResult, import_donations


class Command(BaseCommand):
    help = (
        "Import donations from a CSV file; see the admin's import page for the columns."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The CSV file to import.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be imported, and import nothing.",
        )

    def handle(self, *args, path, dry_run, verbosity, **options):
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"{path} is larger than 10 MB; split it.")
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        report = import_donations(content=content, dry_run=dry_run, filename=path.name)
        if report.error:
            raise CommandError(report.summary())
        styles = {
            RowResult.IMPORTED: self.style.SUCCESS,
            RowResult.SKIPPED: self.style.WARNING,
            RowResult.REJECTED: self.style.ERROR,
        }
        for row in report.rows:
            if verbosity >= 2 or row.status == RowResult.REJECTED:
                self.stdout.write(
                    styles[row.status](f"Line {row.line}: {row.status}. {row.message}")
                )
        style = self.style.ERROR if report.rejected else self.style.SUCCESS
        if verbosity >= 1:
            self.stdout.write(style(report.summary()))
        if report.rejected:
            raise CommandError(
                ngettext(
                    "%(count)d row was rejected (see above); fix it and import the "
                    "file again.",
                    "%(count)d rows were rejected (see above); fix them and import "
                    "the file again.",
                    report.rejected,
                )
                % {"count": report.rejected}
            )
