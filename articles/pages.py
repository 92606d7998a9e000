"""
The pages about how Factually works (methodology, corrections policy,
funding, team): written by editors, kept with their revision history, and
rendered once when saved. Import `Page` from `articles.models`.
"""

import reversion
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from factually import text as normalised

from .rendering import render_page


@reversion.register()
class Page(models.Model):
    """
    One of the pages about how Factually works (methodology, corrections,
    funding, team), written by editors and kept with its revision history.
    """

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
