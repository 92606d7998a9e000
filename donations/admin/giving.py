"""The other ways to give, edited by fundraising staff under revision history."""

from django.contrib import admin
from django.urls import reverse

from factually import pagecache
from factually.admin import VersionedModelAdmin

from ..models import GivingMethod


def invalidate_support_page():
    # The support page lists the methods: retire its cached copies (with any
    # query string) once the change commits.
    pagecache.invalidate(reverse("donations:support"))


@admin.register(GivingMethod)
class GivingMethodAdmin(VersionedModelAdmin):
    list_display = ["name", "kind", "position", "is_shown"]
    list_editable = ["position", "is_shown"]
    list_filter = ["kind", "is_shown"]
    search_fields = ["name", "instructions"]
    fields = ["name", "kind", "instructions", "position", "is_shown"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        invalidate_support_page()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        invalidate_support_page()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        invalidate_support_page()
