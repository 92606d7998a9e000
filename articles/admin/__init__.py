"""
The editorial admin: registrations and the configuration of each admin.

The article admin is split by concern: its parts' inlines (`inlines`), its
forms (`forms`), the publishing views (`publishing`), the history views
(`history`) and the review workflow's views (`review`). Decisions live in the domain modules they call
(`articles.publishing`, `articles.history`, `articles.state`).
"""

import reversion
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.models import Version

from articles.factchecks.publishing import remove_version
from articles.factchecks.shape import refresh_draft_digest
from articles.newsroom import notifications, workflow
from factually import pagecache
from factually.admin import ModelAdmin, ReadOnlyMixin, VersionAdmin

from ..models import Article, Author, Notification, Publication, Topic
from .base import ArticleViewMixin
from .editing import EditingViewsMixin
from .forms import ArticleAdminForm, RemoveVersionForm
from .history import HistoryViewsMixin
from .inlines import (
    CitationInline,
    ClaimInline,
    PositionedInlineMixin,
    RelatedQuestionInline,
    SectionInline,
)
from .pages import PageAdmin  # noqa: F401 (registers it)
from .publishing import PublishingViewsMixin, admin_form
from .questions import ReaderQuestionAdmin  # noqa: F401 (registers it)
from .review import DueFilter, ReviewViewsMixin
from .suggestions import RelatedSuggestionsMixin


class RetiresPagesMixin:
    """Saving or deleting one of these changes public pages: retire them all."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        pagecache.invalidate_all()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        pagecache.invalidate_all()


@admin.register(Topic)
class TopicAdmin(RetiresPagesMixin, VersionAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(RetiresPagesMixin, VersionAdmin):
    list_display = ["name", "role", "slug"]
    search_fields = ["name", "role"]
    prepopulated_fields = {"slug": ["name"]}


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
class ArticleAdmin(
    ReviewViewsMixin,
    RelatedSuggestionsMixin,
    HistoryViewsMixin,
    PublishingViewsMixin,
    EditingViewsMixin,
    VersionAdmin,
):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
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
        DueFilter,
        "topics",
        "authors",
        "no_donation_ask",
    ]
    search_fields = ["title", "summary"]
    date_hierarchy = "updated_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["topics", "authors"]
    actions = ["ask_for_donations", "stop_asking_for_donations", "mark_checked_today"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "checked_on"]}),
        (
            gettext_lazy("About"),
            {"fields": ["topics", "authors", "sources_note", "no_donation_ask"]},
        ),
        (
            gettext_lazy("Assignment"),
            {"fields": ["assigned_writer", "assigned_reviewer", "due_on"]},
        ),
    ]

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
            .with_publication_state()
            .annotate(last_editor_name=Subquery(last_editor))
        )

    def get_urls(self):
        return [
            *self.publishing_urls(),
            *self.history_urls(),
            *self.review_urls(),
            *self.editing_urls(),
            *self.suggestion_urls(),
            *super().get_urls(),
        ]

    # List columns.

    @admin.display(description=gettext_lazy("status"), ordering="live_version")
    def status(self, article):
        return str(article.publication_state())

    @admin.display(description=gettext_lazy("last edited by"))
    def last_editor(self, article):
        return article.last_editor_name or "—"

    # Saving.

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

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
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
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Bulk actions: each article is saved on its own, in its own revision.

    def changelist_view(self, request, extra_context=None):
        # VersionAdmin wraps the whole list view in one revision; actions
        # here make one revision per article instead.
        return admin.ModelAdmin.changelist_view(self, request, extra_context)

    def _save_each(self, request, queryset, comment, **changes):
        count = 0
        for article in queryset:
            with self.create_revision(request):
                for name, value in changes.items():
                    setattr(article, name, value)
                article.save(update_fields=[*changes, "updated_at"])
                refresh_draft_digest(article)
                workflow.reopen_if_changed(article=article, user=request.user)
                self.log_change(request, article, comment)
            count += 1
        self.message_user(
            request,
            _("%(count)s fact checks updated: %(comment)s")
            % {"count": count, "comment": comment},
            messages.SUCCESS,
        )

    @admin.action(
        description=gettext_lazy("Show the donation banner"), permissions=["change"]
    )
    def ask_for_donations(self, request, queryset):
        self._save_each(
            request, queryset, _("Donation banner shown."), no_donation_ask=False
        )

    @admin.action(
        description=gettext_lazy("Hide the donation banner"), permissions=["change"]
    )
    def stop_asking_for_donations(self, request, queryset):
        self._save_each(
            request, queryset, _("Donation banner hidden."), no_donation_ask=True
        )

    @admin.action(
        description=gettext_lazy("Set “checked on” to today"), permissions=["change"]
    )
    def mark_checked_today(self, request, queryset):
        self._save_each(
            request,
            queryset,
            _("Checked-on date set to today."),
            checked_on=timezone.localdate(),
        )

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


@admin.register(Publication)
class PublicationAdmin(ReadOnlyMixin, ArticleViewMixin, ModelAdmin):
    """The public record, read-only: publications are never edited."""

    list_display = ["title", "version", "kind", "published_at", "published_by"]
    list_filter = ["kind"]
    search_fields = ["title", "note"]
    date_hierarchy = "published_at"
    list_select_related = ["published_by"]
    fields = [
        "article",
        "version",
        "kind",
        "note",
        "published_at",
        "published_by",
        "slug",
        "title",
        "public_address",
    ]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("public address"))
    def public_address(self, publication):
        removal = getattr(publication, "removal", None)
        links = [format_html('<a href="{0}">{0}</a>', publication.get_version_url())]
        if removal is not None:
            links.append(
                format_html("{} {}", _("Removed from public view:"), removal.note)
            )
        elif self.may_remove:
            links.append(
                format_html(
                    '<a href="{}">{}</a>',
                    self.admin_url("remove", publication.pk),
                    _("Remove from public view for legal reasons"),
                )
            )
        return format_html_join(mark_safe("<br>"), "{}", ((link,) for link in links))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self.may_remove = request.user.has_perm("articles.remove_publication")
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/remove/",
                self.admin_site.admin_view(self.remove_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_remove",
            ),
            *super().get_urls(),
        ]

    def remove_view(self, request, object_id):
        if not request.user.has_perm("articles.remove_publication"):
            raise PermissionDenied
        publication = self.get_object(request, object_id)
        if publication is None:
            raise Http404(_("No version with that id."))
        form = RemoveVersionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                remove_version(
                    publication=publication,
                    note=form.cleaned_data["note"],
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                self.log_change(request, publication, _("Removed from public view."))
                self.message_user(
                    request,
                    _("Version %(version)s now shows your note instead of its text.")
                    % {"version": publication.version},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self.admin_url("change", publication.pk))
        return TemplateResponse(
            request,
            "admin/articles/publication/remove.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Remove version %(version)s from public view")
                % {"version": publication.version},
                "publication": publication,
                "form": form,
                "adminform": admin_form(form),
            },
        )


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, ModelAdmin):
    """Each staff member's own notifications, to read and mark read."""

    list_display = ["notification", "created_at", "read"]
    list_filter = [("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["message"]
    date_hierarchy = "created_at"
    list_display_links = None
    actions = ["mark_read"]

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    # Everyone on the staff has notifications of their own; nobody sees
    # anyone else's (get_queryset), nor makes or edits them by hand.

    def has_module_permission(self, request):
        user = request.user
        return (
            user.is_active and user.is_staff and user.has_perm("articles.view_article")
        )

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (
            obj is None or obj.recipient_id == request.user.pk
        )

    def has_mark_read_permission(self, request):
        return self.has_module_permission(request)

    @admin.display(description=gettext_lazy("notification"))
    def notification(self, note):
        return format_html('<a href="{}">{}</a>', note.url, note.message)

    @admin.display(description=gettext_lazy("read"), boolean=True)
    def read(self, note):
        return note.read_at is not None

    @admin.action(description=gettext_lazy("Mark as read"), permissions=["mark_read"])
    def mark_read(self, request, queryset):
        count = notifications.mark_read(user=request.user, notifications=queryset)
        self.message_user(
            request,
            _("%(count)s notifications marked read.") % {"count": count},
            messages.SUCCESS,
        )
