"""
What state a fact check is in, answered once: `ArticleQuerySet.
with_publication_state()` works it out in SQL for any number of articles,
and `PublicationState` is the small value the admin shows (“Published v2 ·
v3 scheduled for … · unpublished changes”).

One clock (`now`, read once per query) and one definition of unpublished
changes (the draft as last saved differs from the latest publication, or a
source it cites was edited after it) serve the change list, its filter, the
change form, the history page and publishing alike. `NewsroomQuerySet`
adds where each stands in the review workflow, for the editors' desk.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .kinds import Kind

WITHDRAWAL = Kind.WITHDRAWAL


class ArticleQuerySet(models.QuerySet):
    def with_publication_state(self, now: datetime | None = None):
        """
        Annotate the latest publication (a scheduled one included), the live
        one (the latest whose time has come, a withdrawal included) and
        whether the draft has changes readers have not been given.
        """
        now = now or timezone.now()
        publication = self.model._meta.get_field("publications").related_model
        citation = self.model._meta.get_field("citations").related_model
        publications = publication.objects.filter(article=OuterRef("pk")).order_by(
            "-version"
        )
        due = publications.filter(published_at__lte=now)

        def latest(queryset, field):
            return Subquery(queryset.values(field)[:1])

        annotated = self.annotate(
            latest_version=latest(publications, "version"),
            latest_published_at=latest(publications, "published_at"),
            latest_created_at=latest(publications, "created_at"),
            latest_digest=latest(publications, "draft_digest"),
            live_version=latest(due, "version"),
            live_kind=latest(due, "kind"),
        )
        # Sources are shared records, saved without touching the articles
        # that cite them, so an edit to one counts here rather than in the
        # article's stored digest.
        source_edited = citation.objects.filter(
            article=OuterRef("pk"),
            source__updated_at__gt=OuterRef("latest_created_at"),
        )
        return annotated.annotate(
            has_unpublished_changes=Q(latest_version__isnull=False)
            & (~Q(draft_digest=F("latest_digest")) | Exists(source_edited)),
            state_checked_at=models.Value(now, output_field=models.DateTimeField()),
        )

    # Filters over `with_publication_state()`.

    def never_published(self):
        return self.filter(latest_version__isnull=True)

    def live(self):
        """Articles readers can read now."""
        return self.filter(live_version__isnull=False).exclude(live_kind=WITHDRAWAL)

    def withdrawn(self):
        return self.filter(live_kind=WITHDRAWAL)

    def scheduled(self):
        """Articles whose latest version is due later."""
        return self.filter(latest_published_at__gt=F("state_checked_at"))

    def with_unpublished_changes(self):
        return self.filter(has_unpublished_changes=True)


class NewsroomQuerySet(ArticleQuerySet):
    """Articles by where they stand in the newsroom's review workflow."""

    def in_progress(self):
        """Drafts not yet published as they stand."""
        return self.exclude(review_state=self.model.ReviewState.PUBLISHED)

    def drafts_of(self, user):
        return self.in_progress().filter(assigned_writer=user)

    def awaiting_review_by(self, user):
        """Ready for review, assigned to `user` or to nobody, and not theirs."""
        return (
            self.filter(review_state=self.model.ReviewState.READY)
            .filter(Q(assigned_reviewer=user) | Q(assigned_reviewer__isnull=True))
            .exclude(submitted_by=user)
        )

    def changes_requested_of(self, user):
        return self.filter(
            review_state=self.model.ReviewState.CHANGES_REQUESTED
        ).filter(Q(assigned_writer=user) | Q(submitted_by=user))

    def overdue(self):
        """Unpublished work whose due date has passed."""
        return self.in_progress().filter(due_on__lt=timezone.localdate())

    def due_soon(self, days: int = 3):
        """Unpublished work due within `days` days, overdue work included."""
        return self.in_progress().filter(
            due_on__lte=timezone.localdate() + timedelta(days=days)
        )


@dataclass(frozen=True)
class PublicationState:
    """An article's public state, as `with_publication_state()` found it."""

    ever_published: bool
    live_version: int | None
    withdrawn: bool
    scheduled_version: int | None
    scheduled_at: datetime | None
    has_unpublished_changes: bool

    @classmethod
    def of(cls, article) -> "PublicationState":
        """The state from an article annotated by `with_publication_state()`."""
        scheduled = (
            article.latest_published_at is not None
            and article.latest_published_at > article.state_checked_at
        )
        return cls(
            ever_published=article.latest_version is not None,
            live_version=None
            if article.live_kind == WITHDRAWAL
            else article.live_version,
            withdrawn=article.live_kind == WITHDRAWAL,
            scheduled_version=article.latest_version if scheduled else None,
            scheduled_at=article.latest_published_at if scheduled else None,
            has_unpublished_changes=bool(article.has_unpublished_changes),
        )

    @property
    def is_live(self) -> bool:
        return self.live_version is not None

    def __str__(self):
        if self.withdrawn:
            parts = [_("Withdrawn")]
        elif self.is_live:
            parts = [_("Published v%(version)s") % {"version": self.live_version}]
        else:
            parts = [_("Draft")]
        if self.scheduled_version is not None:
            parts.append(
                _("v%(version)s scheduled for %(when)s")
                % {
                    "version": self.scheduled_version,
                    "when": date_format(
                        timezone.localtime(self.scheduled_at), "SHORT_DATETIME_FORMAT"
                    ),
                }
            )
        if self.has_unpublished_changes:
            parts.append(_("unpublished changes"))
        return " · ".join(parts)
