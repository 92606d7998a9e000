import csv

import reversion
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, ExpressionWrapper, F, FloatField, Min
from django.db.models.functions import NullIf
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from reversion.models import Version

from audit.admin import AuditAfterRevisionMixin
from audit.models import AuditEntry
from factually import pagecache
from factually.admin import VersionAdmin

from . import emails, payments, tracker
from .dashboard import MIN_VIEWS_TO_COMPARE, campaign_dashboard, campaign_money
from .forms import DonationImportForm, OfflineGiftForm, SupporterForm
from .imports import RowResult, import_donations
from .models import (
    BannerMessage,
    Campaign,
    Donation,
    OutgoingEmail,
    Supporter,
    WebhookEvent,
)


class InvalidatesTrackerMixin:
    """
    Changes made here alter what the banner shows on every page: retire the
    cached tracker and every cached page.
    """

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        tracker.invalidate_on_commit()
        pagecache.invalidate_all()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        tracker.invalidate_on_commit()
        pagecache.invalidate_all()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        tracker.invalidate_on_commit()
        pagecache.invalidate_all()


def campaign_changes(form) -> list[str]:
    """What an admin save changed in a campaign, field by field, in words."""
    changes = []
    for name in form.changed_data:
        label = form.fields[name].label or name
        before, after = form.initial.get(name), form.cleaned_data.get(name)
        changes.append(f"{label}: {before} → {after}")
    return changes


@admin.register(Campaign)
class CampaignAdmin(AuditAfterRevisionMixin, InvalidatesTrackerMixin, VersionAdmin):
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
        return [
            path(
                "dashboard/",
                self.admin_site.admin_view(self.current_dashboard_view),
                name="donations_campaign_current_dashboard",
            ),
            path(
                "<path:object_id>/dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="donations_campaign_dashboard",
            ),
            *super().get_urls(),
        ]

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

    def delete_model(self, request, obj):
        AuditEntry.objects.record(
            area=AuditEntry.Area.FUNDRAISING,
            action="campaign.deleted",
            message=_("Deleted campaign “%(name)s”.") % {"name": obj},
            user=request.user,
            obj=obj,
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for campaign in queryset:
            AuditEntry.objects.record(
                area=AuditEntry.Area.FUNDRAISING,
                action="campaign.deleted",
                message=_("Deleted campaign “%(name)s”.") % {"name": campaign},
                user=request.user,
                obj=campaign,
            )
        super().delete_queryset(request, queryset)

    def get_list_display(self, request):
        list_display = super().get_list_display(request)
        if not self.has_dashboard_permission(request):
            list_display = [name for name in list_display if name != "dashboard"]
        return list_display

    @admin.display(description="Dashboard")
    def dashboard(self, obj):
        url = reverse("admin:donations_campaign_dashboard", args=[obj.pk])
        return format_html('<a href="{}">Progress and pace</a>', url)

    def has_dashboard_permission(self, request):
        return request.user.has_perm("donations.view_dashboard")

    def render_change_form(self, request, context, *args, **kwargs):
        context["has_dashboard_permission"] = self.has_dashboard_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_dashboard_permission": self.has_dashboard_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def current_dashboard_view(self, request):
        if not self.has_dashboard_permission(request):
            raise PermissionDenied
        campaign = Campaign.objects.current().first()
        if campaign is None:
            self.message_user(
                request, "No campaign is current: pick one.", messages.WARNING
            )
            return redirect("admin:donations_campaign_changelist")
        return redirect("admin:donations_campaign_dashboard", campaign.pk)

    def dashboard_view(self, request, object_id):
        if not self.has_dashboard_permission(request):
            raise PermissionDenied
        campaign = self.get_object(request, object_id)
        if campaign is None:
            raise Http404("No campaign has that id.")
        dashboard = campaign_dashboard(campaign)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{campaign.name}: progress",
            "subtitle": None,
            "campaign": campaign,
            "dashboard": dashboard,
            "money": campaign_money(campaign),
            "chart": dashboard.chart(),
            "bars": dashboard.bar_chart(),
            "min_views": MIN_VIEWS_TO_COMPARE,
        }
        return TemplateResponse(
            request, "admin/donations/campaign/dashboard.html", context
        )

    @admin.action(
        description="Make the selected campaign current", permissions=["change"]
    )
    def make_current(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one campaign.", messages.ERROR)
            return
        campaign = queryset.get()
        with transaction.atomic(), reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment("Made another campaign current.")
            for previous in Campaign.objects.current().exclude(pk=campaign.pk):
                previous.is_current = False
                previous.save(update_fields=["is_current"])
                self.log_change(request, previous, "No longer current.")
            campaign.is_current = True
            campaign.save(update_fields=["is_current"])
            self.log_change(request, campaign, "Made current.")
            tracker.invalidate_on_commit()
            pagecache.invalidate_all()
        version = Version.objects.get_for_object(campaign).first()
        AuditEntry.objects.record(
            area=AuditEntry.Area.FUNDRAISING,
            action="campaign.made_current",
            message=_("Made “%(name)s” the current campaign.") % {"name": campaign},
            user=request.user,
            obj=campaign,
            revision=version.revision if version else None,
        )
        self.message_user(request, f"“{campaign}” is now the current campaign.")


@admin.register(BannerMessage)
class BannerMessageAdmin(InvalidatesTrackerMixin, VersionAdmin):
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

    @admin.display(description="Click-through rate", ordering="ctr")
    def click_through_rate(self, obj):
        rate = obj.click_through_rate()
        return "—" if rate is None else f"{rate:.1f} %"


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


class EmailHashSearchMixin:
    """Find a supporter by email even when the address itself was not kept."""

    email_hash_lookup = "email_hash"

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        term = search_term.strip()
        if "@" in term:
            results |= queryset.filter(
                **{self.email_hash_lookup: Supporter.hash_email(term)}
            )
        return results, may_have_duplicates


@admin.register(Supporter)
class SupporterAdmin(EmailHashSearchMixin, admin.ModelAdmin):
    form = SupporterForm
    list_display = ["__str__", "donation_count", "first_donation", "has_email"]
    list_filter = [
        ("email", admin.EmptyFieldListFilter),
        ("display_name", admin.EmptyFieldListFilter),
    ]
    search_fields = ["display_name", "email"]
    search_help_text = "A public name, or an email address (found even if not kept)."
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

    @admin.display(description="Donations", ordering="donation_count")
    def donation_count(self, obj):
        return obj.donation_count

    @admin.display(description="First donation", ordering="first_donation_at")
    def first_donation(self, obj):
        return obj.first_donation_at

    @admin.display(description="Email kept", boolean=True, ordering="email")
    def has_email(self, obj):
        return bool(obj.email)


class CampaignListFilter(admin.SimpleListFilter):
    title = "campaign"
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
    title = "refunded"
    parameter_name = "refunded"

    def lookups(self, request, model_admin):
        return [("yes", "Refunded"), ("no", "Not refunded")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(refunded_at__isnull=self.value() == "no")
        return queryset


class ExcludedListFilter(admin.SimpleListFilter):
    title = "excluded"
    parameter_name = "excluded"

    def lookups(self, request, model_admin):
        return [("yes", "Excluded"), ("no", "Not excluded")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(excluded_reason="")
        if self.value() == "no":
            return queryset.filter(excluded_reason="")
        return queryset


def spreadsheet_safe(value):
    """Keep a spreadsheet from running a cell that starts like a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


@admin.register(Donation)
class DonationAdmin(EmailHashSearchMixin, admin.ModelAdmin):
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
    search_help_text = "A provider id, a public name, a note, or a supporter's email."
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
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="donations_donation_import",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="Amount", ordering="amount")
    def amount_with_currency(self, obj):
        return obj.amount_display()

    @admin.display(description="Counts", boolean=True)
    def is_counted(self, obj):
        return obj.is_counted()

    def has_delete_permission(self, request, obj=None):
        # Corrections are a refund date or an exclusion, never a deletion.
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        tracker.invalidate_on_commit()

    def add_view(self, request, form_url="", extra_context=None):
        """Enter an offline gift, recorded like any other donation."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = OfflineGiftForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                donation, created = payments.record_donation(
                    origin=Donation.Origin.OFFLINE, **form.donation_fields()
                )
            except payments.DonationError as exc:
                form.add_error(None, str(exc))
            else:
                if created:
                    self.log_addition(request, donation, "Entered an offline gift.")
                    self.message_user(request, f"Recorded the gift of {donation}.")
                    return redirect("admin:donations_donation_change", donation.pk)
                form.add_error(
                    "provider_id",
                    f"This reference is already recorded (donation #{donation.pk}).",
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Enter an offline gift",
            "form": form,
            "adminform": helpers.AdminForm(
                form, [(None, {"fields": list(form.fields)})], {}
            ),
            "media": self.media + form.media,
        }
        return TemplateResponse(
            request, "admin/donations/donation/offline_gift.html", context
        )

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = DonationImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            report = import_donations(
                content=form.cleaned_data["file"].read(),
                dry_run=form.cleaned_data["dry_run"],
                max_rows=DonationImportForm.MAX_ROWS,
                user=request.user,
                filename=form.cleaned_data["file"].name,
            )
            imported = [row.donation_id for row in report.rows if row.donation_id]
            if imported and not report.dry_run:
                LogEntry.objects.log_actions(
                    user_id=request.user.pk,
                    queryset=Donation.objects.filter(pk__in=imported),
                    action_flag=ADDITION,
                    change_message="Imported from a CSV file.",
                )
            self.message_user(
                request,
                report.summary(),
                messages.ERROR if report.error or report.rejected else messages.SUCCESS,
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import donations",
            "form": form,
            "adminform": helpers.AdminForm(
                form, [(None, {"fields": list(form.fields)})], {}
            ),
            "report": report,
            "statuses": RowResult,
        }
        return TemplateResponse(
            request, "admin/donations/donation/import.html", context
        )

    @admin.action(
        description="Export the selected donations as CSV", permissions=["view"]
    )
    def export_csv(self, request, queryset):
        response = HttpResponse(
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="donations.csv"'},
        )
        writer = csv.writer(response)
        writer.writerow(
            [
                "id",
                "received_at",
                "amount",
                "currency",
                "kind",
                "origin",
                "provider_id",
                "supporter_id",
                "public_name",
                "email",
                "refunded_at",
                "excluded_reason",
                "note",
            ]
        )
        for donation in queryset.select_related("supporter").order_by("received_at"):
            writer.writerow(
                spreadsheet_safe(value)
                for value in [
                    donation.pk,
                    donation.received_at.isoformat(),
                    f"{donation.amount / 100:.2f}",
                    donation.currency,
                    donation.kind,
                    donation.origin,
                    donation.provider_id,
                    donation.supporter_id,
                    donation.supporter.display_name,
                    donation.supporter.email,
                    donation.refunded_at.isoformat() if donation.refunded_at else "",
                    donation.excluded_reason,
                    donation.note,
                ]
            )
        return response

    @admin.action(
        description="Mark the selected donations as refunded", permissions=["change"]
    )
    def mark_refunded(self, request, queryset):
        now = timezone.now()
        refunded = 0
        for donation in queryset.filter(refunded_at__isnull=True):
            if payments.refund_donation(donation=donation, refunded_at=now):
                self.log_change(request, donation, "Marked as refunded.")
                refunded += 1
        self.message_user(
            request, f"Marked {refunded} donation(s) as refunded; they no longer count."
        )


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ["received_at", "type", "event_id", "livemode", "outcome", "detail"]
    list_filter = ["outcome", "type", "livemode"]
    search_fields = ["event_id", "reference"]
    date_hierarchy = "received_at"

    # The log of what the provider sent: read-only, even for superusers.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
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
        description="Try sending the selected emails now", permissions=["change"]
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
        self.message_user(request, f"{len(ids)} email(s) queued to send again.")
