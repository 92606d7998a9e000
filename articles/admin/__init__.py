"""
The editorial admin: registrations and the configuration of each admin.

The fact check's admin (`article`) is split by concern: its parts' inlines
(`inlines`), its forms (`forms`), its bulk actions (`actions`) and its own
pages, one view class each (`base`): publishing (`publishing`), history
(`history`), the review workflow (`review`) and the editing aids
(`editing`, `suggestions`). Decisions live in the domain modules they call
(`articles.factchecks.publishing`, `articles.newsroom.restoring`, `articles.factchecks.state`).
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.factchecks.publishing import remove_version
from articles.newsroom import notifications
from factually import pagecache
from factually.admin import ModelAdmin, ReadOnlyMixin, VersionedModelAdmin

from ..models import Author, Notification, Publication, Topic
from .article import ArticleAdmin  # noqa: F401 (registers it)
from .base import AdminPageView, view_urls
from .forms import RemoveVersionForm
from .pages import PageAdmin  # noqa: F401 (registers it)
from .publishing import admin_form
from .questions import ReaderQuestionAdmin  # noqa: F401 (registers it)


class RetiresPagesMixin:
    """Saving or deleting one of these changes public pages: retire them all."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        pagecache.invalidate_all()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        pagecache.invalidate_all()


@admin.register(Topic)
class TopicAdmin(RetiresPagesMixin, VersionedModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(RetiresPagesMixin, VersionedModelAdmin):
    list_display = ["name", "role", "slug"]
    search_fields = ["name", "role"]
    prepopulated_fields = {"slug": ["name"]}


class RemoveVersionView(AdminPageView):
    """Replace a past version's text with a public note, for legal reasons."""

    name = "remove"
    route = "<path:object_id>/remove/"

    # One method for both: the form is bound only when posted.
    def get(self, request, object_id):
        publication = self.get_object(
            request, object_id, permission="remove_publication"
        )
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
                self.message(
                    request,
                    _("Version %(version)s now shows your note instead of its text.")
                    % {"version": publication.version},
                    messages.SUCCESS,
                )
                return self.redirect_to(publication)
        return TemplateResponse(
            request,
            "admin/articles/publication/remove.html",
            self.context(
                request,
                title=_("Remove version %(version)s from public view")
                % {"version": publication.version},
                publication=publication,
                form=form,
                adminform=admin_form(form),
            ),
        )

    post = get


@admin.register(Publication)
class PublicationAdmin(ReadOnlyMixin, ModelAdmin):
    """The public record, read-only: publications are never edited."""

    change_form_template = "admin/articles/publication/change_form.html"
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
        return format_html_join(mark_safe("<br>"), "{}", ((link,) for link in links))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The link to remove a version is the template's, from this
        # request's permission: the admin instance is shared by every request.
        extra_context = {
            **(extra_context or {}),
            "may_remove": request.user.has_perm("articles.remove_publication"),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [*view_urls(self, [RemoveVersionView]), *super().get_urls()]


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
