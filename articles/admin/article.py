"""
The fact check's admin: its list, its change form and its own pages.

`ArticleAdmin` configures; each page of its own (publish, withdraw, compare,
history, review, preview, import ...) is a view class in the module of its
concern, listed in `ArticleAdmin.views`. The class chain is kept short
(tests/articles/test_admin_site.py): behaviour shared with other admins
comes from `factually.admin.VersionedModelAdmin`, the rest is functions.
"""

import reversion
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.models import Version

from articles.factchecks.shape import refresh_draft_digest
from articles.newsroom import workflow
from audit.admin import record_queued
from factually.admin import VersionedModelAdmin

from ..models import Article
from . import actions, base, editing, history, publishing, review
from .forms import ArticleAdminForm
from .inlines import (
    CitationInline,
    ClaimInline,
    PositionedInlineMixin,
    RelatedQuestionInline,
    SectionInline,
)
from .suggestions import SUGGESTIONS_MEDIA, RelatedSuggestionsView


class StatusFilter(admin.SimpleListFilter):
    """The list's status filter, over `ArticleQuerySet.with_publication_state()`."""

    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("draft", _("Draft, never published")),
            ("live", _("Published")),
            ("changed", _("Has unpublished changes")),
            ("scheduled", _("Scheduled")),
            ("withdrawn", _("Withdrawn")),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "draft":
                return queryset.never_published()
            case "live":
                return queryset.live()
            case "changed":
                return queryset.with_unpublished_changes()
            case "scheduled":
                return queryset.scheduled()
            case "withdrawn":
                return queryset.withdrawn()
        return queryset


@admin.register(Article)
class ArticleAdmin(VersionedModelAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    # Adds "New fact check from text" to django-reversion's list page.
    change_list_template = "admin/articles/article/change_list.html"
    object_history_template = "admin/articles/article/history.html"
    inlines = [SectionInline, ClaimInline, CitationInline, RelatedQuestionInline]
    list_display = [
        "title",
        "status",
        "review_state",
        "assigned_writer",
        "assigned_reviewer",
        "due_on",
        "last_editor",
        "updated_at",
    ]
    list_filter = [
        StatusFilter,
        "review_state",
        ("assigned_writer", admin.RelatedOnlyFieldListFilter),
        ("assigned_reviewer", admin.RelatedOnlyFieldListFilter),
        review.DueFilter,
        "topics",
        "authors",
        "no_donation_ask",
    ]
    search_fields = ["title", "summary"]
    date_hierarchy = "updated_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["topics", "authors"]
    actions = [
        actions.ask_for_donations,
        actions.stop_asking_for_donations,
        actions.mark_checked_today,
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "checked_on"]}),
        (
            gettext_lazy("About"),
            {"fields": ["topics", "authors", "sources_note", "no_donation_ask"]},
        ),
        (
            gettext_lazy("Assignment"),
            {"fields": review.ASSIGNMENT_FIELDS},
        ),
    ]
    # The admin's own pages, ahead of Django's and django-reversion's URLs
    # (the history, revision and recover pages replace theirs).
    views = [
        publishing.PublishView,
        publishing.WithdrawView,
        publishing.CancelScheduledView,
        history.CompareView,
        history.HistoryView,
        history.RevertView,
        history.RecoverView,
        *review.VIEWS,
        editing.ImportView,
        editing.SourceLookupView,
        editing.SourceCreateView,
        editing.LivePreviewView,
        RelatedSuggestionsView,
    ]

    @property
    def media(self):
        return super().media + SUGGESTIONS_MEDIA

    def get_urls(self):
        return [*base.view_urls(self, self.views), *super().get_urls()]

    def get_queryset(self, request):
        last_editor = (
            Version.objects.filter(
                content_type=ContentType.objects.get_for_model(Article),
                object_id=Cast(OuterRef("pk"), output_field=CharField()),
            )
            .order_by("-pk")
            .values("revision__user__username")[:1]
        )
        return (
            super()
            .get_queryset(request)
            .select_related("assigned_writer", "assigned_reviewer")
            .with_publication_state()
            .annotate(last_editor_name=Subquery(last_editor))
        )

    # List columns.

    @admin.display(description=gettext_lazy("status"), ordering="live_version")
    def status(self, article):
        return str(article.publication_state())

    @admin.display(description=gettext_lazy("last edited by"))
    def last_editor(self, article):
        return article.last_editor_name or "—"

    # Who may do what.

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("articles.assign_article"):
            readonly += review.ASSIGNMENT_FIELDS
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("assigned_writer", "assigned_reviewer"):
            kwargs["queryset"] = review.assignable(db_field.name)
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

    # The change form.

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        context.update(editing.change_form_context(request, context))
        if obj is not None:
            state = obj.publication_state()
            context.update(
                state=state,
                latest_publication=obj.latest_publication()
                if state.ever_published
                else None,
                live_publication=obj.live_publication() if state.is_live else None,
                can_publish=request.user.has_perm("articles.publish_article"),
                can_withdraw=request.user.has_perm("articles.withdraw_article"),
                review=review.review_context(request, obj),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Saving, then going where the editor asked (`_then`).

    def add_view(self, request, form_url="", extra_context=None):
        # Audit entries queued by the save link to its revision, which
        # django-reversion saves as the view ends.
        with transaction.atomic():
            response = super().add_view(request, form_url, extra_context)
            record_queued(request)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        with transaction.atomic():
            response = super().change_view(request, object_id, form_url, extra_context)
            record_queued(request)
        return response

    def save_model(self, request, obj, form, change):
        if not change and obj.assigned_writer_id is None:
            obj.assigned_writer = request.user
        super().save_model(request, obj, form, change)
        changed = [n for n in review.ASSIGNMENT_FIELDS if n in form.changed_data]
        if change and changed:
            review.record_assignment(request, obj, changed)

    def save_formset(self, request, form, formset, change):
        inline = next(
            (
                inline
                for inline in self.get_inline_instances(request, form.instance)
                if inline.model is formset.model
            ),
            None,
        )
        if isinstance(inline, PositionedInlineMixin):
            inline.save_positions(formset, form.instance)
        else:
            super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_draft_digest(form.instance)
        workflow.reopen_if_changed(article=form.instance, user=request.user)

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        return editing.then_redirect(self, request, obj, response)

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        return editing.then_redirect(self, request, obj, response)

    # The list: its bulk actions make one revision per article
    # (`actions.save_each`), not reversion's one for the whole list view.

    def changelist_view(self, request, extra_context=None):
        return admin.ModelAdmin.changelist_view(self, request, extra_context)

    # Deleting.

    def delete_model(self, request, obj):
        self.delete_queryset(request, Article.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        # Record each article as it stands, with its children, before it
        # goes, so that "Recover deleted fact checks" can bring it back.
        for article in queryset:
            with self.create_revision(request):
                article.save(update_fields=["updated_at"])
                # Its review discussion comes back with it, too.
                for comment in article.review_comments.all():
                    reversion.add_to_revision(comment)
                self.log_change(request, article, _("Deleted."))
            workflow.record(
                article=article,
                action="deleted",
                message=_("Deleted."),
                user=request.user,
            )
            article.delete()

    def recoverlist_view(self, request, extra_context=None):
        if not request.user.has_perm("articles.revert_article"):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)
