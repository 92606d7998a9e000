import tempfile
from datetime import timedelta
from io import StringIO
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from django.utils import timezone

from donations.forms import READER_AMOUNT_MESSAGES, parse_amount
from donations.imports import import_donations
from donations.models import Donation, Supporter

from .factories import fundraiser

# What Python's Decimal() or int() would read as a number, and a lenient form
# accepted, with what the message says to do instead.
LENIENT_AMOUNTS = {
    "1e6": "in full, without an exponent",
    "2.5E3": "in full, without an exponent",
    "1_000": "without thousands separators",
    "1,000": "without thousands separators",
    "1 000": "without thousands separators",
    "١٠": "with the digits 0 to 9",
    "５": "with the digits 0 to 9",
    "२५.००": "with the digits 0 to 9",
    "+5": "without a sign",
    "-5": "without a sign",
    "−5": "without a sign",
    "12.345": "with at most 2 decimal places",
}
OTHER_BAD_AMOUNTS = ["lots", "Infinity", "NaN", "0x10", ".5", "5.", "25,00", "$25", ""]


class ParseAmountTests(SimpleTestCase):
    def test_plain_decimals_become_minor_units(self):
        for text, cents in [
            ("25", 2500),
            ("25.5", 2550),
            ("25.00", 2500),
            ("0.01", 1),
            ("007.50", 750),
            ("1000000", 100_000_000),
            ("1000000.00", 100_000_000),
        ]:
            with self.subTest(text=text):
                self.assertEqual(parse_amount(text), cents)

    def test_lenient_numbers_are_refused_with_what_to_write(self):
        for text, reason in LENIENT_AMOUNTS.items():
            with (
                self.subTest(text=text),
                self.assertRaisesMessage(
                    ValidationError,
                    f"Write the amount like 25.00, {reason} (not “{text}”).",
                ),
            ):
                parse_amount(text)

    def test_other_rubbish_is_refused(self):
        for text in OTHER_BAD_AMOUNTS:
            with (
                self.subTest(text=text),
                self.assertRaisesMessage(
                    ValidationError, "Write the amount like 25.00"
                ),
            ):
                parse_amount(text)

    def test_amounts_out_of_range_are_refused(self):
        for text in ["0", "0.00", "1000000.01", "99999999999999999999"]:
            with (
                self.subTest(text=text),
                self.assertRaisesMessage(
                    ValidationError,
                    "The amount must be more than zero and at most 1,000,000.",
                ),
            ):
                parse_amount(text)

    def test_a_long_amount_is_shortened_in_the_message(self):
        text = "1e" + "1" * 100

        with self.assertRaisesMessage(ValidationError, f"(not “{text[:20]}…”)."):
            parse_amount(text)


class ReaderAmountTests(SimpleTestCase):
    """The support page's amounts: the staff rules, in the reader's words."""

    def parse(self, text, maximum=10_000_00):
        return parse_amount(
            text, minimum=100, maximum=maximum, messages=READER_AMOUNT_MESSAGES
        )

    def test_plain_decimals_become_minor_units(self):
        for text, cents in [("5", 500), ("12.5", 1250), ("12.50", 1250)]:
            with self.subTest(text=text):
                self.assertEqual(self.parse(text), cents)

    def test_what_staff_may_not_write_readers_may_not_either(self):
        for text in [*LENIENT_AMOUNTS, *OTHER_BAD_AMOUNTS]:
            with self.subTest(text=text), self.assertRaises(ValidationError) as caught:
                self.parse(text)
            self.assertIn(caught.exception.code, ("invalid", "precision"))

    def test_each_refusal_has_the_readers_message(self):
        for text, code in [
            ("1,000", "invalid"),
            ("1e6", "invalid"),
            ("5.001", "precision"),
            ("0.99", "min_value"),
            ("10000.01", "max_value"),
        ]:
            with self.subTest(text=text), self.assertRaises(ValidationError) as caught:
                self.parse(text)
            self.assertEqual(caught.exception.code, code)
            self.assertEqual(
                caught.exception.message,
                READER_AMOUNT_MESSAGES[code] % {"minimum": "1", "maximum": "10,000"},
            )

    def test_the_limits_are_inclusive(self):
        self.assertEqual(self.parse("1.00"), 100)
        self.assertEqual(self.parse("10000"), 10_000_00)


class OfflineGiftAmountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = fundraiser()

    def setUp(self):
        self.client.force_login(self.user)

    def post(self, amount):
        received = timezone.now() - timedelta(days=1)
        return self.client.post(
            reverse("admin:donations_donation_add"),
            {
                "email": "ada@example.org",
                "amount": amount,
                "currency": "USD",
                "kind": "one_off",
                "received_at_0": received.strftime("%Y-%m-%d"),
                "received_at_1": received.strftime("%H:%M:%S"),
                "provider_id": "chq-1",
            },
        )

    def test_lenient_amounts_get_a_message_and_record_nothing(self):
        for text, reason in LENIENT_AMOUNTS.items():
            with self.subTest(text=text):
                response = self.post(text)

                self.assertContains(
                    response, f"Write the amount like 25.00, {reason} (not “{text}”)."
                )
        self.assertIs(Donation.objects.exists(), False)
        self.assertIs(Supporter.objects.exists(), False)

    def test_the_form_says_how_to_write_an_amount(self):
        response = self.client.get(reverse("admin:donations_donation_add"))

        self.assertContains(response, "written like 25.00: digits, a point and at")

    def test_a_plain_amount_is_recorded_in_cents(self):
        self.post("1000.5")

        self.assertEqual(Donation.objects.get().amount, 100_050)


def csv_rows(*amounts):
    header = "provider_id,email,amount,currency,received_at\n"
    rows = "".join(
        f"bank-{n},donor{n}@example.org,{amount},USD,2026-01-05\n"
        for n, amount in enumerate(amounts)
    )
    return (header + rows).encode()


class ImportAmountTests(TestCase):
    def test_lenient_amounts_in_a_csv_file_are_rejected_row_by_row(self):
        amounts = [f'"{text}"' for text in LENIENT_AMOUNTS]

        report = import_donations(content=csv_rows("25.00", *amounts))

        self.assertEqual(report.imported, 1)
        self.assertEqual(report.rejected, len(LENIENT_AMOUNTS))
        for row, (text, reason) in zip(
            report.rows[1:], LENIENT_AMOUNTS.items(), strict=True
        ):
            self.assertEqual(
                row.message,
                f"amount: Write the amount like 25.00, {reason} (not “{text}”).",
            )
        self.assertEqual(Donation.objects.get().amount, 2500)

    def test_the_command_reports_lenient_amounts_and_fails(self):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder, "gifts.csv")
            path.write_bytes(csv_rows("25.00", "1e6", "١٠"))
            out = StringIO()

            with self.assertRaisesMessage(CommandError, "2 rows were rejected"):
                call_command("import_donations", path, stdout=out)

        self.assertIn(
            "Line 3: rejected. amount: Write the amount like 25.00, in full, without "
            "an exponent (not “1e6”).",
            out.getvalue(),
        )
        self.assertIn("with the digits 0 to 9 (not “١٠”)", out.getvalue())
        self.assertEqual(Donation.objects.count(), 1)
