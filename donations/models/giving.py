"""The other ways to give than a card, as fundraising staff describe them."""

import reversion
from django.db import models
from django.utils.translation import gettext_lazy as _


class GivingMethodQuerySet(models.QuerySet):
    def shown(self) -> "GivingMethodQuerySet":
        """The methods the support page lists, in the order staff chose."""
        return self.filter(is_shown=True).order_by("position", "pk")


@reversion.register()
class GivingMethod(models.Model):
    """
    A way to give without a card: a bank transfer, a cheque, a donor-advised
    fund. Gifts received this way are entered by staff as offline gifts and
    count like any other.
    """

    class Kind(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        CHEQUE = "cheque", _("Cheque")
        DONOR_ADVISED_FUND = "daf", _("Donor-advised fund")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    instructions = models.TextField(
        _("instructions"),
        max_length=3000,
        help_text=_(
            "Plain text, shown as written: account details, an address, whom "
            "to write to. Line breaks are kept."
        ),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Lower numbers come first.")
    )
    is_shown = models.BooleanField(
        _("shown"), default=True, help_text=_("Untick to hide it from the page.")
    )

    objects = GivingMethodQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("other way to give")
        verbose_name_plural = _("other ways to give")

    def __str__(self):
        return self.name
