import reversion
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from factually import text as normalised

# Publications live in their own module; importing them here registers them.
from .publications import Publication, PublicationQuerySet  # noqa: F401
from .removals import VersionRemoval  # noqa: F401
from .slugs import SlugQuerySet, unique_slug_in_any_case
from .state import NewsroomQuerySet, PublicationState


class NamedInPublicationsQuerySet(SlugQuerySet):
    """
    Topics or authors. Each has a public page only while a live fact check
    names it, as readers see it (the publication's own topics and authors,
    frozen when it was published): a draft naming it, or a version
    scheduled but not yet due, does not count.
    """

    # The Publication field that names these rows.
    publication_field: str

    def public(self):
        """Those a live publication names: the ones whose page readers may see."""
        live = Publication.objects.live().filter(
            **{self.publication_field: OuterRef("pk")}
        )
        return self.filter(Exists(live))


class TopicQuerySet(NamedInPublicationsQuerySet):
    publication_field = "topics"


class AuthorQuerySet(NamedInPublicationsQuerySet):
    publication_field = "authors"


@reversion.register()
class Topic(models.Model):
    name = normalised.CharField(_("name"), max_length=100, unique=True)
    slug = normalised.SlugField(_("slug"), max_length=100, unique=True)
    description = normalised.TextField(_("description"), blank=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            unique_slug_in_any_case(
                "topic",
                _(
                    "Another topic has this slug with different capitals; readers "
                    "would take the two addresses for one. Choose another slug."
                ),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:topic", kwargs={"slug": self.slug})


@reversion.register()
class Author(models.Model):
    name = normalised.CharField(_("name"), max_length=200)
    slug = normalised.SlugField(_("slug"), max_length=100, unique=True)
    role = normalised.CharField(
        _("role"), max_length=100, blank=True, help_text=_("E.g. “Senior researcher”.")
    )
    bio = normalised.TextField(_("short bio"), blank=True)

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            unique_slug_in_any_case(
                "author",
                _(
                    "Another author has this slug with different capitals; readers "
                    "would take the two addresses for one. Choose another slug."
                ),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})


@reversion.register(
    follow=["sections", "claims", "citations", "related_questions"],
)
class Article(models.Model):
    """
    The working draft of a fact check. Saving it never changes what readers
    see: publishing freezes it into a Publication.
    """

    class ReviewState(models.TextChoices):
        WRITING = "writing", _("Writing")
        READY = "ready", _("Ready for review")
        CHANGES_REQUESTED = "changes", _("Changes requested")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")

    title = normalised.CharField(
        _("title"),
        max_length=300,
        help_text=_(
            "The question checked, e.g. “Fact check: What evidence exists of …?”"
        ),
    )
    slug = normalised.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_("The last part of the address: /fact-checks/this-part/."),
    )
    summary = normalised.TextField(
        _("executive summary"),
        blank=True,
        max_length=10_000,
        help_text=_(
            "One paragraph that answers the question, in Markdown. Cite sources "
            "with [1], [2] … (the numbers of the citations below)."
        ),
    )
    checked_on = models.DateField(
        _("checked on"),
        null=True,
        blank=True,
        help_text=_("The day the facts were last verified. Shown to readers."),
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="articles", verbose_name=_("topics")
    )
    authors = models.ManyToManyField(
        Author, blank=True, related_name="articles", verbose_name=_("authors")
    )
    no_donation_ask = models.BooleanField(
        _("no donation ask"),
        default=False,
        help_text=_("Hide the donation banner on this fact check."),
    )
    sources_note = normalised.TextField(
        _("note on the sources"),
        blank=True,
        max_length=2_000,
        help_text=_(
            "Optional closing sentence characterising the sources, in Markdown."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    draft_digest = models.CharField(max_length=64, blank=True, editable=False)

    # The newsroom's review workflow: changed only by articles/workflow.py.
    review_state = normalised.CharField(
        _("review"),
        max_length=20,
        choices=ReviewState,
        default=ReviewState.WRITING,
        editable=False,
    )
    review_note = normalised.TextField(_("review note"), blank=True, editable=False)
    review_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    review_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    # The draft digest a reviewer approved (or that was last published).
    approved_digest = models.CharField(max_length=64, blank=True, editable=False)
    assigned_writer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles_to_write",
        verbose_name=_("writer"),
        help_text=_("Who writes this fact check and answers the review."),
    )
    assigned_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles_to_review",
        verbose_name=_("reviewer"),
        help_text=_("Who reviews it. Left empty, any editor may."),
    )
    due_on = models.DateField(
        _("due"),
        null=True,
        blank=True,
        help_text=_("When it should be ready to publish, if there is a deadline."),
    )

    objects = NewsroomQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("fact check")
        verbose_name_plural = _("fact checks")
        permissions = [
            ("publish_article", "Can publish fact checks"),
            ("withdraw_article", "Can withdraw fact checks"),
            ("revert_article", "Can revert fact checks to an earlier revision"),
            ("review_article", "Can review fact checks: approve, request changes"),
            ("override_review", "Can publish a fact check without an approval"),
            ("assign_article", "Can assign writers, reviewers and due dates"),
        ]
        constraints = [
            unique_slug_in_any_case(
                "article",
                _(
                    "Another fact check has this slug with different capitals; "
                    "readers would take the two addresses for one. Choose another "
                    "slug."
                ),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def latest_publication(self):
        """The newest publication, scheduled or withdrawal included, or None."""
        return self.publications.order_by("-version").first()

    def live_publication(self):
        """The publication readers see now, or None (never published, withdrawn)."""
        return Publication.objects.live().filter(article=self).first()

    def publication_state(self) -> PublicationState:
        """
        The state from `ArticleQuerySet.with_publication_state()`: from this
        row's annotations when it was loaded that way, else with one query.
        """
        if not hasattr(self, "has_unpublished_changes"):
            annotated = Article.objects.with_publication_state().get(pk=self.pk)
            return PublicationState.of(annotated)
        return PublicationState.of(self)

    def preview_url(self):
        """
        Where staff see the draft as readers would (a login with view rights
        needed). Outside reviewers get a `PreviewLink` instead.
        """
        return reverse("articles:preview", kwargs={"pk": self.pk})

    def is_approved(self, digest: str) -> bool:
        """
        Approved (or published) as the draft whose digest is `digest` stands:
        compute it now (`shape.load(article).digest()`), since a cited
        source changes it without saving the article.
        """
        return (
            self.review_state in (self.ReviewState.APPROVED, self.ReviewState.PUBLISHED)
            and self.approved_digest == digest
        )
