"""
Four eyes on exactly what readers will get.

A reviewer approves the draft they read: the review panel sends the digest
of the draft it showed (`shape.Draft.digest()`, which covers the public
fields of the sources it cites), and `approve()` refuses if the draft has
changed since. Nobody who changed the draft since its previous approval or
publication may approve it, superusers included: who changed it is read
from the django-reversion revisions of the article, its parts and the
sources it cites (`changed_by()`).

`check_may_publish()` compares the approval with the draft being
published, computed then, so that a change made by any path (the admin, a
cited source's edit, a revert, an import, the shell) needs a new approval,
whichever hooks that path ran. The only way around is an editor's override
with a reason, kept in the audit trail with the publication.

So that the desk and the admin tell the truth too, a saved source sends
the approved or published drafts citing it back to review (`source_saved`,
connected in `ArticlesConfig.ready()`), as an admin save of the draft does
(`workflow.reopen_if_changed`).
"""

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Max, Q, Subquery
from django.utils.translation import gettext as _
from reversion.models import Revision, Version

from articles.factchecks.shape import PARTS, Draft, load
from articles.models import Article
from audit.models import AuditEntry
from sources.models import Source

from . import workflow

State = workflow.State

# The acts after which changes count afresh: a reviewer's approval, and a
# publication (approved, or overridden on the record).
BASELINE_ACTIONS = ("review.approved", "published", "scheduled")


def latest_revision_id() -> int:
    """The id of the newest revision of anything: later ones are changes since."""
    return Revision.objects.aggregate(latest=Max("pk"))["latest"] or 0


def latest_revision_id_sql():
    """`latest_revision_id()` as SQL, for `publish()` to read with the article."""
    return Subquery(Revision.objects.order_by("-pk").values("pk")[:1])


def _baseline(article: Article) -> int:
    """
    The newest revision id when the draft was last approved or published:
    revisions after it are changes since. 0 if it never was.
    """
    entry = (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Article),
            object_id=str(article.pk),
            action__in=BASELINE_ACTIONS,
        )
        .order_by("-pk")
        .values("details", "revision_id")
        .first()
    )
    if entry is None:
        return 0
    # Entries made before the mark was kept name the article's latest
    # revision then, which also counts any later source edit: stricter.
    until = entry["details"].get("revisions_until")
    return until if until is not None else entry["revision_id"] or 0


def changed_by(article: Article, draft: Draft) -> set[int]:
    """
    The ids of the users who made a revision of the article, of one of its
    parts or of a source it cites since it was last approved or published.
    """
    types = ContentType.objects.get_for_models(
        Article, Source, *(part.model for part in PARTS)
    )
    objects = Q(content_type=types[Article], object_id=str(article.pk))
    for part in PARTS:
        if ids := [str(obj.pk) for obj in getattr(draft, part.name)]:
            objects |= Q(content_type=types[part.model], object_id__in=ids)
    if sources := {str(c.source_id) for c in draft.citations if c.source_id}:
        objects |= Q(content_type=types[Source], object_id__in=sources)
    return set(
        Version.objects.filter(revision_id__gt=_baseline(article))
        .filter(objects)
        .exclude(revision__user=None)
        .values_list("revision__user_id", flat=True)
        .distinct()
    )


def as_read_by(user, article: Article) -> dict:
    """
    What `user` would approve, for the review panel: the digest of the draft
    as the page shows it (sent back with the approval), whether it changed
    since it was last approved or published, and whether they changed it.
    """
    draft = load(article)
    digest = draft.digest()
    return {
        "digest": digest,
        "changed_since_approval": article.review_state != State.READY
        and digest != article.approved_digest,
        "changed_by_you": user.pk in changed_by(article, draft),
    }


def approve(*, article: Article, user, expected_digest: str, note: str = "") -> None:
    """
    A second reader approves the draft they read, whose digest is
    `expected_digest`: refused if the draft changed since, if they submitted
    it, or if they changed it since its last approval or publication (that
    is what an override is for). An approved or published draft that no
    longer matches its approval (changed where no save hook ran, as in the
    shell) may be approved again.
    """
    workflow._require(
        user, "review_article", _("Only reviewers may approve fact checks.")
    )
    note = workflow._note(note)

    def check(current):
        draft = load(current)
        digest = draft.digest()
        if article.review_state != State.READY and digest == article.approved_digest:
            raise workflow._wrong_state(article, _("approved"))
        if article.submitted_by_id is not None and article.submitted_by_id == user.pk:
            raise ValidationError(
                _(
                    "You submitted this draft: another reviewer must approve it "
                    "(or an editor may publish it with an override)."
                )
            )
        if user.pk in changed_by(current, draft):
            raise ValidationError(
                _(
                    "You changed this draft (or a source it cites) since it was "
                    "last approved or published: another reviewer must approve "
                    "it (or an editor may publish it with an override)."
                )
            )
        if not expected_digest:
            raise ValidationError(
                _("Say which draft you read: approve from the review panel.")
            )
        if expected_digest != digest:
            raise ValidationError(
                _("The draft changed since you loaded it: read it again.")
            )
        return {
            "approved_digest": digest,
            "draft_digest": digest,
            "details": {
                "note": note,
                "digest": digest,
                "revisions_until": latest_revision_id(),
            },
        }

    workflow._transition(
        article,
        allowed=(State.READY, State.APPROVED, State.PUBLISHED),
        doing=_("approved"),
        check=check,
        to=State.APPROVED,
        user=user,
        note=note,
        action="review.approved",
        message=_("Approved.") + (f" {note}" if note else ""),
        recipients=workflow._writers,
        notice=_("%(user)s approved “%(title)s”.")
        % {"user": user, "title": article.title},
    )


def check_may_publish(
    *, article: Article, digest: str, user=None, override_reason=None
) -> None:
    """
    Refuse to publish the draft whose `digest` is given (computed now)
    unless it is the one approved, or an editor (`override_review`)
    overrides with a reason, recorded with the publication. `user` None is a
    command run by an operator, who still has to give a reason. Who may
    publish at all is the caller's check (`publish_article`, in the admin).
    `article` is the row as saved now (`publish()` passes the one it locked).
    """
    if article.is_approved(digest):
        return
    if not (override_reason or "").strip():
        if article.review_state in (State.APPROVED, State.PUBLISHED):
            raise ValidationError(
                _(
                    "This draft is not approved as it stands: it changed after it "
                    "was approved (the fact check or a source it cites). Ask a "
                    "reviewer to approve it again, or override the review with "
                    "a reason."
                )
            )
        raise ValidationError(
            _(
                "This draft is not approved as it stands (it is “%(state)s”). "
                "Ask a reviewer to approve it, or override the review with a reason."
            )
            % {"state": workflow._label(article.review_state)}
        )
    if user is not None:
        workflow._require(
            user,
            "override_review",
            _("Only editors may publish a draft without an approval."),
        )


def source_saved(sender, instance, created=False, raw=False, **kwargs):
    """
    After a source is saved: the approved or published drafts citing it
    whose digest changed go back to review, on the record, by whoever made
    the revision the save belongs to (if any).
    """
    # Raw saves count too: reverting a source to a revision is one.
    if created:
        return
    user = reversion.get_user() if reversion.is_active() else None
    citing = Article.objects.filter(
        citations__source=instance,
        review_state__in=(State.APPROVED, State.PUBLISHED),
    ).distinct()
    for article in citing:
        workflow.reopen_if_changed(
            article=article, user=user, digest=load(article).digest()
        )
