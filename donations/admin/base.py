"""What the donations admins share: URLs from the site, cache retirement, search."""

from django.contrib.admin import helpers
from django.urls import reverse

from .. import tracker
from ..models import Supporter


def admin_form(form):
    """The form as the admin's fieldset include renders it, in one fieldset."""
    return helpers.AdminForm(form, [(None, {"fields": list(form.fields)})], {})


class AdminURLMixin:
    def admin_url(self, name, *args):
        """The URL of one of this admin's views, e.g. admin_url("change", pk)."""
        return reverse(
            f"{self.admin_site.name}:{self.url_name(name)}",
            args=args,
            current_app=self.admin_site.name,
        )

    def url_name(self, name):
        """The name of one of this admin's views within its site."""
        return f"{self.opts.app_label}_{self.opts.model_name}_{name}"


class InvalidatesTrackerMixin:
    """
    Changes made here alter what the banner shows on every page: retire the
    cached tracker, and with it the banner joined into every page.
    """

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        tracker.invalidate_banner()
        # A campaign's start and end change the banner when they come.
        tracker.schedule_campaign_times()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        tracker.invalidate_banner()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        tracker.invalidate_banner()


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
