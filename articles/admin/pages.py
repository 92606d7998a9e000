"""
The about pages' admin: a fixed set of pages, each save that changes what
readers read made a dated public version with the editor's note
(`articles.factchecks.about_page_versions`).
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy

from articles.factchecks.about_page_versions import needs_note, save_page
from factually import pagecache
from factually.admin import VersionedModelAdmin
from factually.edit_conflicts import EditConflictForm

from ..models import Page


class PageAdminForm(EditConflictForm):
    """The page's text, and the public note any change to it needs."""

    change_note = forms.CharField(
        label=gettext_lazy("What changed, for readers"),
        required=False,
        max_length=1_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Required when you change the title, description, lede or body: "
            "shown with the new version in the page's list of changes."
        ),
    )

    class Meta:
        model = Page
        fields = ["title", "description", "lede", "body"]

    def clean(self):
        cleaned = super().clean()
        edited = {name: cleaned.get(name, "") for name in Page.PUBLIC_FIELDS}
        if (
            not self.errors
            and needs_note(self.instance, edited)
            and not cleaned.get("change_note", "").strip()
        ):
            self.add_error(
                "change_note",
                gettext_lazy(
                    "Say what changed and why: readers see this note with the "
                    "new version of the page."
                ),
            )
        return cleaned


@admin.register(Page)
class PageAdmin(VersionedModelAdmin):
    """The about pages: a fixed set, edited with their public history."""

    form = PageAdminForm
    list_display = ["title", "slug", "updated_at"]
    fields = ["title", "description", "lede", "body", "change_note"]
    search_fields = ["title", "body"]
    date_hierarchy = "updated_at"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        save_page(page=obj, note=form.cleaned_data["change_note"], user=request.user)
        # The page, and every page whose footer or structured data names it.
        pagecache.invalidate_all()
