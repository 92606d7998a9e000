"""Organisations that support the site, shown on /supporters/ with their consent."""

from pathlib import PurePath

import reversion
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

# What a logo may be: formats every browser shows and Pillow checks, so
# no SVG (it can carry scripts). The file's name takes the format's
# extension, which is what the media view's Content-Type is read from.
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 4000


def _logo_format(file) -> str | None:
    """The Pillow format of an uploaded image, reading it when the form did not."""
    image = getattr(file, "image", None)
    if image is not None:
        return image.format
    file.seek(0)
    try:
        with Image.open(file) as opened:
            return opened.format
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError):
        return None
    finally:
        file.seek(0)


def validate_logo(value):
    """A new logo is a PNG, JPEG or WebP image of at most 1 MB and 4000 pixels a side."""
    if getattr(value, "_committed", True):
        return  # Stored already: checked when it was uploaded.
    if value.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _(
                "The logo is %(size).1f MB; the largest accepted is 1 MB. Save "
                "it smaller (a PNG or WebP of a few hundred pixels is plenty)."
            ),
            code="logo_too_big",
            params={"size": value.size / (1024 * 1024)},
        )
    file = value.file
    if _logo_format(file) not in LOGO_FORMATS:
        raise ValidationError(
            _("The logo must be a PNG, JPEG or WebP image."), code="logo_format"
        )
    width, height = value.width, value.height
    if max(width, height) > LOGO_MAX_SIDE:
        raise ValidationError(
            _(
                "The logo is %(width)s × %(height)s pixels; it may be at most "
                "%(maximum)s pixels a side."
            ),
            code="logo_too_large",
            params={"width": width, "height": height, "maximum": LOGO_MAX_SIDE},
        )


def logo_path(organisation: "Organisation", filename: str) -> str:
    """organisations/<name>.<format's extension>; storage makes it unique."""
    try:
        file = organisation.logo.file  # The upload, when a form assigned it.
    except ValueError:
        file = None
    extension = LOGO_FORMATS.get(_logo_format(file)) if file else None
    extension = extension or PurePath(filename).suffix.lstrip(".").lower()
    return f"organisations/{slugify(organisation.name) or 'logo'}.{extension}"


class OrganisationTier(models.IntegerChoices):
    # Labels read as the headings of /supporters/, in this order.
    PRINCIPAL = 1, _("Principal partners")
    MAJOR = 2, _("Major supporters")
    SUPPORTING = 3, _("Supporting organisations")


class OrganisationQuerySet(models.QuerySet):
    def shown(self) -> "OrganisationQuerySet":
        """Organisations that agreed to be named, by tier, then as staff ordered them."""
        return self.filter(consents_to_be_shown=True).order_by(
            "tier", "position", "name"
        )


@reversion.register()
class Organisation(models.Model):
    """A foundation, company or other body that supports the site."""

    Tier = OrganisationTier

    name = models.CharField(_("name"), max_length=150)
    url = models.URLField(
        _("link"),
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("The organisation's own site (https://…), or leave empty."),
    )
    tier = models.PositiveSmallIntegerField(
        _("tier"),
        choices=OrganisationTier,
        default=OrganisationTier.SUPPORTING,
        help_text=_("The supporters page groups organisations by tier."),
    )
    logo = models.ImageField(
        _("logo"),
        upload_to=logo_path,
        width_field="logo_width",
        height_field="logo_height",
        blank=True,
        validators=[validate_logo],
        help_text=_(
            "Optional. A PNG, JPEG or WebP image of at most 1 MB and 4000 "
            "pixels a side. Without one, the name is shown."
        ),
    )
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    consents_to_be_shown = models.BooleanField(
        _("agreed to be shown"),
        default=False,
        help_text=_(
            "Tick only once the organisation has agreed to be named on the "
            "supporters page. Unticked, it is never shown."
        ),
    )
    position = models.PositiveSmallIntegerField(
        _("position"),
        default=0,
        help_text=_("Lower numbers come first within a tier; then by name."),
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["tier", "position", "name"]
        verbose_name = _("supporting organisation")
        verbose_name_plural = _("supporting organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tier__in=OrganisationTier.values),
                name="donations_organisation_tier_valid",
            ),
        ]

    def __str__(self):
        return self.name
