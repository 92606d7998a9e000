"""The forms of the donations admin's own views, and the supporter form."""

from django import forms
from django.contrib.admin import widgets
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from factually.edit_conflicts import EditConflictForm

from ..forms import AmountField
from ..models import Currency, Donation, Supporter


class OfflineGiftForm(forms.Form):
    """A gift received outside Stripe (a cheque, a bank transfer), entered by staff."""

    email = forms.EmailField(
        label=_("Email"),
        help_text=_(
            "Identifies the supporter. Not kept unless the box below is ticked."
        ),
    )
    keep_email = forms.BooleanField(
        label=_("Keep the email to send a receipt"), required=False
    )
    amount = AmountField(
        label=_("Amount"),
        help_text=_(
            "In the currency's main unit, written like 25.00: digits, a point "
            "and at most two decimals, no thousands separators."
        ),
    )
    currency = forms.ChoiceField(
        label=_("Currency"), choices=Currency.choices, initial=Currency.USD
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Donation.Kind.choices, initial=Donation.Kind.ONE_OFF
    )
    received_at = forms.SplitDateTimeField(
        label=_("Received at"), widget=widgets.AdminSplitDateTime
    )
    provider_id = forms.CharField(
        label=_("Reference"),
        required=False,
        max_length=255,
        help_text=_(
            "A cheque number or bank reference. The same reference is never "
            "recorded twice."
        ),
    )
    display_name = forms.CharField(
        label=_("Public name"), required=False, max_length=100
    )
    display_name_consent = forms.BooleanField(
        label=_("The supporter agreed to be named publicly"), required=False
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def clean_received_at(self):
        received_at = self.cleaned_data["received_at"]
        if received_at > timezone.now():
            raise forms.ValidationError(_("A gift cannot be received in the future."))
        return received_at

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("display_name") and not cleaned_data.get(
            "display_name_consent"
        ):
            self.add_error(
                "display_name_consent",
                _("A public name needs the supporter's consent."),
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


class DonationImportForm(forms.Form):
    # An import runs inside the request, at roughly 100 to 250 rows a second
    # (PostgreSQL, SQLite), and gunicorn ends a worker after 30 seconds: the
    # admin takes a file that imports in about ten seconds at most. Bigger
    # files go through the import_donations command, which takes up to
    # imports.MAX_ROWS rows.
    MAX_ROWS = 1_000
    MAX_BYTES = 1024 * 1024

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: provider_id, email, amount, currency, received_at, and "
            "optionally kind, display_name, receipt. At most 1,000 rows (1 MB) at "
            "a time: split a bigger file, or import it on the server with "
            "“python manage.py import_donations”, which takes up to 50,000 rows."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Check only: report what would happen, import nothing"),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is larger than 1 MB: split it, or import it with "
                    "“python manage.py import_donations”."
                )
            )
        return upload


class SupporterForm(EditConflictForm):
    class Meta:
        model = Supporter
        fields = ["email", "display_name", "display_name_consented_at"]

    def clean_email(self):
        email = self.cleaned_data["email"]
        if email and Supporter.hash_email(email) != self.instance.email_hash:
            raise forms.ValidationError(
                _(
                    "This address is not the one this supporter gave: a different "
                    "address is a different supporter."
                )
            )
        return email
