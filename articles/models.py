import secrets
from datetime import datetime, timedelta

import reversion
from django.conf import settings
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

PREVIEW_MAX_AGE = timedelta(days=7)


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


class NewsroomQuerySet(ArticleQuerySet):
    """Articles by where they stand in the newsroom's review workflow."""

    def in_progress(self):
        """Drafts not yet published as they stand."""
        return self.exclude(review_state=Article.ReviewState.PUBLISHED)

    def drafts_of(self, user):
        return self.in_progress().filter(assigned_writer=user)

    def awaiting_review_by(self, user):
        """Ready for review, assigned to `user` or to nobody, and not theirs."""
        return (
            self.filter(review_state=Article.ReviewState.READY)
            .filter(Q(assigned_reviewer=user) | Q(assigned_reviewer__isnull=True))
            .exclude(submitted_by=user)
        )

    def changes_requested_of(self, user):
        return self.filter(review_state=Article.ReviewState.CHANGES_REQUESTED).filter(
            Q(assigned_writer=user) | Q(submitted_by=user)
        )

    def overdue(self):
        """Unpublished work whose due date has passed."""
        return self.in_progress().filter(due_on__lt=timezone.localdate())

    def due_soon(self, days: int = 3):
        """Unpublished work due within `days` days, overdue work included."""
        return self.in_progress().filter(
            due_on__lte=timezone.localdate() + timedelta(days=days)
        )


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

    # The newsroom's review workflow: changed only by articles/workflow.py.
    review_state = models.CharField(
        _("review"),
        max_length=20,
        choices=ReviewState,
        default=ReviewState.WRITING,
        editable=False,
    )
    review_note = models.TextField(_("review note"), blank=True, editable=False)
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

    def is_approved(self) -> bool:
        """Approved (or published) as the draft now stands."""
        return (
            self.review_state in (self.ReviewState.APPROVED, self.ReviewState.PUBLISHED)
            and self.approved_digest == self.draft_digest
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


@reversion.register()
class ReviewComment(models.Model):
    """
    A reviewer's (or writer's) comment on a draft, or on one of its parts;
    answers hang off the comment they answer. Never published. Each comment
    keeps the id of the draft revision it was written on, so the history can
    show what it was about; it is not itself part of the draft's revisions,
    so reverting the draft never deletes the discussion (see README).
    """

    class Part(models.TextChoices):
        DRAFT = "draft", _("Whole draft")
        SUMMARY = "summary", _("Executive summary")
        SECTION = "section", _("Section")
        CLAIM = "claim", _("Claim")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="review_comments"
    )
    part_kind = models.CharField(
        _("on"), max_length=20, choices=Part, default=Part.DRAFT
    )
    part_id = models.PositiveIntegerField(
        _("part id"),
        null=True,
        blank=True,
        help_text=_("The id of the section or claim commented on."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name=_("answers"),
    )
    body = models.TextField(_("comment"), max_length=5_000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    revision = models.ForeignKey(
        "reversion.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on the revision"),
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        constraints = [
            models.CheckConstraint(
                condition=Q(part_kind__in=["section", "claim"], part_id__isnull=False)
                | Q(part_kind__in=["draft", "summary"], part_id__isnull=True),
                name="articles_reviewcomment_part_id_for_parts",
            ),
        ]

    def __str__(self):
        return self.body[:80]

    def is_open(self) -> bool:
        return self.resolved_at is None


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A note in a staff member's admin: a draft submitted, approved, sent back."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("for"),
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fact check"),
    )
    message = models.CharField(_("message"), max_length=500)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.message


def new_preview_token() -> str:
    return secrets.token_urlsafe(32)


class PreviewLinkQuerySet(models.QuerySet):
    def usable(self, now: datetime | None = None):
        """
        Links that still open the draft: not revoked, not expired, and made
        after the article's latest publication or withdrawal (a link shows a
        draft, so publishing or withdrawing the article ends it).
        """
        now = now or timezone.now()
        since = Publication.objects.filter(
            article=OuterRef("article"), created_at__gte=OuterRef("created_at")
        )
        withdrawn = Publication.objects.current().filter(
            article=OuterRef("article"), kind=Publication.Kind.WITHDRAWAL
        )
        return self.filter(revoked_at__isnull=True, expires_at__gt=now).exclude(
            Exists(since) | Exists(withdrawn)
        )

    def find(self, *, article_id: int, token: str):
        """The usable link with this token for this article, or None."""
        return (
            self.usable()
            .select_related("article")
            .filter(article_id=article_id, token=token)
            .first()
        )


class PreviewLink(models.Model):
    """A private link to a draft's preview, for an outside reviewer."""

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="preview_links",
        verbose_name=_("fact check"),
    )
    token = models.CharField(
        max_length=64, unique=True, default=new_preview_token, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("made"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")

    def __str__(self):
        return _("Preview link for “%(title)s”") % {"title": self.article.title}

    def save(self, *args, **kwargs):
        if self.expires_at is None:
            self.expires_at = (self.created_at or timezone.now()) + PREVIEW_MAX_AGE
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "articles:shared_preview",
            kwargs={"pk": self.article_id, "token": self.token},
        )

    def is_usable(self) -> bool:
        return PreviewLink.objects.usable().filter(pk=self.pk).exists()
