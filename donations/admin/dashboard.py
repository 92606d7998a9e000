"""The campaign dashboard's admin views: progress, pace, variants and money."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..dashboard import MIN_VIEWS_TO_COMPARE, campaign_dashboard
from ..models import BannerMessage, Campaign
from ..revenue import campaign_money


class DashboardViewsMixin:
    """For CampaignAdmin: the dashboard of one campaign, and of the current one."""

    def dashboard_urls(self):
        return [
            path(
                "dashboard/",
                self.admin_site.admin_view(self.current_dashboard_view),
                name=self.url_name("current_dashboard"),
            ),
            path(
                "<path:object_id>/dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name=self.url_name("dashboard"),
            ),
        ]

    def has_dashboard_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.view_dashboard")

    @admin.display(description=gettext_lazy("Dashboard"))
    def dashboard(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            self.admin_url("dashboard", obj.pk),
            _("Progress and pace"),
        )

    def current_dashboard_view(self, request):
        if not self.has_dashboard_permission(request):
            raise PermissionDenied
        campaign = Campaign.objects.current().first()
        if campaign is None:
            self.message_user(
                request, _("No campaign is current: pick one."), messages.WARNING
            )
            return HttpResponseRedirect(self.admin_url("changelist"))
        return HttpResponseRedirect(self.admin_url("dashboard", campaign.pk))

    def dashboard_view(self, request, object_id):
        if not self.has_dashboard_permission(request):
            raise PermissionDenied
        campaign = self.get_object(request, object_id)
        if campaign is None:
            raise Http404(_("No campaign has that id."))
        dashboard = campaign_dashboard(campaign)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("%(campaign)s: progress") % {"campaign": campaign.name},
            "subtitle": None,
            "campaign": campaign,
            "dashboard": dashboard,
            "money": campaign_money(campaign),
            "pledges": campaign.matching_pledges.order_by("starts_at", "pk"),
            "chart": dashboard.chart(),
            "bars": dashboard.bar_chart(),
            "min_views": MIN_VIEWS_TO_COMPARE,
            "message_opts": BannerMessage._meta,
        }
        return TemplateResponse(
            request, "admin/donations/campaign/dashboard.html", context
        )
