"""
The editors' desk on the admin's home page: short lists of what needs the
user (their drafts, reviews waiting for them, changes asked of them), what
is due, what is scheduled and what was recently published or corrected,
each with its count, and their unread notifications.

A fixed number of queries whatever the number of articles: one count query
for the article lists, one for the publication lists, one per list for its
first few rows, and two for notifications.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article, Notification, Publication

SIZE = 5
RECENT_PUBLISHED_DAYS = 7
RECENT_CORRECTED_DAYS = 30


@dataclass
class DeskList:
    key: str
    title: str
    count: int
    items: list
    more_url: str = ""
    empty: str = ""


@dataclass
class Desk:
    lists: list[DeskList] = field(default_factory=list)
    unread: int = 0
    notifications: list = field(default_factory=list)
    notifications_url: str = ""


def _changelist(model, **filters):
    url = reverse(f"admin:articles_{model}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def _count_filter(queryset):
    """The WHERE of a queryset over Article, for a filtered Count()."""
    return Q(pk__in=queryset.values("pk"))


def for_user(user, *, size: int = SIZE) -> Desk | None:
    """The desk as `user` sees it, or None for staff outside the newsroom."""
    if not user.has_perm("articles.view_article"):
        return None
    articles = Article.objects.select_related("assigned_writer", "assigned_reviewer")
    can_review = user.has_perm("articles.review_article")
    article_lists = [
        (
            "mine",
            _("My drafts"),
            articles.drafts_of(user).order_by(
                F("due_on").asc(nulls_last=True), "-updated_at"
            ),
            _changelist("article", assigned_writer__id__exact=user.pk),
            _("No drafts assigned to you."),
        ),
        *(
            [
                (
                    "review",
                    _("Awaiting my review"),
                    articles.awaiting_review_by(user).order_by(
                        "review_changed_at", "pk"
                    ),
                    _changelist("article", review_state__exact="ready"),
                    _("Nothing is waiting for your review."),
                )
            ]
            if can_review
            else []
        ),
        (
            "changes",
            _("Changes requested of me"),
            articles.changes_requested_of(user).order_by("-review_changed_at"),
            _changelist("article", review_state__exact="changes"),
            _("No changes asked of you."),
        ),
        (
            "due",
            _("Due soon or overdue"),
            articles.due_soon().order_by("due_on", "pk"),
            _changelist("article", due="soon"),
            _("Nothing due in the next 3 days."),
        ),
    ]
    now = timezone.now()
    publications = Publication.objects.only(
        "article_id", "title", "version", "kind", "published_at"
    )
    publication_lists = [
        (
            "scheduled",
            _("Scheduled"),
            publications.filter(published_at__gt=now).order_by("published_at"),
            "",
            _("Nothing is scheduled."),
        ),
        (
            "published",
            _("Recently published"),
            publications.filter(
                published_at__lte=now,
                published_at__gte=now - timedelta(days=RECENT_PUBLISHED_DAYS),
                kind__in=[Publication.Kind.FIRST, Publication.Kind.UPDATE],
            ).order_by("-published_at"),
            _changelist("publication"),
            _("Nothing published in the last 7 days."),
        ),
        (
            "corrected",
            _("Recently corrected"),
            publications.filter(
                published_at__lte=now,
                published_at__gte=now - timedelta(days=RECENT_CORRECTED_DAYS),
                kind__in=Publication.CORRECTIONS_LOG_KINDS,
            ).order_by("-published_at"),
            _changelist("publication", kind__exact=Publication.Kind.CORRECTION),
            _("No corrections in the last 30 days."),
        ),
    ]
    counts = Article.objects.aggregate(
        **{
            key: Count("pk", filter=_count_filter(queryset))
            for key, _title, queryset, _url, _empty in article_lists
        }
    )
    counts |= Publication.objects.aggregate(
        **{
            key: Count("pk", filter=Q(pk__in=queryset.values("pk")))
            for key, _title, queryset, _url, _empty in publication_lists
        }
    )
    desk = Desk()
    for key, title, queryset, url, empty in article_lists + publication_lists:
        desk.lists.append(
            DeskList(
                key=key,
                title=title,
                count=counts[key],
                items=list(queryset[:size]),
                more_url=url,
                empty=empty,
            )
        )
    mine = Notification.objects.for_user(user).unread()
    desk.unread = mine.count()
    desk.notifications = list(mine[:size])
    desk.notifications_url = _changelist("notification")
    return desk
