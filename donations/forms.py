import re

from django import forms
from django.contrib.admin import widgets
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Currency, Donation, Supporter

# Every accepted Currency has two decimal places: cents, pence, rappen.
MINOR_DIGITS = 2
PLAIN_AMOUNT = re.compile(
    rf"(?P<units>[0-9]+)(?:\.(?P<minor>[0-9]{{1,{MINOR_DIGITS}}}))?"
)
MAX_MAJOR_AMOUNT = Donation.MAX_AMOUNT // 10**MINOR_DIGITS


def parse_amount(text: str) -> int:
    """
    The amount in minor units (cents) that `text` gives in the currency's
    main unit. Only a plain decimal is accepted: the digits 0 to 9, then
    optionally a point and at most MINOR_DIGITS decimals ("25", "25.5",
    "25.00"). Python's own parsers also read 1e6, 1_000, +5, ١٠ and ５ as
    numbers, so a typo or a pasted figure could record a million; anything
    but a plain decimal is refused with a message saying what to write.
    """
    match = PLAIN_AMOUNT.fullmatch(text)
    if match is None:
        raise forms.ValidationError(amount_problem(text), code="invalid")
    minor = (match["minor"] or "").ljust(MINOR_DIGITS, "0")
    amount = int(match["units"]) * 10**MINOR_DIGITS + int(minor)
    if not 1 <= amount <= Donation.MAX_AMOUNT:
        raise forms.ValidationError(
            _("The amount must be more than zero and at most %(max)s.")
            % {"max": f"{MAX_MAJOR_AMOUNT:,}"},
            code="range",
        )
    return amount


def amount_problem(text):
    """What is wrong with an amount that is not a plain decimal, for the message."""
    shown = text if len(text) <= 20 else text[:20] + "…"
    if any(char.isdigit() and not char.isascii() for char in text):
        reason = _("with the digits 0 to 9")
    elif text[:1] in "+-\u2212":
        reason = _("without a sign")
    elif re.search(r"[0-9.][eE][-+0-9]", text):
        reason = _("in full, without an exponent")
    elif re.search(r"[0-9][,_' \u00a0\u202f][0-9]", text):
        reason = _("without thousands separators")
    elif re.fullmatch(r"[0-9]+\.[0-9]+", text):
        reason = _("with at most %(digits)s decimal places") % {"digits": MINOR_DIGITS}
    else:
        return _("Write the amount like 25.00 (not “%(amount)s”).") % {"amount": shown}
    return _("Write the amount like 25.00, %(reason)s (not “%(amount)s”).") % {
        "reason": reason,
        "amount": shown,
    }


class AmountField(forms.CharField):
    """An amount in the currency's main unit, cleaned to minor units."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if text in self.empty_values:
            return None
        return parse_amount(text)


class OfflineGiftForm(forms.Form):
    """A gift received outside Stripe (a cheque, a bank transfer), entered by staff."""

    email = forms.EmailField(
        help_text="Identifies the supporter. Not kept unless the box below is ticked."
    )
    keep_email = forms.BooleanField(
        label="Keep the email to send a receipt", required=False
    )
    amount = AmountField(
        help_text="In the currency's main unit, written like 25.00: digits, a "
        "point and at most two decimals, no thousands separators.",
    )
    currency = forms.ChoiceField(choices=Currency.choices, initial=Currency.USD)
    kind = forms.ChoiceField(
        choices=Donation.Kind.choices, initial=Donation.Kind.ONE_OFF
    )
    received_at = forms.SplitDateTimeField(
        label="Received at", widget=widgets.AdminSplitDateTime
    )
    provider_id = forms.CharField(
        label="Reference",
        required=False,
        max_length=255,
        help_text="A cheque number or bank reference. The same reference is never "
        "recorded twice.",
    )
    display_name = forms.CharField(label="Public name", required=False, max_length=100)
    display_name_consent = forms.BooleanField(
        label="The supporter agreed to be named publicly", required=False
    )
    note = forms.CharField(required=False, max_length=200)

    def clean_received_at(self):
        received_at = self.cleaned_data["received_at"]
        if received_at > timezone.now():
            raise forms.ValidationError("A gift cannot be received in the future.")
        return received_at

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("display_name") and not cleaned_data.get(
            "display_name_consent"
        ):
            self.add_error(
                "display_name_consent",
                "A public name needs the supporter's consent.",
            )
        return cleaned_data

    def donation_fields(self):
        """Keyword arguments for payments.record_donation()."""
        data = self.cleaned_data
        return {
            "email": data["email"],
            "keep_email": data["keep_email"],
            "amount": data["amount"],
            "currency": data["currency"],
            "kind": data["kind"],
            "received_at": data["received_at"],
            "provider_id": data["provider_id"].strip(),
            "display_name": data["display_name"],
            "note": data["note"],
        }


class DonationRowForm(forms.Form):
    """One row of a donations CSV file."""

    provider_id = forms.CharField(max_length=255)
    email = forms.EmailField()
    amount = AmountField()
    currency = forms.ChoiceField(choices=Currency.choices)
    kind = forms.ChoiceField(choices=Donation.Kind.choices, required=False)
    received_at = forms.DateTimeField()
    display_name = forms.CharField(max_length=100, required=False)
    receipt = forms.CharField(required=False)

    def __init__(self, row):
        data = {key: (value or "").strip() for key, value in row.items()}
        data["currency"] = data.get("currency", "").upper()
        data["kind"] = data.get("kind", "").lower().replace("-", "_")
        super().__init__(data)

    def clean_kind(self):
        return self.cleaned_data["kind"] or Donation.Kind.ONE_OFF

    def clean_received_at(self):
        received_at = self.cleaned_data["received_at"]
        if received_at > timezone.now():
            raise forms.ValidationError("The date received is in the future.")
        return received_at

    def clean_receipt(self):
        receipt = self.cleaned_data["receipt"].lower()
        if receipt not in ("", "yes", "no"):
            raise forms.ValidationError("Write yes or no (or leave it empty).")
        return receipt == "yes"

    def donation_fields(self):
        data = self.cleaned_data
        return {
            "provider_id": data["provider_id"],
            "email": data["email"],
            "amount": data["amount"],
            "currency": data["currency"],
            "kind": data["kind"],
            "received_at": data["received_at"],
            # A name arrives in an import only when the donor agreed to it.
            "display_name": data["display_name"],
            "keep_email": data["receipt"],
        }


class DonationImportForm(forms.Form):
    # An import runs inside the request, at roughly 100 to 250 rows a second
    # (PostgreSQL, SQLite), and gunicorn ends a worker after 30 seconds: the
    # admin takes a file that imports in about ten seconds at most. Bigger
    # files go through the import_donations command, which takes up to
    # imports.MAX_ROWS rows.
    MAX_ROWS = 1_000
    MAX_BYTES = 1024 * 1024

    file = forms.FileField(
        label="CSV file",
        help_text="Columns: provider_id, email, amount, currency, received_at, and "
        "optionally kind, display_name, receipt. At most 1,000 rows (1 MB) at a "
        "time: split a bigger file, or import it on the server with "
        "“python manage.py import_donations”, which takes up to 50,000 rows.",
    )
    dry_run = forms.BooleanField(
        label="Check only: report what would happen, import nothing",
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(
                "The file is larger than 1 MB: split it, or import it with "
                "“python manage.py import_donations”."
            )
        return upload


class SupporterForm(forms.ModelForm):
    class Meta:
        model = Supporter
        fields = ["email", "display_name", "display_name_consented_at"]

    def clean_email(self):
        email = self.cleaned_data["email"]
        if email and Supporter.hash_email(email) != self.instance.email_hash:
            raise forms.ValidationError(
                "This address is not the one this supporter gave: a different "
                "address is a different supporter."
            )
        return email
