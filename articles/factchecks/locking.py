"""
What the acts on the public record act on: an article's row locked until
the transaction ends, read in one query with its latest publication and,
for publishing, whatever the later steps would each look up.

`lock_draft()` returns a frozen `LockedDraft` that `publishing.publish()`
hands to each step as plain values: the steps read what is in it, never
attributes left on the article by a query. `lock()` is the same lock with
only the latest publication, for withdrawing and cancelling.
"""

from dataclasses import dataclass

from django.db.models import (
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from articles.newsroom import approvals, workflow
from articles.readers import asking

from . import publish_checks as validation
from .models import Article
from .publications import Publication
from .removals import VersionRemoval
from .shape import Draft, load


@dataclass(frozen=True)
class LockedDraft:
    """An article as saved now, locked, with all publishing reads of it."""

    # The row, locked until the transaction ends, and its parts.
    article: Article
    draft: Draft
    # The newest publication, scheduled or withdrawal included, or None.
    latest: Publication | None
    # The title of another fact check published at this article's address.
    address_taken_by: str | None
    # The draft's latest django-reversion revision, named by the audit entry.
    latest_revision_id: int | None
    # The newest revision of anything: later ones are changes made since.
    revisions_until: int | None
    # Whether readers asked for this fact check and wait to be told.
    askers_waiting: bool
    # Whether any version was removed from public view (else none to read).
    any_removed: bool


def _locked(article: Article) -> QuerySet:
    """The article's row, locked, with its latest publication joined in."""
    newest = Publication.objects.filter(article=OuterRef("pk")).order_by("-version")
    return (
        Article.objects.select_for_update(of=("self",))
        .annotate(
            joined_latest=FilteredRelation(
                "publications",
                condition=Q(
                    publications__version=Subquery(newest.values("version")[:1])
                ),
            ),
            # Null when there is none, where the join sets no attribute.
            joined_latest_pk=F("joined_latest__pk"),
        )
        .select_related("joined_latest")
        .filter(pk=article.pk)
    )


def _latest(row: Article) -> Publication | None:
    return row.joined_latest if row.joined_latest_pk is not None else None


def lock(article: Article) -> tuple[Article, Publication | None]:
    """
    The article as saved now, locked, and its latest publication, in one
    query: acts on one article's public record are serialised until the
    transaction ends.
    """
    row = _locked(article).get()
    return row, _latest(row)


def lock_draft(article: Article) -> LockedDraft:
    """
    The article locked (`lock()`) with what publishing it reads, in one
    query, and its draft loaded once (`shape.load`).
    """
    row = (
        _locked(article)
        .annotate(
            address_taken_by=validation.address_taken_by_sql(),
            latest_revision_id=workflow.latest_revision_id_sql(),
            revisions_until=approvals.latest_revision_id_sql(),
            askers_waiting=asking.askers_waiting_sql(),
            any_removed=any_removed_sql(),
        )
        .get()
    )
    return LockedDraft(
        article=row,
        draft=load(row),
        latest=_latest(row),
        address_taken_by=row.address_taken_by,
        latest_revision_id=row.latest_revision_id,
        revisions_until=row.revisions_until,
        askers_waiting=bool(row.askers_waiting),
        any_removed=bool(row.any_removed),
    )


def any_removed_sql():
    """SQL: whether any version of the article was removed from public view."""
    return Exists(VersionRemoval.objects.filter(publication__article=OuterRef("pk")))
