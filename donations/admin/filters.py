"""The donation list's filters that a field name alone cannot express."""

from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Campaign


class CampaignListFilter(admin.SimpleListFilter):
    """Donations received in a campaign's window."""

    title = gettext_lazy("campaign")
    parameter_name = "campaign"

    def lookups(self, request, model_admin):
        return [
            (str(pk), name) for pk, name in Campaign.objects.values_list("pk", "name")
        ]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        campaign = (
            Campaign.objects.filter(pk=self.value()).first()
            if self.value().isdigit()
            else None
        )
        return queryset.for_campaign(campaign) if campaign else queryset.none()


class RefundedListFilter(admin.SimpleListFilter):
    title = gettext_lazy("refunded")
    parameter_name = "refunded"

    def lookups(self, request, model_admin):
        return [("yes", _("Refunded")), ("no", _("Not refunded"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(refunded_at__isnull=self.value() == "no")
        return queryset


class ExcludedListFilter(admin.SimpleListFilter):
    title = gettext_lazy("excluded")
    parameter_name = "excluded"

    def lookups(self, request, model_admin):
        return [("yes", _("Excluded")), ("no", _("Not excluded"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(excluded_reason="")
        if self.value() == "no":
            return queryset.filter(excluded_reason="")
        return queryset
