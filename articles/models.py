from datetime import datetime

import reversion
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sources.models import Source, validate_web_url

from .ratings import Rating, rating_value
from .schema import upgrade
from .search import matching
from .state import ArticleQuerySet, PublicationState

PREVIEW_SALT = "articles.preview"
PREVIEW_MAX_AGE = 60 * 60 * 24 * 7


@reversion.register()
class Topic(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:topic", kwargs={"slug": self.slug})


@reversion.register()
class Author(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    role = models.CharField(
        _("role"), max_length=100, blank=True, help_text=_("E.g. “Senior researcher”.")
    )
    bio = models.TextField(_("short bio"), blank=True)

    class Meta:
        ordering = ["name"]

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

    title = models.CharField(
        _("title"),
        max_length=300,
        help_text=_(
            "The question checked, e.g. “Fact check: What evidence exists of …?”"
        ),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_("The last part of the address: /fact-checks/<slug>/."),
    )
    summary = models.TextField(
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
    sources_note = models.TextField(
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

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("fact check")
        verbose_name_plural = _("fact checks")
        permissions = [
            ("publish_article", "Can publish fact checks"),
            ("withdraw_article", "Can withdraw fact checks"),
            ("revert_article", "Can revert fact checks to an earlier revision"),
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

    def preview_url(self, *, shared=False):
        """
        Where to see the draft as readers would. The staff address needs a
        login with view rights; the shared one carries a signed token that
        anyone holding it may use for a week, for an outside reviewer.
        """
        if not shared:
            return reverse("articles:preview", kwargs={"pk": self.pk})
        token = signing.dumps(self.pk, salt=PREVIEW_SALT, compress=True)
        return reverse(
            "articles:shared_preview", kwargs={"pk": self.pk, "token": token}
        )


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
    heading = models.CharField(_("heading"), max_length=300)
    body = models.TextField(
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
    statement = models.TextField(
        _("claim as stated"), help_text=_("Quote the claim exactly as it was made.")
    )
    claimant = models.CharField(
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
    appearance_url = models.URLField(
        _("where it appeared (URL)"),
        max_length=2000,
        blank=True,
        validators=[validate_web_url],
    )
    appearance = models.CharField(
        _("where it appeared"),
        max_length=300,
        blank=True,
        help_text=_("E.g. “Speech in Springfield” when there is no link."),
    )
    rating = models.CharField(_("rating"), max_length=20, choices=Rating)
    explanation = models.TextField(
        _("explanation"),
        max_length=10_000,
        help_text=_("Why this rating, in Markdown; cite with [1], [2] …"),
    )

    class Meta(ArticleChild.Meta):
        constraints = [
            *ArticleChild.ordering_constraints("claim"),
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


@reversion.register()
class Citation(ArticleChild):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="citations"
    )
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="citations",
        verbose_name=_("source"),
    )
    pinpoint = models.CharField(
        _("pinpoint"),
        max_length=200,
        blank=True,
        help_text=_("Where in the source, e.g. “Vol. 5, p. 23” or “Table 2”."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta(ArticleChild.Meta):
        constraints = ArticleChild.ordering_constraints("citation")

    def __str__(self):
        return f"[{self.position}] {self.source}"

    def source_details(self):
        """What readers see of the cited source besides its title."""
        return self.source.details()


@reversion.register()
class RelatedQuestion(ArticleChild):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="related_questions"
    )
    question = models.CharField(_("question"), max_length=300)
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


class PublicationQuerySet(models.QuerySet):
    def due(self):
        """Publications whose time has come (scheduled ones are not due yet)."""
        return self.filter(published_at__lte=timezone.now())

    def current(self):
        """
        Each article's latest publication whose time has come, withdrawals
        included. Publishing keeps versions in time order, so the latest
        version due is what readers see.
        """
        later = Publication.objects.filter(
            article=OuterRef("article"),
            version__gt=OuterRef("version"),
            published_at__lte=timezone.now(),
        )
        return self.due().filter(~Exists(later))

    def live(self):
        """What readers may see: current publications that are not withdrawals."""
        return self.current().exclude(kind=Publication.Kind.WITHDRAWAL)

    def search(self, query: str):
        """Live publications matching a reader's query, best first."""
        return matching(self.live(), query)

    def for_listing(self):
        """Live publications, newest fact checks first, with their topics."""
        return (
            self.live()
            .order_by("-first_published_at", "-pk")
            .prefetch_related("topics")
        )


class Publication(models.Model):
    """
    What readers see: an article frozen at publish time, rendered and
    sanitised, with its version, kind and public note. Never changed once
    created; a change to the article is a new publication.
    """

    class Kind(models.TextChoices):
        FIRST = "first", _("First publication")
        UPDATE = "update", _("Update")
        CORRECTION = "correction", _("Correction")
        CLARIFICATION = "clarification", _("Clarification")
        TYPO = "typo", _("Typo fix")
        WITHDRAWAL = "withdrawal", _("Withdrawal")

    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, related_name="publications"
    )
    version = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    note = models.TextField(
        _("public note"),
        blank=True,
        help_text=_("Shown to readers in the update history."),
    )
    published_at = models.DateTimeField(
        _("published at"),
        help_text=_("Readers see this version from this time on."),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Denormalised from the frozen content for lists, feeds and lookups.
    slug = models.SlugField(max_length=200)
    title = models.CharField(max_length=300)
    excerpt = models.TextField(blank=True)
    body_text = models.TextField(blank=True, help_text=_("Plain text, for search."))
    checked_on = models.DateField(null=True, blank=True)
    first_published_at = models.DateTimeField()
    topics = models.ManyToManyField(Topic, blank=True, related_name="publications")
    authors = models.ManyToManyField(Author, blank=True, related_name="publications")
    content = models.JSONField(default=dict)
    draft_digest = models.CharField(
        max_length=64,
        blank=True,
        help_text=_(
            "Digest of the draft it was made from, to spot unpublished changes."
        ),
    )
    # Derived from the frozen content by articles.search.index() at publish
    # time, for search and its rating filter.
    search_document = SearchVectorField(null=True, editable=False)
    search_head = SearchVectorField(null=True, editable=False)
    ratings = models.CharField(max_length=200, blank=True, editable=False)
    # Drawn once at publish time by articles.social.save_card().
    social_card = models.FileField(blank=True, editable=False)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["article", "-version"]
        get_latest_by = "version"
        indexes = [
            models.Index(fields=["slug", "published_at"]),
            models.Index(fields=["first_published_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "version"],
                name="articles_publication_unique_version",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1),
                name="articles_publication_version_positive",
            ),
            models.CheckConstraint(
                condition=(Q(version=1) & Q(kind="first"))
                | (Q(version__gt=1) & ~Q(kind="first")),
                name="articles_publication_first_is_version_one",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["first", "typo"]) | ~Q(note=""),
                name="articles_publication_note_required",
            ),
        ]

    def __str__(self):
        return f"{self.title} (v{self.version}, {self.get_kind_display().lower()})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(
                _("A publication is a public record and cannot be changed.")
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def is_withdrawn(self):
        return self.kind == self.Kind.WITHDRAWAL

    def is_scheduled(self):
        return self.published_at > timezone.now()

    def page_content(self) -> dict:
        """The frozen content in the current schema, whatever it was made with."""
        return upgrade(self.content)

    def history(self):
        """Every public version up to this one, oldest first."""
        return [
            {
                **entry,
                "published_at": datetime.fromisoformat(entry["published_at"]),
                "kind_label": str(Publication.Kind(entry["kind"]).label),
            }
            for entry in self.page_content()["history"]
        ]


# Readers in the loop (issue 15): search vocabulary and reader questions.


class SearchWord(models.Model):
    """
    A word of the live documents, for search's "did you mean" (trigram
    similarity, PostgreSQL). Filled by `articles.search.index()`.
    """

    word = models.CharField(max_length=40, unique=True)

    def __str__(self):
        return self.word


class ReaderQuestion(models.Model):
    """
    A claim a reader asked us to check (/ask/), and how staff triaged it.
    The email, given only with consent, is kept until we have written to
    say the fact check is out, or for `articles.asking.EMAIL_RETENTION_DAYS`
    at most (`manage.py purge_reader_emails`).
    """

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACCEPTED = "accepted", _("Accepted")
        DUPLICATE = "duplicate", _("Duplicate")
        DECLINED = "declined", _("Declined")

    claim = models.TextField(
        _("the claim"),
        max_length=2_000,
        help_text=_("What was said or written, as exactly as you can."),
    )
    seen_at = models.CharField(
        _("where you saw it"),
        max_length=500,
        blank=True,
        help_text=_("A link, or a description such as “TV debate, 3 May”."),
    )
    email = models.EmailField(_("your email (optional)"), blank=True)
    consent = models.BooleanField(_("consent to be emailed"), default=False)
    fingerprint = models.CharField(max_length=64, editable=False, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.NEW
    )
    fact_check = models.ForeignKey(
        Article,
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
