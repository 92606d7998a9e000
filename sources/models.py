from urllib.parse import parse_qsl, urlencode, urlsplit

import reversion
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from factually import text as normalised

validate_web_url = URLValidator(
    schemes=["http", "https"], message=_("Enter an http:// or https:// address.")
)

# Query parameters that identify a visit, not a document.
TRACKING_PARAMETERS = {"fbclid", "gclid", "mc_cid", "mc_eid", "ref", "ref_src"}


def normalize_url(url: str) -> str:
    """
    The key under which two addresses count as the same document: scheme,
    "www.", default ports, fragments, tracking parameters, trailing slashes
    and the order of query parameters do not matter.
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = parts.path.rstrip("/")
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in TRACKING_PARAMETERS and not key.lower().startswith("utm_")
    )
    normalized = host + path
    if query:
        normalized += "?" + urlencode(query)
    return normalized


@reversion.register()
class Source(models.Model):
    """One real document, cited by any number of fact checks."""

    class Kind(models.TextChoices):
        PRIMARY = "primary", _("Primary document")
        OFFICIAL = "official", _("Official report")
        NEWS = "news", _("News report")
        ACADEMIC = "academic", _("Academic")
        DATASET = "dataset", _("Dataset")
        OTHER = "other", _("Other")

    class DatePrecision(models.TextChoices):
        DAY = "day", _("Day")
        MONTH = "month", _("Month")
        YEAR = "year", _("Year")

    title = normalised.CharField(_("title"), max_length=500)
    publisher = normalised.CharField(
        _("publisher"),
        max_length=200,
        blank=True,
        help_text=_("The organisation that published it, e.g. “NASA”."),
    )
    authors = normalised.CharField(
        _("author(s)"),
        max_length=500,
        blank=True,
        help_text=_("As written on the document, e.g. “J. Smith and K. Lee”."),
    )
    published_on = models.DateField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_(
            "For a month or a year only, pick any day in it and set the precision."
        ),
    )
    date_precision = normalised.CharField(
        _("date precision"),
        max_length=5,
        choices=DatePrecision,
        default=DatePrecision.DAY,
    )
    url = normalised.URLField(
        _("URL"),
        max_length=2000,
        validators=[validate_web_url],
        help_text=_("Where readers can find it. Each document is entered once."),
    )
    url_key = models.CharField(max_length=2000, unique=True, editable=False)
    archived_url = normalised.URLField(
        _("archived copy"),
        max_length=2000,
        blank=True,
        validators=[validate_web_url],
        help_text=_(
            "A copy that survives the original changing, e.g. on the Wayback Machine."
        ),
    )
    kind = normalised.CharField(
        _("kind"), max_length=20, choices=Kind, default=Kind.PRIMARY
    )
    accessed_on = models.DateField(_("accessed on"), null=True, blank=True)
    note = normalised.TextField(
        _("editor's note"),
        blank=True,
        help_text=_("For the newsroom; not shown to readers."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(url__startswith="http://")
                | models.Q(url__startswith="https://"),
                name="sources_source_url_is_web",
            ),
            models.CheckConstraint(
                condition=models.Q(archived_url="")
                | models.Q(archived_url__startswith="http://")
                | models.Q(archived_url__startswith="https://"),
                name="sources_source_archived_url_is_web",
            ),
        ]

    def __str__(self):
        if self.publisher:
            return f"{self.title} ({self.publisher})"
        return self.title

    def save(self, *args, **kwargs):
        self.url_key = normalize_url(self.url)
        update_fields = kwargs.get("update_fields")
        if update_fields and "url" in update_fields:
            kwargs["update_fields"] = {*update_fields, "url_key"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.url:
            duplicate = (
                Source.objects.filter(url_key=normalize_url(self.url))
                .exclude(pk=self.pk)
                .first()
            )
            if duplicate:
                raise ValidationError(
                    {
                        "url": _(
                            "This document is already a source: “%(title)s”. "
                            "Cite that one instead."
                        )
                        % {"title": duplicate.title}
                    }
                )

    def display_date(self):
        """The publication date at the precision it is known, e.g. “March 2021”."""
        if self.published_on is None:
            return ""
        formats = {
            self.DatePrecision.DAY: "DATE_FORMAT",
            self.DatePrecision.MONTH: "YEAR_MONTH_FORMAT",
            self.DatePrecision.YEAR: "Y",
        }
        return date_format(self.published_on, formats[self.date_precision])

    def details(self):
        """What readers see of the source besides its title, in one line."""
        return " · ".join(
            part
            for part in (
                self.authors,
                self.display_date(),
                self.get_kind_display(),
                self.url,
                self.archived_url,
            )
            if part
        )
