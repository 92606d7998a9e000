"""
The editorial admin: registrations and the configuration of each admin.

The article admin is split by concern: its parts' inlines (`inlines`), its
forms (`forms`), the publishing views (`publishing`) and the history views
(`history`). Decisions live in the domain modules they call
(`articles.publishing`, `articles.history`, `articles.state`).
"""

from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.models import Version

from factually.admin import VersionAdmin

from ..models import Article, Author, Publication, Topic
from ..shape import refresh_draft_digest
from .forms import ArticleAdminForm
from .history import HistoryViewsMixin
from .inlines import (
    CitationInline,
    ClaimInline,
    PositionedInlineMixin,
    RelatedQuestionInline,
    SectionInline,
)
from .publishing import PublishingViewsMixin
from .questions import ReaderQuestionAdmin  # noqa: F401 (registers it)
from .suggestions import RelatedSuggestionsMixin


@admin.register(Topic)
class TopicAdmin(VersionAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(VersionAdmin):
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
    RelatedSuggestionsMixin, HistoryViewsMixin, PublishingViewsMixin, VersionAdmin
):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    object_history_template = "admin/articles/article/history.html"
    inlines = [SectionInline, ClaimInline, CitationInline, RelatedQuestionInline]
    list_display = ["title", "status", "checked_on", "last_editor", "updated_at"]
    list_filter = [StatusFilter, "topics", "authors", "no_donation_ask"]
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
        (None, {"fields": ["edit_token"]}),
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
                stale=getattr(context.get("adminform").form, "stale", None),
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
                self.log_change(request, article, _("Deleted."))
            article.delete()


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
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
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
