import re
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import MAX_DONATION_AMOUNT, MINOR_DIGITS, Currency, Donation

PLAIN_AMOUNT = re.compile(r"(?P<units>[0-9]+)(?:\.(?P<minor>[0-9]+))?")


def major_units(amount: int) -> str:
    """An amount in minor units as a limit reads in a message: "1,000,000", "1.50"."""
    major = Decimal(amount) / 10**MINOR_DIGITS
    return f"{major:,.0f}" if major == major.to_integral_value() else f"{major:,}"


def parse_amount(
    text: str,
    *,
    minimum: int = 1,
    maximum: int = MAX_DONATION_AMOUNT,
    messages: dict[str, str] | None = None,
) -> int:
    """
    The amount in minor units (cents) that `text` gives in the currency's
    main unit, from `minimum` to `maximum` (in minor units). Only a plain
    decimal is accepted: the digits 0 to 9, then optionally a point and at
    most MINOR_DIGITS decimals ("25", "25.5", "25.00"). Python's own parsers
    also read 1e6, 1_000, +5, ١٠ and ５ as numbers, and a lenient parser
    would read "25,00" as 2,500, so a typo or a pasted figure could record a
    million; anything but a plain decimal is refused.

    Staff and readers share these rules and differ only in their words: the
    ValidationError's code is "invalid" (not a plain decimal), "precision"
    (too many decimals), "min_value" or "max_value", and `messages` gives the
    message for any code (with %(minimum)s and %(maximum)s in major units).
    By default, a refused text gets a message saying what to write instead.
    """
    match = PLAIN_AMOUNT.fullmatch(text)
    if match is None:
        code = "invalid"
    elif len(match["minor"] or "") > MINOR_DIGITS:
        code = "precision"
    else:
        minor = (match["minor"] or "").ljust(MINOR_DIGITS, "0")
        amount = int(match["units"]) * 10**MINOR_DIGITS + int(minor)
        if minimum <= amount <= maximum:
            return amount
        code = "min_value" if amount < minimum else "max_value"
    messages = messages or {}
    if code in messages:
        message = messages[code] % {
            "minimum": major_units(minimum),
            "maximum": major_units(maximum),
        }
    elif code in ("invalid", "precision"):
        message = amount_problem(text)
    else:
        message = _("The amount must be more than zero and at most %(max)s.") % {
            "max": major_units(maximum)
        }
    raise forms.ValidationError(message, code=code)


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
            raise forms.ValidationError(_("The date received is in the future."))
        return received_at

    def clean_receipt(self):
        receipt = self.cleaned_data["receipt"].lower()
        if receipt not in ("", "yes", "no"):
            raise forms.ValidationError(_("Write yes or no (or leave it empty)."))
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


# Readers' forms

# Whole units, in the campaign's currency; the banner promises the first.
PRESET_AMOUNTS = (5, 10, 25, 50)
# What a reader is told when parse_amount() refuses their amount.
READER_AMOUNT_MESSAGES = {
    "invalid": _("Enter the amount as a number, such as 5 or 12.50."),
    "precision": _("Enter at most two digits after the decimal point."),
    "min_value": _("The smallest gift we can take is 1.00."),
    "max_value": _(
        "The largest gift this page takes is %(maximum)s. For a larger gift, "
        "please write to us."
    ),
}
# The smallest gift the support page takes, in minor units.
READER_MINIMUM = 100


class SupportForm(forms.Form):
    """The reader's choice on /support/: how much, how often, and whether to be named."""

    ONCE = "once"
    MONTHLY = "monthly"
    OTHER = "other"

    amount = forms.ChoiceField(
        label=_("Amount"),
        widget=forms.RadioSelect,
        initial="5",
        error_messages={"required": _("Choose an amount.")},
    )
    other_amount = forms.CharField(
        label=_("Other amount"),
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "inputmode": "decimal",
                "autocomplete": "off",
                "aria-describedby": "other-amount-hint",
            }
        ),
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        widget=forms.RadioSelect,
        choices=[(ONCE, _("Once")), (MONTHLY, _("Monthly"))],
        initial=ONCE,
    )
    name_me = forms.BooleanField(
        label=_("You may name me on the supporters page"), required=False
    )
    public_name = forms.CharField(
        label=_("Name to show"),
        required=False,
        max_length=100,
        help_text=_("As you would like it to appear, for example “Ana G.”"),
    )
    variant = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, currency_symbol="$", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].choices = [
            (str(value), f"{currency_symbol}{value}") for value in PRESET_AMOUNTS
        ] + [(self.OTHER, _("Other"))]

    def clean_variant(self):
        # A stale or edited link still gives: the variant is simply not credited.
        variant = self.cleaned_data.get("variant")
        return variant if variant and 0 < variant < 2**63 else None

    def clean(self):
        cleaned_data = super().clean()
        choice = cleaned_data.get("amount")
        if choice == self.OTHER:
            try:
                cleaned_data["amount_minor"] = parse_amount(
                    cleaned_data.get("other_amount", ""),
                    minimum=READER_MINIMUM,
                    maximum=settings.DONATION_MAX_AMOUNT * 10**MINOR_DIGITS,
                    messages=READER_AMOUNT_MESSAGES,
                )
            except forms.ValidationError as error:
                self.add_error("other_amount", error)
        elif choice:
            cleaned_data["amount_minor"] = int(choice) * 100
        name = cleaned_data.get("public_name", "").strip()
        if cleaned_data.get("name_me") and not name:
            self.add_error(
                "public_name", _("Write the name to show, or untick the box above.")
            )
        cleaned_data["public_name"] = name if cleaned_data.get("name_me") else ""
        return cleaned_data

    @property
    def monthly(self):
        return self.cleaned_data["frequency"] == self.MONTHLY


class ManageDonationForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("The one you gave when you started your monthly gift."),
    )
