"""
The article admin's review views: the review panel on the change form
(submit, request changes, approve, comments), assignments, deleting one's
own never-published drafts, and preview share links.

Every view is POST-only where it changes something, looks the article up
through `get_article()` (view permission) and leaves the permission and
state checks to `articles.workflow`, turning its errors into messages (or a
403 for PermissionDenied).
"""

from functools import partial

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.factchecks import publishing
from articles.factchecks.shape import load
from articles.newsroom import approvals, commenting, workflow
from audit.admin import AuditAfterRevisionMixin
from audit.models import AuditEntry

from ..models import Article, PreviewLink, ReviewComment
from .base import ArticleViewMixin

State = Article.ReviewState
ASSIGNMENT_FIELDS = ["assigned_writer", "assigned_reviewer", "due_on"]


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


class ReviewViewsMixin(AuditAfterRevisionMixin, ArticleViewMixin):
    REVIEW_VIEWS = (
        "comment",
        "resolve_comment",
        "preview",
        "revoke_preview_link",
    )

    def review_urls(self):
        view = self.admin_site.admin_view
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        views = {
            **{
                name: partial(self.transition_view, name=name)
                for name in self.TRANSITIONS
            },
            **{name: getattr(self, f"{name}_view") for name in self.REVIEW_VIEWS},
        }
        return [
            path(
                f"<path:object_id>/{name.replace('_', '-')}/",
                view(function),
                name=f"{prefix}_{name}",
            )
            for name, function in views.items()
        ]

    # Configuration shared with ArticleAdmin.

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("assigned_writer", "assigned_reviewer")
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("articles.assign_article"):
            readonly += ASSIGNMENT_FIELDS
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("assigned_writer", "assigned_reviewer"):
            permission = (
                "change_article"
                if db_field.name == "assigned_writer"
                else "review_article"
            )
            kwargs["queryset"] = (
                get_user_model()
                .objects.with_perm(
                    f"articles.{permission}",
                    backend="django.contrib.auth.backends.ModelBackend",
                )
                .filter(is_staff=True)
                .order_by("username")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        """Editors delete; a writer may delete their own never-published draft."""
        if super().has_delete_permission(request, obj):
            return True
        return (
            obj is not None
            and obj.assigned_writer_id == request.user.pk
            and request.user.has_perm("articles.change_article")
            and not obj.publications.exists()
        )

    def save_model(self, request, obj, form, change):
        if not change and obj.assigned_writer_id is None:
            obj.assigned_writer = request.user
        super().save_model(request, obj, form, change)
        changed = [name for name in ASSIGNMENT_FIELDS if name in form.changed_data]
        if change and changed:
            self._record_assignment(request, obj, changed)

    def _record_assignment(self, request, article, changed):
        values = {
            name: str(getattr(article, name) or _("nobody"))
            if name != "due_on"
            else (article.due_on.isoformat() if article.due_on else _("none"))
            for name in changed
        }
        # Recorded once this save's revision exists, to link to it.
        self.audit_later(
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

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if obj is not None:
            context["review"] = self.review_context(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def review_context(self, request, article):
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
            "can_submit": can_edit
            and state in (State.WRITING, State.CHANGES_REQUESTED),
            "can_review": can_review
            and (state == State.READY or approval.get("changed_since_approval")),
            "can_request_changes": can_review
            and state in (State.READY, State.APPROVED),
            "own_submission": article.submitted_by_id == user.pk,
            **approval,
            "open_comments": [c for c in comments if c.is_open()],
            "resolved_comments": [c for c in comments if not c.is_open()],
            "parts": choices,
        }

    def publish_review_options(self, request, article, draft):
        """What the publish form needs to know of the review of `draft`."""
        return {
            "approved": article.is_approved(draft.digest()),
            "may_override": request.user.has_perm("articles.override_review"),
        }

    # The workflow's views.

    def _post_only(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return None

    def _act(self, request, article, act, success):
        """Run a workflow function, turning its refusal into a message."""
        try:
            act()
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, success, messages.SUCCESS)
        return self.redirect_to_article(article)

    # The review transitions: the view's name, the workflow function and
    # the message once it is done. Each takes the note the panel sends.
    TRANSITIONS = {
        "submit_review": (workflow.submit, gettext_lazy("Submitted for review.")),
        "request_changes": (
            workflow.request_changes,
            gettext_lazy("Sent back to the writer with your note."),
        ),
        "approve": (
            approvals.approve,
            gettext_lazy("Approved: an editor may publish it."),
        ),
    }

    def transition_view(self, request, object_id, *, name):
        if refused := self._post_only(request):
            return refused
        article = self.get_article(request, object_id)
        act, success = self.TRANSITIONS[name]
        # An approval is of the draft the reviewer read, as the panel showed it.
        read = (
            {"expected_digest": request.POST.get("review_digest", "")}
            if name == "approve"
            else {}
        )
        return self._act(
            request,
            article,
            lambda: act(
                article=article,
                user=request.user,
                note=request.POST.get("review_note"),
                **read,
            ),
            str(success),
        )

    def comment_view(self, request, object_id):
        if refused := self._post_only(request):
            return refused
        article = self.get_article(request, object_id)
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
        return self._act(
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

    def resolve_comment_view(self, request, object_id):
        if refused := self._post_only(request):
            return refused
        article = self.get_article(request, object_id)
        value = request.POST.get("review_resolve", "")
        comment = get_object_or_404(
            ReviewComment, pk=value if value.isdigit() else None, article=article
        )
        return self._act(
            request,
            article,
            lambda: commenting.resolve(comment=comment, user=request.user),
            _("Comment resolved."),
        )

    # Previews and share links.

    def preview_view(self, request, object_id):
        article = self.get_article(request, object_id)
        user = request.user
        can_share = user.has_perm("articles.add_previewlink")
        if request.method == "POST":
            if not can_share:
                raise PermissionDenied(_("Only editors may make preview links."))
            if article.publication_state().withdrawn:
                self.message_user(
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
                self.message_user(
                    request,
                    _("Preview link made: copy it from the list below."),
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(self.admin_url("preview", article.pk))
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
                can_share=can_share,
                can_revoke=user.has_perm("articles.change_previewlink"),
                links=links,
                show_links=user.has_perm("articles.view_previewlink"),
            ),
        )

    def revoke_preview_link_view(self, request, object_id):
        if refused := self._post_only(request):
            return refused
        article = self.get_article(request, object_id)
        if not request.user.has_perm("articles.change_previewlink"):
            raise PermissionDenied(_("Only editors may revoke preview links."))
        value = request.POST.get("link", "")
        link = get_object_or_404(
            PreviewLink, pk=value if value.isdigit() else None, article=article
        )
        if link.revoked_at is not None:
            self.message_user(
                request, _("That link was already revoked."), messages.ERROR
            )
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
            self.message_user(request, _("Link revoked: it no longer opens the draft."))
        return HttpResponseRedirect(self.admin_url("preview", article.pk))
