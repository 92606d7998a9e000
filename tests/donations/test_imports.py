import tempfile
from datetime import timedelta
from io import StringIO
from pathlib import Path
from unittest import mock

from django.contrib.admin.models import ADDITION, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse

from donations import tracker
from donations.admin.forms import DonationImportForm
from donations.imports import RowResult, import_donations
from donations.models import Donation, Supporter

from .factories import CampaignFactory, DonationFactory, fundraiser

HEADER = "provider_id,email,amount,currency,received_at,kind,display_name,receipt\n"


def csv_file(*rows, header=HEADER):
    return (header + "".join(row + "\n" for row in rows)).encode()


class ImportDonationsTests(TestCase):
    def test_rows_are_imported(self):
        report = import_donations(
            content=csv_file(
                "bank-1,ada@example.org,25.00,usd,2026-01-05,one_off,,",
                "bank-2,grace@example.org,10,EUR,2026-01-06T10:30:00Z,recurring,Grace,yes",
            )
        )

        self.assertEqual(
            report.summary(), "2 imported, 0 already recorded, 0 rejected."
        )
        ada, grace = Donation.objects.order_by("provider_id")
        self.assertEqual(
            (ada.amount, ada.currency, ada.origin), (2500, "USD", "import")
        )
        self.assertEqual((grace.amount, grace.kind), (1000, "recurring"))
        self.assertEqual(grace.supporter.display_name, "Grace")
        self.assertEqual(grace.supporter.email, "grace@example.org")
        self.assertEqual(ada.supporter.email, "")

    def test_importing_the_same_file_twice_changes_nothing(self):
        content = csv_file("bank-1,ada@example.org,25.00,USD,2026-01-05,,,")
        import_donations(content=content)

        report = import_donations(content=content)

        self.assertEqual(
            report.summary(), "0 imported, 1 already recorded, 0 rejected."
        )
        self.assertEqual(report.rows[0].status, RowResult.SKIPPED)
        self.assertIn("bank-1 is already recorded", report.rows[0].message)
        self.assertEqual(Donation.objects.count(), 1)

    def test_a_provider_id_recorded_by_a_webhook_is_skipped(self):
        DonationFactory(provider_id="pi_1", origin=Donation.Origin.STRIPE)

        report = import_donations(
            content=csv_file("pi_1,ada@example.org,25.00,USD,2026-01-05,,,")
        )

        self.assertEqual(report.skipped, 1)
        self.assertEqual(Donation.objects.count(), 1)

    def test_each_bad_row_is_rejected_with_its_reason_and_good_rows_import(self):
        report = import_donations(
            content=csv_file(
                "ok-1,ada@example.org,25.00,USD,2026-01-05,,,",
                "bad-1,grace@example.org,1e9,USD,2026-01-05,,,",
                "bad-2,grace@example.org,0.00,USD,2026-01-05,,,",
                "bad-3,grace@example.org,2000000.00,USD,2026-01-05,,,",
                "bad-4,grace@example.org,25.00,XYZ,2026-01-05,,,",
                "bad-5,not-an-email,25.00,USD,2026-01-05,,,",
                "bad-6,grace@example.org,25.00,USD,yesterday,,,",
                "bad-7,grace@example.org,25.00,USD,2999-01-01,,,",
                "bad-8,grace@example.org,25.00,USD,2026-01-05,monthly,,",
                "bad-9,grace@example.org,25.00,USD,2026-01-05,,,maybe",
                ",grace@example.org,25.00,USD,2026-01-05,,,",
                "bad-10,grace@example.org,25.00",
                "bad-11,grace@example.org,25.00,USD,2026-01-05,,,,extra",
                "ok-2,linus@example.org,5,usd,2026-01-05,,,",
            )
        )

        self.assertEqual(report.imported, 2)
        self.assertEqual(report.rejected, 12)
        reasons = {row.line: row.message for row in report.rows}
        self.assertIn("Write the amount like 25.00", reasons[3])
        self.assertIn("more than zero", reasons[4])
        self.assertIn("at most 1,000,000", reasons[5])
        self.assertIn("currency: Select a valid choice", reasons[6])
        self.assertIn("email: Enter a valid email address", reasons[7])
        self.assertIn("received_at: Enter a valid date/time", reasons[8])
        self.assertIn("in the future", reasons[9])
        self.assertIn("kind: Select a valid choice", reasons[10])
        self.assertIn("receipt: Write yes or no", reasons[11])
        self.assertIn("provider_id: This field is required", reasons[12])
        self.assertIn("fewer fields than the header", reasons[13])
        self.assertIn("more fields than the header", reasons[14])
        self.assertQuerySetEqual(
            Donation.objects.order_by("provider_id").values_list(
                "provider_id", flat=True
            ),
            ["ok-1", "ok-2"],
        )
        # Rejected rows left no supporter behind.
        self.assertEqual(Supporter.objects.count(), 2)

    def test_missing_columns_import_nothing(self):
        report = import_donations(
            content=csv_file(
                "bank-1,ada@example.org,25.00", header="provider_id,email,amount\n"
            )
        )

        self.assertEqual(
            report.summary(),
            "Nothing imported: the header lacks the column(s) currency, received_at.",
        )
        self.assertIs(Donation.objects.exists(), False)

    def test_file_that_is_not_utf8_imports_nothing(self):
        report = import_donations(content=b"provider_id,email\n\xff\xfe")

        self.assertEqual(report.error, "the file is not UTF-8 text.")

    def test_dry_run_reports_and_imports_nothing(self):
        report = import_donations(
            content=csv_file("bank-1,ada@example.org,25.00,USD,2026-01-05,,,"),
            dry_run=True,
        )

        self.assertEqual(
            report.summary(), "1 would be imported, 0 already recorded, 0 rejected."
        )
        self.assertIs(Donation.objects.exists(), False)
        self.assertIs(Supporter.objects.exists(), False)

    def test_header_from_a_spreadsheet_with_bom_and_capitals_is_understood(self):
        content = "\ufeffProvider_ID, Email ,Amount,Currency,Received_At\nb-1,a@example.org,5,USD,2026-01-05\n"

        report = import_donations(content=content.encode())

        self.assertEqual(report.imported, 1, report.rows)

    def test_import_refreshes_the_tracker(self):
        campaign = CampaignFactory(is_current=True)
        self.assertEqual(tracker.current().supporters, 0)
        received = campaign.starts_at + timedelta(hours=1)
        row = f"bank-1,ada@example.org,25.00,USD,{received.isoformat()},,,"

        with self.captureOnCommitCallbacks(execute=True):
            report = import_donations(content=csv_file(row))

        self.assertEqual(report.imported, 1, report.rows)
        self.assertEqual(tracker.current().supporters, 1)


class ImportDonationsCommandTests(TestCase):
    def write(self, content):
        path = Path(tempfile.mkdtemp()) / "donations.csv"
        path.write_bytes(content)
        return path

    def test_command_imports_and_reports_rejected_rows(self):
        path = self.write(
            csv_file(
                "bank-1,ada@example.org,25.00,USD,2026-01-05,,,",
                "bank-2,grace@example.org,lots,USD,2026-01-05,,,",
            )
        )
        out = StringIO()

        with self.assertRaisesMessage(
            CommandError,
            "1 row was rejected (see above); fix it and import the file again.",
        ):
            call_command("import_donations", path, stdout=out)

        self.assertIn(
            "Line 3: rejected. amount: Write the amount like 25.00", out.getvalue()
        )
        self.assertIn("1 imported, 0 already recorded, 1 rejected.", out.getvalue())
        self.assertEqual(Donation.objects.count(), 1)

    def test_exit_status_is_1_when_a_row_is_rejected(self):
        path = self.write(
            csv_file(
                "bank-1,ada@example.org,25.00,USD,2026-01-05,,,",
                "bank-2,grace@example.org,1e6,USD,2026-01-05,,,",
                "bank-3,linus@example.org,+5,USD,2026-01-05,,,",
            )
        )

        # manage.py exits with a CommandError's returncode.
        with self.assertRaisesMessage(CommandError, "2 rows were rejected") as caught:
            call_command("import_donations", path, stdout=StringIO())

        self.assertEqual(caught.exception.returncode, 1)
        self.assertEqual(Donation.objects.count(), 1)

    def test_exit_status_is_1_when_a_dry_run_finds_a_rejected_row(self):
        path = self.write(csv_file("bank-2,grace@example.org,1e6,USD,2026-01-05,,,"))

        with self.assertRaisesMessage(CommandError, "1 row was rejected") as caught:
            call_command("import_donations", path, "--dry-run", stdout=StringIO())

        self.assertEqual(caught.exception.returncode, 1)
        self.assertIs(Donation.objects.exists(), False)

    def test_no_error_when_every_row_is_recorded_or_skipped(self):
        DonationFactory(provider_id="bank-1")
        path = self.write(
            csv_file(
                "bank-1,ada@example.org,25.00,USD,2026-01-05,,,",
                "bank-2,grace@example.org,10,USD,2026-01-05,,,",
            )
        )
        out = StringIO()

        call_command("import_donations", path, stdout=out)

        self.assertIn("1 imported, 1 already recorded, 0 rejected.", out.getvalue())
        self.assertEqual(Donation.objects.count(), 2)

    def test_dry_run_imports_nothing(self):
        path = self.write(csv_file("bank-1,ada@example.org,25.00,USD,2026-01-05,,,"))
        out = StringIO()

        call_command("import_donations", path, "--dry-run", stdout=out)

        self.assertIn("1 would be imported", out.getvalue())
        self.assertIs(Donation.objects.exists(), False)

    def test_unusable_file_is_an_error(self):
        path = self.write(b"name,amount\nAda,5\n")

        with self.assertRaisesMessage(CommandError, "the header lacks the column(s)"):
            call_command("import_donations", path, stdout=StringIO())

    def test_missing_file_is_an_error(self):
        with self.assertRaisesMessage(CommandError, "Cannot read"):
            call_command("import_donations", "/nonexistent/donations.csv")


class ImportAdminPageTests(TestCase):
    url = reverse("admin:donations_donation_import")

    @classmethod
    def setUpTestData(cls):
        cls.user = fundraiser()

    def setUp(self):
        self.client.force_login(self.user)

    def upload(self, content, **data):
        return self.client.post(
            self.url, {"file": SimpleUploadedFile("donations.csv", content), **data}
        )

    def test_upload_shows_a_per_row_report_and_logs_additions(self):
        response = self.upload(
            csv_file(
                "bank-1,ada@example.org,25.00,USD,2026-01-05,,,",
                "bank-2,grace@example.org,25.00,XYZ,2026-01-05,,,",
            )
        )

        self.assertContains(response, "1 imported, 0 already recorded, 1 rejected.")
        self.assertContains(
            response,
            '<tr class="import-report__rejected"><td>3</td><td>Rejected</td>'
            "<td>currency: Select a valid choice. XYZ is not one of the available choices.</td></tr>",
            html=True,
        )
        donation = Donation.objects.get()
        entry = LogEntry.objects.get()
        self.assertEqual(
            (entry.action_flag, entry.object_id), (ADDITION, str(donation.pk))
        )

    def test_dry_run_upload_imports_nothing(self):
        response = self.upload(
            csv_file("bank-1,ada@example.org,25.00,USD,2026-01-05,,,"), dry_run="on"
        )

        self.assertContains(response, "1 would be imported")
        self.assertIs(Donation.objects.exists(), False)
        self.assertIs(LogEntry.objects.exists(), False)

    def test_oversized_upload_is_refused(self):
        response = self.upload(HEADER.encode() + b"x" * (1024 * 1024 + 1))

        self.assertContains(
            response,
            "The file is larger than 1 MB: split it, or import it with "
            "“python manage.py import_donations”.",
        )
        self.assertIs(Donation.objects.exists(), False)

    def test_the_form_states_the_row_limit_and_the_command(self):
        response = self.client.get(self.url)

        self.assertContains(response, "At most 1,000 rows (1 MB) at a time")
        self.assertContains(response, "“python manage.py import_donations”")

    def test_an_upload_of_more_rows_than_the_admin_takes_imports_nothing(self):
        rows = [
            f"bank-{n},donor{n}@example.org,5,USD,2026-01-05,,,"
            for n in range(DonationImportForm.MAX_ROWS + 1)
        ]

        response = self.upload(csv_file(*rows))

        self.assertContains(
            response, "Nothing imported: the file has more than 1,000 rows; split it."
        )
        self.assertIs(Donation.objects.exists(), False)


class ImportCommandLimitTests(TestCase):
    def test_the_command_is_not_held_to_the_admin_row_limit(self):
        path = Path(tempfile.mkdtemp()) / "donations.csv"
        path.write_bytes(
            csv_file(
                *(f"bank-{n},a{n}@example.org,5,USD,2026-01-05,,," for n in range(3))
            )
        )
        out = StringIO()

        with mock.patch.object(DonationImportForm, "MAX_ROWS", 2):
            call_command("import_donations", path, stdout=out)

        self.assertIn("3 imported, 0 already recorded, 0 rejected.", out.getvalue())
