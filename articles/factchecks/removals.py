"""
Versions taken off their public address (for legal reasons), with the note
readers see there instead. The publication itself stays in the record.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from factually import text as normalised

from .publications import Publication


class VersionRemoval(models.Model):
    """
    A version taken off its public address for legal reasons. The
    publication itself stays unchanged in the record; its version and
    changes pages show this note instead of its text.
    """

    publication = models.OneToOneField(
        Publication,
        on_delete=models.PROTECT,
        related_name="removal",
        verbose_name=_("version"),
    )
    note = normalised.TextField(
        _("public note"),
        help_text=_("Shown at the version's address instead of its text."),
    )
    removed_at = models.DateTimeField(_("removed at"), default=timezone.now)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("removed by"),
    )

    class Meta:
        verbose_name = _("removed version")
        constraints = [
            models.CheckConstraint(
                condition=~Q(note=""), name="articles_versionremoval_note_required"
            )
        ]

    def __str__(self):
        return str(self.publication)
