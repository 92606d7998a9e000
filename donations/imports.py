"""
Importing donations from a CSV file (the import_donations command and the
admin's import page).

Each row is recorded whole or not at all, and a provider id already on record
is skipped, so the same file can be imported twice. The report says, row by
row, what was imported, skipped or rejected, and why.
"""

import csv
import io
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit.models import AuditEntry

from . import payments
from .forms import DonationRowForm
from .models import Donation

REQUIRED_COLUMNS = ["provider_id", "email", "amount", "currency", "received_at"]
OPTIONAL_COLUMNS = ["kind", "display_name", "receipt"]
# What the import_donations command takes in one run. The admin's import page
# takes far fewer (DonationImportForm.MAX_ROWS), since it runs in a request.
MAX_ROWS = 50_000
MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class RowResult:
    IMPORTED = "imported"
    SKIPPED = "skipped"
    REJECTED = "rejected"

    line: int
    status: str
    message: str
    donation_id: int | None = None


@dataclass
class ImportReport:
    rows: list[RowResult] = field(default_factory=list)
    error: str = ""
    dry_run: bool = False

    def count(self, status):
        return sum(1 for row in self.rows if row.status == status)

    @property
    def imported(self):
        return self.count(RowResult.IMPORTED)

    @property
    def skipped(self):
        return self.count(RowResult.SKIPPED)

    @property
    def rejected(self):
        return self.count(RowResult.REJECTED)

    def summary(self):
        if self.error:
            return _("Nothing imported: %(error)s") % {"error": self.error}
        counts = {
            "imported": self.imported,
            "skipped": self.skipped,
            "rejected": self.rejected,
        }
        if self.dry_run:
            return (
                _(
                    "%(imported)s would be imported, %(skipped)s already recorded, "
                    "%(rejected)s rejected."
                )
                % counts
            )
        return (
            _(
                "%(imported)s imported, %(skipped)s already recorded, %(rejected)s rejected."
            )
            % counts
        )


def import_donations(
    *,
    content: bytes,
    dry_run: bool = False,
    max_rows: int = MAX_ROWS,
    user=None,
    filename: str = "",
) -> ImportReport:
    """
    Record the donations in a CSV file's content; see the module docstring.
    A file of more than `max_rows` rows is refused whole. An import that ran
    (not a dry run) is recorded in the audit trail with `user` (None for the
    command).
    """
    report = ImportReport(dry_run=dry_run)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.error = "the file is not UTF-8 text."
        return report
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in reader.fieldnames or []]
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        report.error = _("the file is not valid CSV (%(error)s).") % {"error": exc}
        return report
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        report.error = _("the header lacks the column(s) %(columns)s.") % {
            "columns": ", ".join(missing)
        }
        return report
    if len(set(header)) != len(header):
        report.error = _("the header names a column twice.")
        return report
    if len(rows) > max_rows:
        report.error = _("the file has more than %(max)s rows; split it.") % {
            "max": f"{max_rows:,}"
        }
        return report
    with transaction.atomic():
        for line, row in rows:
            report.rows.append(_import_row(line, header, row))
        if dry_run:
            transaction.set_rollback(True)
        else:
            AuditEntry.objects.record(
                area=AuditEntry.Area.FUNDRAISING,
                action="donations.imported",
                message=f"Imported donations from {filename or 'a CSV file'}: "
                f"{report.summary()}",
                user=user,
                details={
                    "file": filename,
                    "imported": report.imported,
                    "skipped": report.skipped,
                    "rejected": report.rejected,
                    "donation_ids": [
                        r.donation_id for r in report.rows if r.donation_id
                    ],
                },
            )
    return report


def _import_row(line, header, row):
    # DictReader keys the row by the raw header; re-key it by the clean one.
    values = list(row.values())
    if None in row:
        return RowResult(
            line, RowResult.REJECTED, _("The row has more fields than the header.")
        )
    if any(value is None for value in values):
        return RowResult(
            line, RowResult.REJECTED, _("The row has fewer fields than the header.")
        )
    form = DonationRowForm(dict(zip(header, values, strict=True)))
    if not form.is_valid():
        problems = "; ".join(
            f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()
        )
        return RowResult(line, RowResult.REJECTED, problems)
    try:
        donation, created = payments.record_donation(
            origin=Donation.Origin.IMPORT, **form.donation_fields()
        )
    except (payments.DonationError, IntegrityError) as exc:
        return RowResult(line, RowResult.REJECTED, str(exc))
    if not created:
        return RowResult(
            line,
            RowResult.SKIPPED,
            _("%(reference)s is already recorded (donation #%(id)s).")
            % {"reference": form.cleaned_data["provider_id"], "id": donation.pk},
        )
    return RowResult(
        line,
        RowResult.IMPORTED,
        _("Donation #%(id)s.") % {"id": donation.pk},
        donation.pk,
    )
