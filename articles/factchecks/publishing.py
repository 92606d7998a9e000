"""
Publishing: freezing a draft article into an immutable Publication, and the
other acts on the public record (withdrawing, cancelling a scheduled
version). Each is a plain function taking `user=`; the admin's views call
them and turn their ValidationErrors into messages.

Rendering happens here, once, so that serving a page does none of it. The
article is locked once, with its latest publication and what the later
steps would each look up, and its draft loaded once: a frozen
`locking.LockedDraft`, whose values each step is given. `publish()` costs
the same number of queries whatever the article's size (pinned in
tests/articles/test_state.py).
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from articles.newsroom import approvals, workflow
from articles.readers import asking, search
from factually import pagecache
from factually.text import normalise

from . import changes
from . import draft_previews as previews
from . import publish_checks as validation
from . import render_limits as limits
from . import social_cards as social
from .frozen_content import render_draft
from .locking import LockedDraft, lock, lock_draft
from .models import Article
from .prerendered_pages import prerender, rerender
from .publications import Publication, removals_of
from .removals import VersionRemoval
from .schema import SCHEMA_VERSION
from .shape import Draft

WITHDRAWAL = Publication.Kind.WITHDRAWAL


def _history_entry(*, version, kind, note, published_at, details=(), ratings=()):
    return {
        "version": version,
        "kind": kind,
        "note": note,
        "details": list(details),
        "ratings": list(ratings),
        "published_at": published_at.isoformat(),
    }


def shown_before(latest: Publication | None) -> Publication | None:
    """The last version readers were shown text of, before the next one."""
    if latest is None or not latest.is_withdrawn():
        return latest
    return (
        latest.article.publications.exclude(kind=WITHDRAWAL)
        .order_by("-version")
        .first()
    )


def change_since(previous: Publication | None, draft: Draft):
    """What publishing the draft would change for readers (None: nothing before)."""
    if previous is None:
        return None
    return changes.between(previous.page_content()["draft"], draft.data())


def retire_pages(publication: Publication) -> None:
    """
    Retire the cached pages a new publication changes, once it commits: its
    own, and the lists, feeds, sitemap, search and related links that show
    it (so every page); a scheduled one at its time.
    """
    if publication.is_scheduled():
        pagecache.invalidate_all(at=publication.published_at)
    else:
        pagecache.invalidate_all()


def _rule_errors(latest, *, kind, note, published_at) -> list[str]:
    """The rules every new publication follows, whatever its content."""
    errors = []
    if latest is None and kind != Publication.Kind.FIRST:
        errors.append(_("This fact check has never been published: publish it first."))
    if latest is not None and kind == Publication.Kind.FIRST:
        errors.append(_("This fact check is already published: choose another kind."))
    if not note.strip() and kind not in Publication.UNNOTED_KINDS:
        errors.append(_("Write a public note saying what changed and why."))
    if latest is not None and latest.published_at > published_at:
        errors.append(
            _(
                "Version %(version)s is scheduled for %(when)s. Publish after it, "
                "or cancel it first."
            )
            % {
                "version": latest.version,
                "when": date_format(
                    timezone.localtime(latest.published_at), "DATETIME_FORMAT"
                ),
            }
        )
    return errors


def _new_publication(
    draft: Draft, *, latest, kind, note, published_at, address_taken_by, user=None
):
    """
    The next publication of the draft, unsaved, what blocks publishing it,
    and what it changes for readers. `address_taken_by`: the title of
    another fact check published at the draft's address, if any.
    """
    article = draft.article
    # What is over the rendering limits is left out, never rendered.
    rendered = render_draft(limits.renderable(draft))
    data = draft.data()
    version = latest.version + 1 if latest else 1
    previous = shown_before(latest)
    change = change_since(previous, draft)
    content = rendered.content
    content["draft"] = data
    content["changes"] = (
        changes.for_readers(change, against=previous.version) if change else None
    )
    rated_at = changes.review_dates(
        previous.page_content() if previous else None, data, published_at
    )
    for claim, when in zip(content["claims"], rated_at, strict=True):
        claim["rated_at"] = when
    content["history"] = (latest.page_content()["history"] if latest else []) + [
        _history_entry(
            version=version,
            kind=kind,
            note=note,
            published_at=published_at,
            details=change.details if change else (),
            ratings=change.rating_changes() if change else (),
        )
    ]
    publication = Publication(
        article=article,
        version=version,
        kind=kind,
        note=note,
        published_at=published_at,
        published_by=user,
        slug=article.slug,
        title=article.title,
        excerpt=rendered.excerpt,
        body_text=rendered.body_text,
        checked_on=article.checked_on,
        first_published_at=latest.first_published_at if latest else published_at,
        content=content,
        draft_digest=draft.digest(),
        no_donation_ask=article.no_donation_ask,
    )
    # Stored for the search's rating filter, with the row's own insert.
    publication.ratings = search.ratings_of(publication)
    found = validation.problems(draft, rendered, address_taken_by=address_taken_by)
    return publication, found, change


def preview(draft: Draft) -> tuple[Publication, list[str]]:
    """
    The draft as readers would see it if it were published now (unsaved),
    and the problems that would stop it being published. Kept in the cache
    by the draft's digest (`articles.factchecks.draft_previews`).
    """
    latest = draft.article.latest_publication()
    kind = Publication.Kind.UPDATE if latest else Publication.Kind.FIRST

    def render():
        publication, found, _change = _new_publication(
            draft,
            latest=latest,
            kind=kind,
            note="",
            published_at=timezone.now(),
            address_taken_by=validation.address_taken_by(draft.article),
        )
        # A fact check never published has no version removed from view.
        prerender(publication, removals={} if latest is None else None)
        return publication, found

    return previews.cached(draft, latest, render)


def kind_errors(latest: Publication | None, change, kind: str) -> list[str]:
    """Why `kind` would not tell readers the truth about this publication."""
    if latest is None:
        return []
    if latest.is_withdrawn():
        # Readers have no earlier text to compare with, but they did see
        # the verdicts before the withdrawal.
        return changes.kind_errors(None, kind) or changes.verdict_errors(change, kind)
    return changes.kind_errors(change, kind)


def publish(
    *,
    article: Article,
    kind: str,
    note: str = "",
    user=None,
    published_at: datetime | None = None,
    expected_digest: str | None = None,
    override_reason: str | None = None,
) -> Publication:
    """
    Freeze the article as its next public version. A `published_at` in the
    future schedules it. With `expected_digest`, refuse if the draft is no
    longer the one the editor reviewed. Raises ValidationError listing every
    problem. A draft must be approved unless `override_reason` says why not.
    """
    if kind == WITHDRAWAL:
        raise ValueError("Use withdraw() to withdraw an article.")
    # The note is frozen into the content as given: in its stored form.
    note = normalise(note)
    published_at = published_at or timezone.now()
    with transaction.atomic():
        # What is saved now, not what the caller may have loaded before,
        # with what the later steps would otherwise each look up.
        locked = lock_draft(article)
        latest = locked.latest
        # Four eyes on exactly this draft (articles/approvals.py): its digest
        # is computed now, so no change escapes it, whatever path it took.
        approvals.check_may_publish(
            article=locked.article,
            digest=locked.draft.digest(),
            user=user,
            override_reason=override_reason,
        )
        errors = _rule_errors(latest, kind=kind, note=note, published_at=published_at)
        publication, found, change = _new_publication(
            locked.draft,
            latest=latest,
            kind=kind,
            note=note,
            published_at=published_at,
            address_taken_by=locked.address_taken_by,
            user=user,
        )
        errors += kind_errors(latest, change, kind)
        if expected_digest and expected_digest != publication.draft_digest:
            errors.append(
                _(
                    "The draft was saved again after you reviewed it. Check what "
                    "readers will see now and confirm again."
                )
            )
        if errors or found:
            raise ValidationError(errors + found)
        _save(publication, locked, user=user, override_reason=override_reason)
    asking.notify_askers(publication=publication, anyone_waiting=locked.askers_waiting)
    return publication


def _save(publication, locked: LockedDraft, *, user, override_reason) -> None:
    """Store a publication `publish()` allowed, and all that goes with it."""
    # The card first: the page's sharing tags name it.
    social.save_card(publication=publication)
    # Its history shows the versions removed from public view, if any was.
    prerender(
        publication,
        removals=removals_of(locked.article.pk) if locked.any_removed else {},
    )
    publication.save()
    retire_pages(publication)
    publication.topics.add(*locked.draft.topics)
    publication.authors.add(*locked.draft.authors)
    search.index(publication)
    # Also stores the draft's digest, which is the publication's.
    workflow.record_publication(
        publication=publication,
        user=user,
        override_reason=override_reason,
        revisions_until=locked.revisions_until,
        revision_id=locked.latest_revision_id,
    )


def withdraw(
    *,
    article: Article,
    note: str,
    user=None,
    published_at: datetime | None = None,
) -> Publication:
    """Take a published article off the site, leaving the note at its address."""
    note = normalise(note)
    published_at = published_at or timezone.now()
    with transaction.atomic():
        article, latest = lock(article)
        errors = _rule_errors(
            latest, kind=WITHDRAWAL, note=note, published_at=published_at
        )
        if latest is not None and latest.is_withdrawn():
            errors = [_("This fact check is already withdrawn.")]
        if errors:
            raise ValidationError(errors)
        version = latest.version + 1
        entry = _history_entry(
            version=version, kind=WITHDRAWAL, note=note, published_at=published_at
        )
        withdrawal = Publication.objects.create(
            article=article,
            version=version,
            kind=WITHDRAWAL,
            note=note,
            published_at=published_at,
            published_by=user,
            slug=latest.slug,
            title=latest.title,
            excerpt=latest.excerpt,
            checked_on=latest.checked_on,
            first_published_at=latest.first_published_at,
            content={
                "schema": SCHEMA_VERSION,
                "history": latest.page_content()["history"] + [entry],
            },
            draft_digest=latest.draft_digest,
        )
        retire_pages(withdrawal)
        workflow.record_withdrawal(publication=withdrawal, user=user)
    return withdrawal


def cancel_scheduled(*, article: Article, user=None) -> Publication:
    """
    Remove the scheduled version before its time. It has never been seen by
    readers, so removing it hides nothing from the public record. Returns the
    removed publication (unsaved).
    """
    with transaction.atomic():
        article, latest = lock(article)
        if latest is None or not latest.is_scheduled():
            raise ValidationError(_("Nothing is scheduled."))
        Publication.objects.filter(pk=latest.pk).delete()
        # Cached pages stay set to be retired at its time: harmless, since
        # retiring a page only means rendering it again.
        workflow.record_cancelled(publication=latest, user=user)
    return latest


def remove_version(*, publication: Publication, note: str, user=None) -> VersionRemoval:
    """
    Take one version off public view for legal reasons, leaving a public
    note at its address. It leaves every list of versions and notes (the
    update history keeps a tombstone with the note: `Publication.history()`;
    the corrections log, the feeds and the structured data list public()
    versions only), and the later versions' pages, which show that history,
    are rendered again. The version readers see now at the fact check's
    address cannot be removed: withdraw the fact check first.
    """
    note = normalise(note)
    if not note.strip():
        raise ValidationError(_("Write the public note left in its place."))
    with transaction.atomic():
        lock(publication.article)
        if VersionRemoval.objects.filter(publication=publication).exists():
            raise ValidationError(_("This version is already removed."))
        current = Publication.objects.current().filter(article=publication.article)
        if current.filter(pk=publication.pk).exists():
            raise ValidationError(
                _(
                    "Readers see this version now: withdraw the fact check before "
                    "removing it."
                )
                if not publication.is_withdrawn()
                else _(
                    "Readers see this withdrawal notice at the fact check's address "
                    "now: it cannot be removed."
                )
            )
        if publication.is_scheduled():
            raise ValidationError(
                _("A scheduled version has not been seen: cancel it instead.")
            )
        removal = VersionRemoval.objects.create(
            publication=publication, note=note, removed_by=user
        )
        # Later versions' pages show it in their history and structured
        # data; a withdrawal's page is rendered when served.
        for later in publication.article.publications.filter(
            version__gt=publication.version
        ).exclude(kind=WITHDRAWAL):
            rerender(later)
        pagecache.invalidate_all()
    return removal
