"""Supporters and their donations in the admin: lists, search by email, actions."""

from django.contrib import admin
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from factually.admin import ModelAdmin

from .. import matching, payments, tracker
from ..models import (
    Donation,
    Supporter,
)
from .base import AdminURLMixin, EmailHashSearchMixin
from .exports import donations_csv
from .filters import CampaignListFilter, ExcludedListFilter, RefundedListFilter
from .forms import SupporterForm
from .gifts import EntryViewsMixin


class DonationInline(admin.TabularInline):
    model = Donation
    fields = [
        "received_at",
        "amount_display",
        "kind",
        "origin",
        "refunded_at",
        "excluded_reason",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Supporter)
class SupporterAdmin(EmailHashSearchMixin, ModelAdmin):
    form = SupporterForm
    list_display = ["__str__", "donation_count", "first_donation", "has_email"]
    list_filter = [
        ("email", admin.EmptyFieldListFilter),
        ("display_name", admin.EmptyFieldListFilter),
    ]
    search_fields = ["display_name", "email"]
    search_help_text = gettext_lazy(
        "A public name, or an email address (found even if not kept)."
    )
    date_hierarchy = "created_at"
    fields = [
        "email_hash",
        "email",
        "display_name",
        "display_name_consented_at",
        "created_at",
    ]
    readonly_fields = ["email_hash", "created_at"]
    inlines = [DonationInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                donation_count=Count("donations"),
                first_donation_at=Min("donations__received_at"),
            )
        )

    def has_add_permission(self, request):
        # A supporter comes into being with their first donation.
        return False

    @admin.display(description=gettext_lazy("Donations"), ordering="donation_count")
    def donation_count(self, obj):
        return obj.donation_count

    @admin.display(
        description=gettext_lazy("First donation"), ordering="first_donation_at"
    )
    def first_donation(self, obj):
        return obj.first_donation_at

    @admin.display(
        description=gettext_lazy("Email kept"), boolean=True, ordering="email"
    )
    def has_email(self, obj):
        return bool(obj.email)


@admin.register(Donation)
class DonationAdmin(EntryViewsMixin, AdminURLMixin, EmailHashSearchMixin, ModelAdmin):
    email_hash_lookup = "supporter__email_hash"
    list_display = [
        "received_at",
        "amount_with_currency",
        "supporter",
        "kind",
        "origin",
        "is_counted",
        "provider_id",
    ]
    list_filter = [
        CampaignListFilter,
        "origin",
        "currency",
        RefundedListFilter,
        ExcludedListFilter,
        "kind",
    ]
    search_fields = [
        "provider_id",
        "payment_intent_id",
        "supporter__display_name",
        "note",
    ]
    search_help_text = gettext_lazy(
        "A provider id, a public name, a note, or a supporter's email."
    )
    date_hierarchy = "received_at"
    list_select_related = ["supporter"]
    actions = ["export_csv", "mark_refunded"]
    fields = [
        "supporter",
        "amount_with_currency",
        "kind",
        "origin",
        "provider_id",
        "payment_intent_id",
        "received_at",
        "recorded_at",
        "refunded_at",
        "excluded_reason",
        "note",
    ]
    # Donations are facts recorded once: only their status can be corrected.
    readonly_fields = [
        "supporter",
        "amount_with_currency",
        "kind",
        "origin",
        "provider_id",
        "payment_intent_id",
        "received_at",
        "recorded_at",
    ]

    def get_urls(self):
        return [*self.entry_urls(), *super().get_urls()]

    @admin.display(description=gettext_lazy("Amount"), ordering="amount")
    def amount_with_currency(self, obj):
        return obj.amount_display()

    @admin.display(description=gettext_lazy("Counts"), boolean=True)
    def is_counted(self, obj):
        return obj.is_counted()

    def has_delete_permission(self, request, obj=None):
        # Corrections are a refund date or an exclusion, never a deletion.
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not obj.is_counted():
            # A gift that stops counting gives its matched share back.
            matching.release_match(donation=obj)
        tracker.invalidate_on_commit()

    @admin.action(
        description=gettext_lazy("Export the selected donations as CSV"),
        permissions=["view"],
    )
    def export_csv(self, request, queryset):
        return donations_csv(queryset)

    @admin.action(
        description=gettext_lazy("Mark the selected donations as refunded"),
        permissions=["change"],
    )
    def mark_refunded(self, request, queryset):
        now = timezone.now()
        refunded = 0
        for donation in queryset.filter(refunded_at__isnull=True):
            if payments.refund_donation(donation=donation, refunded_at=now):
                self.log_change(request, donation, _("Marked as refunded."))
                refunded += 1
        self.message_user(
            request,
            _("Marked %(count)s donation(s) as refunded; they no longer count.")
            % {"count": refunded},
        )
