"""The donation admin's entry views: an offline gift, and a CSV import."""

from django.contrib import messages
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from .. import payments
from ..imports import RowResult, import_donations
from ..models import Donation
from .base import admin_form
from .forms import DonationImportForm, OfflineGiftForm


class EntryViewsMixin:
    """For DonationAdmin: gifts entered by staff, recorded like any other."""

    def entry_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name=self.url_name("import"),
            ),
        ]

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
                    self.log_addition(request, donation, _("Entered an offline gift."))
                    self.message_user(
                        request,
                        _("Recorded the gift of %(donation)s.")
                        % {"donation": donation},
                    )
                    return HttpResponseRedirect(self.admin_url("change", donation.pk))
                form.add_error(
                    "provider_id",
                    _("This reference is already recorded (donation #%(id)s).")
                    % {"id": donation.pk},
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Enter an offline gift"),
            "form": form,
            "adminform": admin_form(form),
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
                    change_message=_("Imported from a CSV file."),
                )
            self.message_user(
                request,
                report.summary(),
                messages.ERROR if report.error or report.rejected else messages.SUCCESS,
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import donations"),
            "form": form,
            "adminform": admin_form(form),
            "report": report,
            "statuses": RowResult,
        }
        return TemplateResponse(
            request, "admin/donations/donation/import.html", context
        )
