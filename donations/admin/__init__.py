"""
The donations admin: registrations and the configuration of each admin.

Split by concern: shared helpers (`base`), list filters (`filters`), forms
(`forms`), the campaign dashboard views (`dashboard`), the offline-gift and
import views (`gifts`), supporters and their donations (`donors`), the
other ways to give (`giving`), matching pledges (`pledges`), organisations
and testimonials (`supporting`) and the CSV export (`exports`). Decisions live in the domain modules they call
(`donations.payments`, `donations.imports`, `donations.dashboard`).
"""

import reversion
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import ExpressionWrapper, F, FloatField
from django.db.models.functions import NullIf
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.models import Version

from audit.admin import AuditAfterRevisionMixin
from audit.models import AuditEntry
from factually.admin import ModelAdmin, ReadOnlyMixin, VersionedModelAdmin

from .. import emails, tracker
from ..models import (
    BannerMessage,
    Campaign,
    OutgoingEmail,
    WebhookEvent,
)
from .base import AdminURLMixin, InvalidatesTrackerMixin
from .dashboard import DashboardViewsMixin
from .donors import DonationAdmin, SupporterAdmin  # noqa: F401 (registers them)
from .giving import GivingMethodAdmin  # noqa: F401 (registers it)
from .pledges import MatchingPledgeAdmin  # noqa: F401 (registers it)
from .supporting import OrganisationAdmin, TestimonialAdmin  # noqa: F401 (registers them)


def campaign_changes(form) -> list[str]:
    """What an admin save changed in a campaign, field by field, in words."""
    changes = []
    for name in form.changed_data:
        label = form.fields[name].label or name
        before, after = form.initial.get(name), form.cleaned_data.get(name)
        changes.append(f"{label}: {before} → {after}")
    return changes


@admin.register(Campaign)
class CampaignAdmin(
    DashboardViewsMixin,
    AdminURLMixin,
    AuditAfterRevisionMixin,
    InvalidatesTrackerMixin,
    VersionedModelAdmin,
):
    list_display = [
        "name",
        "goal",
        "goal_kind",
        "currency",
        "starts_at",
        "ends_at",
        "is_current",
        "dashboard",
    ]
    list_filter = ["is_current", "goal_kind", "currency"]
    search_fields = ["name"]
    date_hierarchy = "starts_at"
    fields = [
        "name",
        "goal_kind",
        "goal",
        "currency",
        "starts_at",
        "ends_at",
        "banner_views_per_day",
        "donate_url",
        "is_current",
    ]
    actions = ["make_current"]
    change_list_template = "admin/donations/campaign/change_list.html"

    def get_urls(self):
        return [*self.dashboard_urls(), *super().get_urls()]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changes = campaign_changes(form) if change else []
        if change and not changes:
            return
        goal_changed = "goal" in form.changed_data
        self.audit_later(
            request,
            area=AuditEntry.Area.FUNDRAISING,
            action="campaign.goal_changed"
            if goal_changed
            else ("campaign.changed" if change else "campaign.created"),
            message=(
                _("Changed campaign “%(name)s”: %(changes)s.")
                % {"name": obj, "changes": "; ".join(changes)}
                if change
                else _("Created campaign “%(name)s” with a goal of %(goal)s.")
                % {"name": obj, "goal": obj.goal}
            ),
            user=request.user,
            obj=obj,
            details={"changed": form.changed_data, "goal": obj.goal},
        )

    @staticmethod
    def record_deleted(request, campaign):
        AuditEntry.objects.record(
            area=AuditEntry.Area.FUNDRAISING,
            action="campaign.deleted",
            message=_("Deleted campaign “%(name)s”.") % {"name": campaign},
            user=request.user,
            obj=campaign,
        )

    def delete_model(self, request, obj):
        self.record_deleted(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for campaign in queryset:
            self.record_deleted(request, campaign)
        super().delete_queryset(request, queryset)

    def get_list_display(self, request):
        list_display = super().get_list_display(request)
        if not self.has_dashboard_permission(request):
            list_display = [name for name in list_display if name != "dashboard"]
        return list_display

    def render_change_form(self, request, context, *args, **kwargs):
        context["has_dashboard_permission"] = self.has_dashboard_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_dashboard_permission": self.has_dashboard_permission(request),
        }
        return super().changelist_view(request, extra_context)

    @admin.action(
        description=gettext_lazy("Make the selected campaign current"),
        permissions=["change"],
    )
    def make_current(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, _("Select exactly one campaign."), messages.ERROR
            )
            return
        campaign = queryset.get()
        with transaction.atomic(), reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(_("Made another campaign current."))
            for previous in Campaign.objects.current().exclude(pk=campaign.pk):
                previous.is_current = False
                previous.save(update_fields=["is_current"])
                self.log_change(request, previous, _("No longer current."))
            campaign.is_current = True
            campaign.save(update_fields=["is_current"])
            self.log_change(request, campaign, _("Made current."))
            tracker.invalidate_banner()
            tracker.schedule_campaign_times(campaign)
        version = Version.objects.get_for_object(campaign).first()
        AuditEntry.objects.record(
            area=AuditEntry.Area.FUNDRAISING,
            action="campaign.made_current",
            message=_("Made “%(name)s” the current campaign.") % {"name": campaign},
            user=request.user,
            obj=campaign,
            revision=version.revision if version else None,
        )
        self.message_user(
            request,
            _("“%(campaign)s” is now the current campaign.") % {"campaign": campaign},
        )


@admin.register(BannerMessage)
class BannerMessageAdmin(InvalidatesTrackerMixin, VersionedModelAdmin):
    list_display = [
        "headline",
        "campaign",
        "weight",
        "active",
        "views",
        "clicks",
        "click_through_rate",
    ]
    list_filter = ["campaign", "active"]
    search_fields = ["headline", "body"]
    date_hierarchy = "campaign__starts_at"
    list_select_related = ["campaign"]
    fields = [
        "campaign",
        "headline",
        "body",
        "suggested_amount",
        "button_text",
        "weight",
        "active",
        "views",
        "clicks",
        "click_through_rate",
    ]
    readonly_fields = ["views", "clicks", "click_through_rate"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                ctr=ExpressionWrapper(
                    F("clicks") * 100.0 / NullIf(F("views"), 0),
                    output_field=FloatField(),
                )
            )
        )

    @admin.display(description=gettext_lazy("Click-through rate"), ordering="ctr")
    def click_through_rate(self, obj):
        rate = obj.click_through_rate()
        return "—" if rate is None else f"{rate:.1f} %"


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyMixin, ModelAdmin):
    """The log of what the provider sent: read-only, even for superusers."""

    list_display = ["received_at", "type", "event_id", "livemode", "outcome", "detail"]
    list_filter = ["outcome", "type", "livemode"]
    search_fields = ["event_id", "reference"]
    date_hierarchy = "received_at"


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ModelAdmin):
    """What the site owes or sent by email, for staff to watch a mail outage."""

    list_display = ["kind", "reference", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["reference"]
    date_hierarchy = "created_at"
    fields = [
        "kind",
        "reference",
        "donation",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "claimed_at",
        "sent_at",
    ]
    readonly_fields = fields
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(
        description=gettext_lazy("Try sending the selected emails now"),
        permissions=["change"],
    )
    def send_again(self, request, queryset):
        ids = list(
            queryset.filter(
                status__in=[OutgoingEmail.Status.PENDING, OutgoingEmail.Status.FAILED]
            ).values_list("pk", flat=True)
        )
        OutgoingEmail.objects.filter(pk__in=ids).update(
            status=OutgoingEmail.Status.PENDING
        )
        for email_id in ids:
            emails.enqueue(email_id)
        self.message_user(
            request,
            _("%(count)s email(s) queued to send again.") % {"count": len(ids)},
        )
