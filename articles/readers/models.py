"""
Readers in the loop: the search vocabulary and the claims readers ask us
to check.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from factually import text as normalised


class SearchWord(models.Model):
    """
    A word of the live documents, for search's "did you mean" (trigram
    similarity, PostgreSQL). Filled by `articles.readers.search.index()`.
    """

    word = models.CharField(max_length=40, unique=True)

    def __str__(self):
        return self.word


class ReaderQuestion(models.Model):
    """
    A claim a reader asked us to check (/ask/), and how staff triaged it.
    The email, given only with consent, is kept until we have written to
    say the fact check is out, or for `articles.readers.asking.EMAIL_RETENTION_DAYS`
    at most (`manage.py purge_reader_emails`).
    """

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACCEPTED = "accepted", _("Accepted")
        DUPLICATE = "duplicate", _("Duplicate")
        DECLINED = "declined", _("Declined")

    claim = normalised.TextField(
        _("the claim"),
        max_length=2_000,
        help_text=_("What was said or written, as exactly as you can."),
    )
    seen_at = normalised.CharField(
        _("where you saw it"),
        max_length=500,
        blank=True,
        help_text=_("A link, or a description such as “TV debate, 3 May”."),
    )
    email = normalised.EmailField(_("your email (optional)"), blank=True)
    consent = models.BooleanField(_("consent to be emailed"), default=False)
    fingerprint = models.CharField(max_length=64, editable=False, db_index=True)
    status = normalised.CharField(
        _("status"), max_length=20, choices=Status, default=Status.NEW
    )
    fact_check = models.ForeignKey(
        "articles.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reader_questions",
        verbose_name=_("fact check"),
        help_text=_(
            "The fact check that answers it. Choose one and save to mark the "
            "question a duplicate of it."
        ),
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    triaged_at = models.DateTimeField(_("triaged"), null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("triaged by"),
    )
    notified_at = models.DateTimeField(_("asker told"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reader question")
        verbose_name_plural = _("reader questions")
        constraints = [
            models.CheckConstraint(
                condition=Q(email="") | Q(consent=True),
                name="articles_readerquestion_email_needs_consent",
            ),
        ]

    def __str__(self):
        return self.claim[:80]
