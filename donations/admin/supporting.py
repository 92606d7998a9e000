"""
Supporting organisations and readers' testimonials, for fundraising staff,
under revision history. Approving and withdrawing go through
donations.testimonials; every change retires the cached pages that show it.
"""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy, ngettext

from factually import pagecache
from factually.admin import VersionedModelAdmin

from .. import testimonials
from ..models import Organisation, Testimonial

# The change form shows the logo at most this many pixels high.
PREVIEW_HEIGHT = 64


class ApprovalListFilter(admin.SimpleListFilter):
    title = gettext_lazy("approval")
    parameter_name = "approval"

    def lookups(self, request, model_admin):
        return [
            ("waiting", gettext_lazy("Waiting for approval")),
            ("approved", gettext_lazy("Approved (shown)")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.awaiting_approval()
        if self.value() == "approved":
            return queryset.shown()
        return queryset


def invalidate_supporters_page():
    # Every page of /supporters/ (with any ?page=), once the change commits.
    pagecache.invalidate(reverse("donations:supporters"))


@admin.register(Organisation)
class OrganisationAdmin(VersionedModelAdmin):
    list_display = ["name", "tier", "consents_to_be_shown", "position", "has_logo"]
    list_filter = ["tier", "consents_to_be_shown"]
    search_fields = ["name", "url"]
    date_hierarchy = "created_at"
    fields = [
        "name",
        "url",
        "tier",
        "logo",
        "logo_preview",
        "consents_to_be_shown",
        "position",
    ]
    readonly_fields = ["logo_preview"]

    @admin.display(boolean=True, description=gettext_lazy("logo"))
    def has_logo(self, obj):
        return bool(obj.logo)

    @admin.display(description=gettext_lazy("as shown"))
    def logo_preview(self, obj):
        if not obj.logo or not obj.logo_height:
            return "—"
        # Scaled by its attributes: the admin's CSP allows no inline style.
        height = min(obj.logo_height, PREVIEW_HEIGHT)
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}">',
            obj.logo.url,
            round(obj.logo_width * height / obj.logo_height),
            height,
            obj.name,
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        invalidate_supporters_page()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        invalidate_supporters_page()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        invalidate_supporters_page()


@admin.register(Testimonial)
class TestimonialAdmin(VersionedModelAdmin):
    """Testimonials come from supporters: staff read, approve, or delete them."""

    list_display = ["excerpt", "signature", "is_approved", "created_at", "approved_at"]
    list_filter = [ApprovalListFilter]
    search_fields = ["text", "signature"]
    date_hierarchy = "created_at"
    list_select_related = ["approved_by"]
    fields = [
        "text",
        "signature",
        "consented_at",
        "created_at",
        "approved_at",
        "approved_by",
    ]
    readonly_fields = fields
    actions = ["approve", "withdraw_approval"]

    @admin.display(description=gettext_lazy("words"))
    def excerpt(self, obj):
        return Truncator(obj.text).chars(120)

    @admin.display(boolean=True, description=gettext_lazy("approved"))
    def is_approved(self, obj):
        return obj.is_approved()

    def has_add_permission(self, request):
        # Only a supporter gives one, with their consent, from the site.
        return False

    @admin.action(
        description=gettext_lazy("Approve: show on the support page"),
        permissions=["change"],
    )
    def approve(self, request, queryset):
        changed = testimonials.approve(testimonials=queryset, user=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d testimonial approved: it is on the support page.",
                "%(count)d testimonials approved: they are on the support page.",
                changed,
            )
            % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(
        description=gettext_lazy("Withdraw approval: take off the support page"),
        permissions=["change"],
    )
    def withdraw_approval(self, request, queryset):
        changed = testimonials.withdraw_approval(
            testimonials=queryset, user=request.user
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d testimonial taken off the support page.",
                "%(count)d testimonials taken off the support page.",
                changed,
            )
            % {"count": changed},
            messages.SUCCESS,
        )

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        testimonials.invalidate_support_page()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        testimonials.invalidate_support_page()
