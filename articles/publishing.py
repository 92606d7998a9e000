"""
Publishing: freezing a draft article into an immutable Publication, and the
other acts on the public record (withdrawing, cancelling a scheduled
version). Each is a plain function taking `user=`; the admin's views call
them and turn their ValidationErrors into messages.

Rendering happens here, once, so that serving a page does none of it. The
draft is loaded once (`shape.load`) and handed to every step.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import asking, search, social
from .content import render_draft
from .models import Article, Publication
from .shape import Draft, load
from .validation import problems

WITHDRAWAL = Publication.Kind.WITHDRAWAL


def _history_entry(*, version, kind, note, published_at):
    return {
        "version": version,
        "kind": kind,
        "note": note,
        "published_at": published_at.isoformat(),
    }


def _lock(article: Article) -> None:
    """Serialise publishing acts on one article until the transaction ends."""
    Article.objects.select_for_update().filter(pk=article.pk).first()


def _rule_errors(latest, *, kind, note, published_at) -> list[str]:
    """The rules every new publication follows, whatever its content."""
    errors = []
    if latest is None and kind != Publication.Kind.FIRST:
        errors.append(_("This fact check has never been published: publish it first."))
    if latest is not None and kind == Publication.Kind.FIRST:
        errors.append(_("This fact check is already published: choose another kind."))
    if not note.strip() and kind not in (Publication.Kind.FIRST, Publication.Kind.TYPO):
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


def _new_publication(draft: Draft, *, latest, kind, note, published_at, user=None):
    """The next publication of the draft, unsaved, and what blocks publishing it."""
    article = draft.article
    rendered = render_draft(draft)
    data = draft.data()
    version = latest.version + 1 if latest else 1
    content = rendered.content
    content["draft"] = data
    content["history"] = (latest.page_content()["history"] if latest else []) + [
        _history_entry(version=version, kind=kind, note=note, published_at=published_at)
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
    )
    return publication, problems(draft, rendered)


def preview(draft: Draft) -> tuple[Publication, list[str]]:
    """
    The draft as readers would see it if it were published now (unsaved),
    and the problems that would stop it being published.
    """
    latest = draft.article.latest_publication()
    kind = Publication.Kind.UPDATE if latest else Publication.Kind.FIRST
    return _new_publication(
        draft, latest=latest, kind=kind, note="", published_at=timezone.now()
    )


def publish(
    *,
    article: Article,
    kind: str,
    note: str = "",
    user=None,
    published_at: datetime | None = None,
    expected_digest: str | None = None,
) -> Publication:
    """
    Freeze the article as its next public version. A `published_at` in the
    future schedules it. With `expected_digest`, refuse if the draft is no
    longer the one the editor reviewed. Raises ValidationError listing every
    problem.
    """
    if kind == WITHDRAWAL:
        raise ValueError("Use withdraw() to withdraw an article.")
    published_at = published_at or timezone.now()
    with transaction.atomic():
        _lock(article)
        # What is saved now, not what the caller may have loaded before.
        draft = load(article)
        latest = article.latest_publication()
        errors = _rule_errors(latest, kind=kind, note=note, published_at=published_at)
        publication, found = _new_publication(
            draft,
            latest=latest,
            kind=kind,
            note=note,
            published_at=published_at,
            user=user,
        )
        if expected_digest and expected_digest != publication.draft_digest:
            errors.append(
                _(
                    "The draft was saved again after you reviewed it. Check what "
                    "readers will see now and confirm again."
                )
            )
        if errors or found:
            raise ValidationError(errors + found)
        publication.save()
        publication.topics.add(*draft.topics)
        publication.authors.add(*draft.authors)
        search.index(publication)
        if article.draft_digest != publication.draft_digest:
            article.draft_digest = publication.draft_digest
            Article.objects.filter(pk=article.pk).update(
                draft_digest=article.draft_digest
            )
    social.save_card(publication=publication)
    asking.notify_askers(publication=publication)
    return publication


def withdraw(
    *,
    article: Article,
    note: str,
    user=None,
    published_at: datetime | None = None,
) -> Publication:
    """Take a published article off the site, leaving the note at its address."""
    published_at = published_at or timezone.now()
    with transaction.atomic():
        _lock(article)
        latest = article.latest_publication()
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
        return Publication.objects.create(
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
                "schema": latest.page_content()["schema"],
                "history": latest.page_content()["history"] + [entry],
            },
            draft_digest=latest.draft_digest,
        )


def cancel_scheduled(*, article: Article) -> Publication:
    """
    Remove the scheduled version before its time. It has never been seen by
    readers, so removing it hides nothing from the public record. Returns the
    removed publication (unsaved).
    """
    with transaction.atomic():
        _lock(article)
        latest = article.latest_publication()
        if latest is None or not latest.is_scheduled():
            raise ValidationError(_("Nothing is scheduled."))
        Publication.objects.filter(pk=latest.pk).delete()
    return latest
