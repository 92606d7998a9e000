"""
The newsroom's review workflow: a draft goes writing → ready for review →
changes requested or approved → published, and nobody publishes a draft no
reviewer approved unless an editor overrides, with a reason, on the record.

Each transition is a plain function taking `user=`: it checks the user's
permission (PermissionDenied) and the draft's state (ValidationError, with a
message to show), changes the article, records the act in the audit trail
and notifies the people concerned: `_transition()` is that shape, and
`_step()` its last three parts, which the steps other acts cause (a save
after approval) take too; publishing moves the draft and records it with
what it read of the article (`record_publication()`). The admin's views
call these and turn the errors into messages; nothing here knows about
requests. Comments on a draft are in `articles.newsroom.commenting`.

Approval is of a draft as it stands: approving, and the rule that only an
approved draft is published, are in `articles.newsroom.approvals`. A save that
changes what readers would see sends an approved draft back to review
(`reopen_if_changed`).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from reversion.models import Version

from articles.models import Article
from audit.models import AuditEntry

from . import notifications

State = Article.ReviewState

NOTE_MAX_LENGTH = 2_000
# The newsroom's fields of an article, as opposed to the draft's own.
WORKFLOW_FIELDS = [
    "review_state",
    "review_note",
    "review_changed_at",
    "review_changed_by",
    "submitted_by",
    "approved_digest",
    "assigned_writer",
    "assigned_reviewer",
    "due_on",
]


def latest_revision(article: Article):
    """The draft's latest django-reversion revision, or None."""
    version = Version.objects.get_for_object(article).select_related("revision").first()
    return version.revision if version else None


def latest_revision_id_sql():
    """
    SQL: the id of an article's latest revision, for `publish()` to read
    with the article it locks and give to `record_publication()`.
    """
    return Subquery(
        Version.objects.get_for_model(Article)
        .filter(object_id=Cast(OuterRef("pk"), CharField()))
        .values("revision_id")[:1]
    )


def record(*, article: Article, action: str, message: str, user=None, **details):
    """Append a newsroom entry about `article` (and its latest revision)."""
    revision = latest_revision(article)
    return _record(
        article=article,
        action=action,
        message=message,
        user=user,
        revision_id=revision.pk if revision else None,
        details=details,
    )


def _record(*, article, action, message, user, revision_id, details):
    return AuditEntry.objects.record(
        area=AuditEntry.Area.NEWSROOM,
        action=action,
        message=message,
        user=user,
        obj=article,
        revision_id=revision_id,
        details=details,
    )


def review_fields(article: Article) -> dict:
    """The article's workflow fields as stored, to keep across a revert."""
    return (
        Article.objects.filter(pk=article.pk)
        .values(*(Article._meta.get_field(name).attname for name in WORKFLOW_FIELDS))
        .get()
    )


def record_revert(*, article: Article, revision, user) -> None:
    """After `history.revert()`: on the record, and back to review if it changed."""
    record(
        article=article,
        action="reverted",
        message=_("Reverted the draft to revision %(id)s.") % {"id": revision.pk},
        user=user,
        reverted_to=revision.pk,
    )
    reopen_if_changed(article=article, user=user)


def _require(user, permission, message):
    if not user.has_perm(f"articles.{permission}"):
        raise PermissionDenied(message)


def _locked(article: Article) -> Article:
    """The article's row as it is now, locked until the transaction ends."""
    current = Article.objects.select_for_update().get(pk=article.pk)
    for name in [*WORKFLOW_FIELDS, "draft_digest"]:
        attname = Article._meta.get_field(name).attname
        setattr(article, attname, getattr(current, attname))
    return current


def _move(article, *, to, user, note, **fields):
    article.review_state = to
    article.review_note = note
    article.review_changed_at = timezone.now()
    article.review_changed_by = user if user is not None and user.pk else None
    for name, value in fields.items():
        setattr(article, name, value)
    Article.objects.filter(pk=article.pk).update(
        review_state=to,
        review_note=note,
        review_changed_at=article.review_changed_at,
        review_changed_by=article.review_changed_by,
        **fields,
    )


def _note(note, *, required=False, missing=""):
    note = (note or "").strip()
    if required and not note:
        raise ValidationError(missing)
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            _("Keep the note under %(max)s characters.") % {"max": NOTE_MAX_LENGTH}
        )
    return note


def _label(state) -> str:
    return str(State(state).label).lower()


def _wrong_state(article, doing):
    return ValidationError(
        _("This draft is “%(state)s”: it cannot be %(doing)s now.")
        % {"state": _label(article.review_state), "doing": doing}
    )


def _writers(article):
    return [article.assigned_writer, article.submitted_by]


def _reviewers(article):
    if article.assigned_reviewer is not None:
        return [article.assigned_reviewer]
    return list(notifications.reviewers())


def _step(
    article,
    *,
    to,
    user,
    note,
    action,
    message,
    notice="",
    recipients=(),
    detail=None,
    details=None,
    **fields,
):
    """
    What every review step does once it is allowed: move the draft to `to`
    (with `fields`), record the act, and notify `recipients` of `notice`
    (with the note, unless another `detail` is given).
    """
    _move(article, to=to, user=user, note=note, **fields)
    record(
        article=article, action=action, message=message, user=user, **(details or {})
    )
    if notice:
        notifications.notify(
            recipients=recipients,
            actor=user,
            article=article,
            message=notice,
            detail=note if detail is None else detail,
        )


def _transition(article, *, allowed, doing, recipients, check=None, **step):
    """
    A review step taken by hand, in one transaction: refuse unless the
    draft as saved now is in one of the `allowed` states, then take the
    `_step`, notifying `recipients(article)`. `check(current)`, given the
    row as saved now, may refuse too, or return more fields to set.
    """
    with transaction.atomic():
        current = _locked(article)
        if article.review_state not in allowed:
            raise _wrong_state(article, doing)
        fields = check(current) if check is not None else {}
        _step(article, recipients=recipients(article), **step, **fields)


def submit(*, article: Article, user, note: str = "") -> None:
    """The writer hands the draft to review, with an optional note."""
    _require(user, "change_article", _("You may not submit fact checks for review."))
    note = _note(note)
    _transition(
        article,
        allowed=(State.WRITING, State.CHANGES_REQUESTED),
        doing=_("submitted for review"),
        to=State.READY,
        user=user,
        note=note,
        submitted_by=user,
        action="review.submitted",
        message=_("Submitted for review.") + (f" {note}" if note else ""),
        details={"note": note},
        recipients=_reviewers,
        notice=_("%(user)s submitted “%(title)s” for review.")
        % {"user": user, "title": article.title},
    )


def request_changes(*, article: Article, user, note: str) -> None:
    """A reviewer sends the draft back to its writer, saying what to change."""
    _require(user, "review_article", _("Only reviewers may request changes."))
    note = _note(
        note,
        required=True,
        missing=_("Say what needs to change before it is sent back."),
    )
    _transition(
        article,
        allowed=(State.READY, State.APPROVED),
        doing=_("sent back"),
        to=State.CHANGES_REQUESTED,
        user=user,
        note=note,
        action="review.changes_requested",
        message=_("Changes requested: %(note)s") % {"note": note},
        details={"note": note},
        recipients=_writers,
        notice=_("%(user)s asked for changes to “%(title)s”.")
        % {"user": user, "title": article.title},
    )


def reopen_if_changed(*, article: Article, user, digest: str | None = None) -> bool:
    """
    After a save: an approved draft whose digest no longer matches the
    approved one goes back to review; a published one whose draft now
    differs from what was published is being written again. Returns whether
    the state changed. `digest` is the draft's, computed now; without it,
    `article.draft_digest` must be fresh (`shape.refresh_draft_digest`).
    """
    if article.review_state not in (State.APPROVED, State.PUBLISHED):
        return False
    if (digest or article.draft_digest) == article.approved_digest:
        return False
    if article.review_state == State.PUBLISHED:
        _step(
            article,
            to=State.WRITING,
            user=user,
            note="",
            action="review.reopened",
            message=_("Changed after publication: back to writing."),
        )
        return True
    note = _("Changed after approval, so it needs reviewing again.")
    _step(
        article,
        to=State.READY,
        user=user,
        note=note,
        action="review.reopened",
        message=note,
        recipients=_reviewers(article),
        notice=_("“%(title)s” was changed after approval and needs reviewing again.")
        % {"title": article.title},
        detail="",
    )
    return True


def record_publication(
    *, publication, revisions_until, revision_id, user=None, override_reason=None
) -> None:
    """
    After `publishing.publish()`: the draft is published, on the record.
    `publication.article` is the row `publish()` locked, as saved then;
    `revision_id` its latest revision then, which the entry names, and
    `revisions_until` the newest revision of anything then, from which on
    revisions count as changes made since (`approvals.changed_by()`).
    """
    article = publication.article
    reason = (override_reason or "").strip()
    version, kind = publication.version, publication.get_kind_display().lower()
    if publication.is_scheduled():
        message = _("Scheduled version %(version)s (%(kind)s) for %(when)s.") % {
            "version": version,
            "kind": kind,
            "when": publication.published_at.isoformat(),
        }
    else:
        message = _("Published version %(version)s (%(kind)s).") % {
            "version": version,
            "kind": kind,
        }
    if reason:
        message += " " + _("Review overridden: %(reason)s") % {"reason": reason}
    details = {
        "version": publication.version,
        "kind": publication.kind,
        "note": publication.note,
        "publication_id": publication.pk,
        "review_state_before": article.review_state,
        "override_reason": reason,
        "revisions_until": revisions_until,
    }
    _move(
        article,
        to=State.PUBLISHED,
        user=user,
        note=_("Published without approval: %(reason)s") % {"reason": reason}
        if reason
        else "",
        # What was published is the draft as it stands now.
        approved_digest=publication.draft_digest,
        draft_digest=publication.draft_digest,
    )
    _record(
        article=article,
        action="scheduled" if publication.is_scheduled() else "published",
        message=message,
        user=user,
        revision_id=revision_id,
        details=details,
    )


def record_withdrawal(*, publication, user=None) -> None:
    record(
        article=publication.article,
        action="withdrawn",
        message=_("Withdrawn (version %(version)s): %(note)s")
        % {"version": publication.version, "note": publication.note},
        user=user,
        version=publication.version,
        publication_id=publication.pk,
    )


def record_cancelled(*, publication, user=None) -> None:
    """After a scheduled version is cancelled: the draft is approved, unpublished."""
    article = publication.article
    if article.review_state == State.PUBLISHED:
        _move(article, to=State.APPROVED, user=user, note=article.review_note)
    record(
        article=article,
        action="scheduled.cancelled",
        message=_("Cancelled scheduled version %(version)s.")
        % {"version": publication.version},
        user=user,
        version=publication.version,
    )
