"""
The parts of a fact check, each kept in the order its position gives:
sections, claims (with their verdicts), citations and related questions.
"""

import reversion
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from factually import text as normalised
from sources.models import Source, validate_web_url

from .models import Article
from .ratings import Rating, rating_value

# Parts are moved this far out of the way while positions are rewritten, so
# that swapping two positions never trips the unique constraint.
POSITION_OFFSET = 1_000_000


class ArticleChild(models.Model):
    """A part of an article, kept in the order given by its position."""

    position = models.PositiveIntegerField(_("position"))

    class Meta:
        abstract = True
        ordering = ["position"]

    @classmethod
    def ordering_constraints(cls, name):
        return [
            models.UniqueConstraint(
                fields=["article", "position"],
                name=f"articles_{name}_unique_position",
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1),
                name=f"articles_{name}_position_positive",
            ),
        ]


@reversion.register()
class Section(ArticleChild):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="sections"
    )
    heading = normalised.CharField(_("heading"), max_length=300)
    body = normalised.TextField(
        _("body"),
        blank=True,
        max_length=50_000,
        help_text=_("Markdown. Cite sources with [1], [2] or [1, 3]."),
    )

    class Meta(ArticleChild.Meta):
        constraints = ArticleChild.ordering_constraints("section")

    def __str__(self):
        return f"{self.position}. {self.heading}"


@reversion.register()
class Claim(ArticleChild):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="claims"
    )
    statement = normalised.TextField(
        _("claim as stated"), help_text=_("Quote the claim exactly as it was made.")
    )
    claimant = normalised.CharField(
        _("who made it"),
        max_length=200,
        help_text=_("A person or organisation."),
    )
    claimant_is_organization = models.BooleanField(
        _("made by an organisation"),
        default=False,
        help_text=_("Tick when the claim came from an organisation, not a person."),
    )
    claimed_on = models.DateField(_("when"), null=True, blank=True)
    appearance_url = normalised.URLField(
        _("where it appeared (URL)"),
        max_length=2000,
        blank=True,
        validators=[validate_web_url],
    )
    appearance = normalised.CharField(
        _("where it appeared"),
        max_length=300,
        blank=True,
        help_text=_("E.g. “Speech in Springfield” when there is no link."),
    )
    rating = normalised.CharField(_("rating"), max_length=20, choices=Rating)
    is_headline = models.BooleanField(
        _("headline claim"),
        default=False,
        help_text=_(
            "The claim the fact check is mainly about. With none ticked, the "
            "first claim is the headline one."
        ),
    )
    explanation = normalised.TextField(
        _("explanation"),
        max_length=10_000,
        help_text=_("Why this rating, in Markdown; cite with [1], [2] …"),
    )

    class Meta(ArticleChild.Meta):
        constraints = [
            *ArticleChild.ordering_constraints("claim"),
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(is_headline=True),
                name="articles_claim_one_headline",
                violation_error_message=_("Only one claim can be the headline claim."),
            ),
            models.CheckConstraint(
                condition=Q(appearance_url="")
                | Q(appearance_url__startswith="http://")
                | Q(appearance_url__startswith="https://"),
                name="articles_claim_appearance_url_is_web",
            ),
        ]

    def __str__(self):
        return f"{self.claimant}: {self.statement[:60]}"

    def rating_value(self):
        return rating_value(self.rating)


class CitationManager(models.Manager):
    def get_queryset(self):
        # A citation is shown by its source (its __str__, every list of
        # them, each revision's record): load the two together.
        return super().get_queryset().select_related("source")


@reversion.register()
class Citation(ArticleChild):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="citations"
    )
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="citations",
        verbose_name=_("source"),
        help_text=_(
            "A draft may keep a numbered citation whose source is attached "
            "later; publishing needs every source."
        ),
    )
    pinpoint = normalised.CharField(
        _("pinpoint"),
        max_length=200,
        blank=True,
        help_text=_("Where in the source, e.g. “Vol. 5, p. 23” or “Table 2”."),
    )
    note = normalised.CharField(_("note"), max_length=500, blank=True)

    objects = CitationManager()

    class Meta(ArticleChild.Meta):
        constraints = ArticleChild.ordering_constraints("citation")

    def __str__(self):
        return f"[{self.position}] {self.source or _('no source yet')}"

    def source_details(self):
        """What readers see of the cited source besides its title."""
        return self.source.details() if self.source_id else ""


@reversion.register()
class RelatedQuestion(ArticleChild):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="related_questions"
    )
    question = normalised.CharField(_("question"), max_length=300)
    answer = models.ForeignKey(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answers_to",
        verbose_name=_("answered by"),
        help_text=_("The fact check that answers it, if there is one."),
    )

    class Meta(ArticleChild.Meta):
        constraints = [
            *ArticleChild.ordering_constraints("relatedquestion"),
            models.CheckConstraint(
                condition=~Q(answer=models.F("article")),
                name="articles_relatedquestion_not_self",
            ),
        ]

    def __str__(self):
        return self.question
