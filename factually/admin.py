"""
The admin base class for every model kept under django-reversion.

django-reversion 6.4's own revision and recover views look a version up by
its id alone and revert it before checking anything else, so a user with
rights on one model could post the id of another model's version (a
donation's, say) and have that object reverted. This class answers 404 to
any version that is not of its own model. Apps import it from here because
it is the one piece of admin behaviour the whole site shares; it imports no
app. It also drops NUL characters from search terms (see get_search_results),
and refuses a revision saved with other fields than the model has now
(factually/revisions.py).

`ReadOnlyMixin` is the other shared piece: an admin for records nobody adds,
edits or deletes by hand (publications, the audit trail, webhook events).
"""

from django.contrib.admin.utils import unquote
from django.shortcuts import get_object_or_404
from django.urls import reverse
from reversion import admin as reversion_admin
from reversion.models import Version

from . import revisions


class VersionAdmin(reversion_admin.VersionAdmin):
    def revision_view(self, request, object_id, version_id, extra_context=None):
        version = get_object_or_404(
            Version.objects.get_for_model(self.model),
            pk=version_id,
            object_id=unquote(object_id),
        )
        # Without the right to revert, reversion's own view refuses first.
        if self.has_change_permission(request):
            history = self._revision_url("history", object_id)
            if refusal := revisions.refused(request, version.revision, history):
                return refusal
        return super().revision_view(request, object_id, version_id, extra_context)

    def get_search_results(self, request, queryset, search_term):
        # The changelist's search form refuses a NUL character, but the
        # autocomplete view hands its term straight to this method, and
        # PostgreSQL refuses a NUL in a query (a 500 instead of no match).
        return super().get_search_results(
            request, queryset, search_term.replace("\x00", "")
        )

    def recover_view(self, request, version_id, extra_context=None):
        version = get_object_or_404(
            Version.objects.get_deleted(self.model), pk=version_id
        )
        if self.has_add_permission(request):
            recoverlist = self._revision_url("recoverlist")
            if refusal := revisions.refused(request, version.revision, recoverlist):
                return refusal
        return super().recover_view(request, version_id, extra_context)

    def _revision_url(self, view, *args):
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{view}",
            args=args,
            current_app=self.admin_site.name,
        )


class ReadOnlyMixin:
    """An admin whose rows nobody adds, edits or deletes by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
