"""
The pages about how Factually works (methodology, corrections policy,
funding, team): written by editors, kept with their revision history, and
rendered once when saved, with a public history of dated versions
(`PageVersion`, made by `articles.factchecks.about_page_versions.save_page`). Import both
from `articles.models`.
"""

import reversion
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from factually import text as normalised

from .markup import render_page


@reversion.register()
class Page(models.Model):
    """
    One of the pages about how Factually works (methodology, corrections,
    funding, team), written by editors and kept with its revision history.
    """

    # What readers read of a page, in the order its changes are listed.
    PUBLIC_FIELDS = ("title", "description", "lede", "body")

    class Slug(models.TextChoices):
        METHODOLOGY = "methodology", _("How we check facts")
        CORRECTIONS = "corrections", _("Corrections policy")
        FUNDING = "funding", _("Who funds us")
        TEAM = "team", _("Our team")

    slug = normalised.CharField(_("page"), max_length=20, choices=Slug, unique=True)
    title = normalised.CharField(_("title"), max_length=200)
    description = normalised.CharField(
        _("description"),
        max_length=300,
        help_text=_("One sentence for search engines and link previews."),
    )
    lede = normalised.TextField(_("lede"), blank=True, max_length=1_000)
    body = normalised.TextField(
        _("body"),
        max_length=20_000,
        help_text=_("Markdown. Links to our own pages may be written /about/…/."),
    )
    body_html = models.TextField(editable=False)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("about page")
        verbose_name_plural = _("about pages")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Rendered once, when saved, like a publication's text.
        self.body_html = render_page(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(self.slug)

    def history(self):
        """Its public versions, newest first, without their text."""
        return self.versions.only("page_id", "number", "note", "published_at")


class PageVersion(models.Model):
    """
    A dated public version of an about page, frozen when a save changed
    what readers read, with the editor's note saying what changed and the
    change marked word by word. Never changed once made.
    """

    page = models.ForeignKey(
        Page, on_delete=models.PROTECT, related_name="versions", verbose_name=_("page")
    )
    number = models.PositiveIntegerField(_("version"))
    note = models.TextField(
        _("public note"),
        blank=True,
        help_text=_("What changed and why, shown to readers with this version."),
    )
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    # The page's public text as readers read it in this version.
    title = models.CharField(_("title"), max_length=200)
    description = models.CharField(_("description"), max_length=300)
    lede = models.TextField(_("lede"), blank=True)
    body = models.TextField(_("body"))
    body_html = models.TextField()
    # What this version changed against the one before, marked word by word
    # once, when it was made: [{label, html}] (empty for the first).
    changes = models.JSONField(default=list)

    class Meta:
        ordering = ["page_id", "-number"]
        get_latest_by = "number"
        verbose_name = _("about page version")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "number"], name="articles_pageversion_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(number=1) | ~models.Q(note=""),
                name="articles_pageversion_note_required",
            ),
        ]

    def __str__(self):
        return f"{self.title} (v{self.number})"

    def get_absolute_url(self):
        return reverse(
            "articles:page_version",
            kwargs={"slug": self.page.slug, "number": self.number},
        )

    def get_changes_url(self):
        return reverse(
            "articles:page_changes",
            kwargs={"slug": self.page.slug, "number": self.number},
        )
