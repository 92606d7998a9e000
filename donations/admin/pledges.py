"""Matching pledges, edited by fundraising staff under revision history."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy

from factually import pagecache
from factually.admin import VersionedModelAdmin

from .. import tracker
from ..models import MatchedGift, MatchingPledge, format_amount


class MatchedGiftInline(admin.TabularInline):
    """The gifts a pledge matched: recorded by the payment code, never by hand."""

    model = MatchedGift
    extra = 0
    can_delete = False
    fields = ["donation", "amount_matched", "matched_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("donation")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("Amount matched"))
    def amount_matched(self, obj):
        return format_amount(obj.amount, obj.donation.currency)


@admin.register(MatchingPledge)
class MatchingPledgeAdmin(VersionedModelAdmin):
    list_display = [
        "matcher",
        "public_name",
        "campaign",
        "pledge",
        "matched_so_far",
        "left",
        "starts_at",
        "ends_at",
        "is_running",
    ]
    list_filter = ["campaign"]
    list_select_related = ["campaign"]
    search_fields = ["matcher", "public_name"]
    date_hierarchy = "starts_at"
    fields = [
        "campaign",
        "matcher",
        "public_name",
        "public_name_consented_on",
        "amount",
        "starts_at",
        "ends_at",
        "matched_so_far",
        "left",
    ]
    readonly_fields = ["matched_so_far", "left"]
    inlines = [MatchedGiftInline]

    @admin.display(description=gettext_lazy("Pledge"), ordering="amount")
    def pledge(self, obj):
        return obj.pledge_display()

    @admin.display(description=gettext_lazy("Matched so far"), ordering="matched")
    def matched_so_far(self, obj):
        return obj.matched_display() if obj.pk else "-"

    @admin.display(description=gettext_lazy("Left"))
    def left(self, obj):
        return obj.left_display() if obj.pk else "-"

    @admin.display(description=gettext_lazy("Matching now"), boolean=True)
    def is_running(self, obj):
        return obj.is_running(timezone.now())

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        retire_pages()
        # Its start and end change the banner when they come.
        tracker.schedule_campaign_times()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        retire_pages()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        retire_pages()


def retire_pages():
    # The banner on every page, goal.json and the support page announce the
    # match: retire them all once the change commits.
    tracker.invalidate_on_commit()
    pagecache.invalidate_all()
