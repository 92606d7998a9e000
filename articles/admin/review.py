"""
The article admin's review pages: the review panel on the change form
(submit, request changes, approve, comments), assignments, and preview share
links.

Each page is one view class. Every view is POST-only where it changes
something, looks the article up through `get_object()` (view permission)
and leaves the permission and
state checks to `articles.newsroom.workflow`, turning its errors into messages (or a
403 for PermissionDenied).
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.factchecks import publishing
from articles.factchecks.shape import load
from articles.newsroom import approvals, commenting, workflow
from audit.admin import audit_later
from audit.models import AuditEntry

from ..models import Article, PreviewLink, ReviewComment
from .base import ActionView, AdminPageView

State = Article.ReviewState


class DueFilter(admin.SimpleListFilter):
    title = gettext_lazy("due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue")),
            ("soon", _("Due in the next 3 days")),
            ("none", _("No due date")),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "overdue":
                return queryset.overdue()
            case "soon":
                return queryset.due_soon()
            case "none":
                return queryset.filter(due_on__isnull=True)
        return queryset


def part_choices(sections, claims):
    """What a comment may be about: (value, label), value "kind:id"."""
    Part = ReviewComment.Part
    return [
        (f"{Part.DRAFT}:", Part.DRAFT.label),
        (f"{Part.SUMMARY}:", Part.SUMMARY.label),
        *(
            (
                f"{Part.SECTION}:{section.pk}",
                _("Section %(n)s: %(heading)s")
                % {
                    "n": section.position,
                    "heading": Truncator(section.heading).chars(60),
                },
            )
            for section in sections
        ),
        *(
            (
                f"{Part.CLAIM}:{claim.pk}",
                _("Claim %(n)s: %(claimant)s")
                % {
                    "n": claim.position,
                    "claimant": Truncator(claim.claimant).chars(60),
                },
            )
            for claim in claims
        ),
    ]


def parse_part(value):
    kind, _sep, part_id = (value or "").partition(":")
    return kind, int(part_id) if part_id.isdigit() else None


ASSIGNMENT_FIELDS = ["assigned_writer", "assigned_reviewer", "due_on"]


def assignable(field_name):
    """The staff who may be chosen as writer or reviewer."""
    permission = (
        "change_article" if field_name == "assigned_writer" else "review_article"
    )
    return (
        get_user_model()
        .objects.with_perm(
            f"articles.{permission}",
            backend="django.contrib.auth.backends.ModelBackend",
        )
        .filter(is_staff=True)
        .order_by("username")
    )


def record_assignment(request, article, changed):
    """Put a change of assignment in the audit trail, once its revision exists."""
    values = {
        name: str(getattr(article, name) or _("nobody"))
        if name != "due_on"
        else (article.due_on.isoformat() if article.due_on else _("none"))
        for name in changed
    }
    audit_later(
        request,
        area=AuditEntry.Area.NEWSROOM,
        action="assigned",
        message=_("Assignment changed: %(changes)s.")
        % {
            "changes": ", ".join(
                f"{Article._meta.get_field(name).verbose_name} → {value}"
                for name, value in values.items()
            )
        },
        user=request.user,
        obj=article,
        details=values,
    )


def review_context(request, article):
    """The review panel on the change form, as `request.user` may use it."""
    user = request.user
    sections = list(article.sections.only("pk", "position", "heading"))
    claims = list(article.claims.only("pk", "position", "claimant"))
    choices = part_choices(sections, claims)
    labels = dict(choices)
    comments = list(
        article.review_comments.filter(parent=None)
        .select_related("author", "resolved_by")
        .prefetch_related("answers__author")
    )
    for item in comments:
        item.part_value = f"{item.part_kind}:{item.part_id or ''}"
        item.part_label = labels.get(item.part_value, _("A part since removed"))
    can_edit = user.has_perm("articles.change_article")
    can_review = user.has_perm("articles.review_article")
    state = article.review_state
    approval = {}
    if can_review and state in (State.READY, State.APPROVED, State.PUBLISHED):
        approval = approvals.as_read_by(user, article)
    return {
        "state": State(state),
        "can_comment": can_edit or can_review,
        "can_submit": can_edit and state in (State.WRITING, State.CHANGES_REQUESTED),
        "can_review": can_review
        and (state == State.READY or approval.get("changed_since_approval")),
        "can_request_changes": can_review and state in (State.READY, State.APPROVED),
        "own_submission": article.submitted_by_id == user.pk,
        **approval,
        "open_comments": [c for c in comments if c.is_open()],
        "resolved_comments": [c for c in comments if not c.is_open()],
        "parts": choices,
    }


class ReviewActionView(ActionView):
    """A POST from the review panel: runs a workflow function, then says so."""

    def act(self, request, article, act, success):
        """Run a workflow function, turning its refusal into a message."""
        try:
            act()
        except ValidationError as error:
            self.message(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message(request, success, messages.SUCCESS)
        return self.redirect_to(article)


class TransitionView(ReviewActionView):
    """A step of the review: `transition` is the workflow function."""

    transition = None
    success = ""

    def post(self, request, object_id):
        article = self.get_object(request, object_id)
        # An approval is of the draft the reviewer read, as the panel showed it.
        read = (
            {"expected_digest": request.POST.get("review_digest", "")}
            if self.transition is approvals.approve
            else {}
        )
        return self.act(
            request,
            article,
            lambda: self.transition(
                article=article,
                user=request.user,
                note=request.POST.get("review_note"),
                **read,
            ),
            str(self.success),
        )


class SubmitReviewView(TransitionView):
    name = "submit_review"
    route = "<path:object_id>/submit-review/"
    transition = staticmethod(workflow.submit)
    success = gettext_lazy("Submitted for review.")


class RequestChangesView(TransitionView):
    name = "request_changes"
    route = "<path:object_id>/request-changes/"
    transition = staticmethod(workflow.request_changes)
    success = gettext_lazy("Sent back to the writer with your note.")


class ApproveView(TransitionView):
    name = "approve"
    route = "<path:object_id>/approve/"
    transition = staticmethod(approvals.approve)
    success = gettext_lazy("Approved: an editor may publish it.")


class CommentView(ReviewActionView):
    """A comment on the draft or one of its parts, or an answer to one."""

    name = "comment"
    route = "<path:object_id>/comment/"

    def post(self, request, object_id):
        article = self.get_object(request, object_id)
        parent = None
        if answering := request.POST.get("review_answer_to", ""):
            parent = get_object_or_404(
                ReviewComment,
                pk=answering if answering.isdigit() else None,
                article=article,
            )
            body = request.POST.get(f"review_answer_{parent.pk}", "")
        else:
            body = request.POST.get("review_comment", "")
        part_kind, part_id = parse_part(request.POST.get("review_part", "draft:"))
        return self.act(
            request,
            article,
            lambda: commenting.comment(
                article=article,
                user=request.user,
                body=body,
                part_kind=part_kind,
                part_id=part_id,
                parent=parent,
            ),
            _("Answer added.") if parent else _("Comment added."),
        )


class ResolveCommentView(ReviewActionView):
    name = "resolve_comment"
    route = "<path:object_id>/resolve-comment/"

    def post(self, request, object_id):
        article = self.get_object(request, object_id)
        value = request.POST.get("review_resolve", "")
        comment = get_object_or_404(
            ReviewComment, pk=value if value.isdigit() else None, article=article
        )
        return self.act(
            request,
            article,
            lambda: commenting.resolve(comment=comment, user=request.user),
            _("Comment resolved."),
        )


class PreviewView(AdminPageView):
    """The staff preview, and the share links editors make and revoke."""

    name = "preview"
    route = "<path:object_id>/preview/"

    def post(self, request, object_id):
        article = self.get_object(request, object_id)
        user = request.user
        if not user.has_perm("articles.add_previewlink"):
            raise PermissionDenied(_("Only editors may make preview links."))
        if article.publication_state().withdrawn:
            self.message(
                request,
                _("This fact check is withdrawn: a preview link would not work."),
                messages.ERROR,
            )
        else:
            link = PreviewLink.objects.create(article=article, created_by=user)
            workflow.record(
                article=article,
                action="preview_link.created",
                message=_("Made a preview link."),
                user=user,
                preview_link=link.pk,
            )
            self.message(
                request,
                _("Preview link made: copy it from the list below."),
                messages.SUCCESS,
            )
        return self.redirect_to(article, "preview")

    def get(self, request, object_id):
        article = self.get_object(request, object_id)
        user = request.user
        _publication, problems = publishing.preview(load(article))
        links = []
        if user.has_perm("articles.view_previewlink"):
            usable = set(
                PreviewLink.objects.usable()
                .filter(article=article)
                .values_list("pk", flat=True)
            )
            for link in article.preview_links.select_related(
                "created_by", "revoked_by"
            ):
                link.usable = link.pk in usable
                link.url = request.build_absolute_uri(link.get_absolute_url())
                links.append(link)
        return TemplateResponse(
            request,
            "admin/articles/article/preview_link.html",
            self.context(
                request,
                article,
                title=_("Preview and share"),
                problems=problems,
                staff_preview_url=article.preview_url(),
                can_share=user.has_perm("articles.add_previewlink"),
                can_revoke=user.has_perm("articles.change_previewlink"),
                links=links,
                show_links=user.has_perm("articles.view_previewlink"),
            ),
        )


class RevokePreviewLinkView(ActionView):
    name = "revoke_preview_link"
    route = "<path:object_id>/revoke-preview-link/"

    def post(self, request, object_id):
        article = self.get_object(request, object_id)
        if not request.user.has_perm("articles.change_previewlink"):
            raise PermissionDenied(_("Only editors may revoke preview links."))
        value = request.POST.get("link", "")
        link = get_object_or_404(
            PreviewLink, pk=value if value.isdigit() else None, article=article
        )
        if link.revoked_at is not None:
            self.message(request, _("That link was already revoked."), messages.ERROR)
        else:
            PreviewLink.objects.filter(pk=link.pk).update(
                revoked_at=timezone.now(), revoked_by=request.user
            )
            workflow.record(
                article=article,
                action="preview_link.revoked",
                message=_("Revoked a preview link."),
                user=request.user,
                preview_link=link.pk,
            )
            self.message(
                request,
                _("Link revoked: it no longer opens the draft."),
                messages.INFO,
            )
        return self.redirect_to(article, "preview")


VIEWS = [
    SubmitReviewView,
    RequestChangesView,
    ApproveView,
    CommentView,
    ResolveCommentView,
    PreviewView,
    RevokePreviewLinkView,
]
