"""
The admin behaviour every app shares. Apps import their base classes from
here (`ModelAdmin`, `VersionedModelAdmin`; `EditConflictForm` is in
`factually.edit_conflicts`); it imports no app. The rules every admin gets whoever registered it are the site's
(`factually.admin_site`).

- **Refusals say nothing about existence** (`ObjectAccessMixin`): staff who
  may not see an object get exactly the answer they would get for an id
  that does not exist, on every view that takes an object id.
- **No silent lost updates** (`EditConflictForm`, `EditConflictMixin`): a
  change form saved over someone else's save, made after it was opened, is
  refused with who changed it, when and what, unless the editor ticks “Save
  my version anyway”.
- **Reversion's views** answer 404 to any version that is not of their own
  model: django-reversion 6.4's revision and recover views look a version
  up by its id alone and revert it before checking anything else.
- NUL characters are dropped from search terms (see get_search_results).
- A revision saved with other fields than the model has now is refused,
  naming them, wherever it could be restored (`factually/revisions.py`).
- `ReadOnlyMixin`: an admin for records nobody adds, edits or deletes by
  hand (publications, the audit trail, webhook events).
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import (
    PermissionDenied,
    ValidationError,
)
from django.db import router, transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from reversion import admin as reversion_admin
from reversion.models import Version

from . import revisions
from .edit_conflicts import EditConflictForm

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class ObjectAccessMixin:
    """
    An object the user may not see answers exactly as a missing one does.

    Django's own views look the object up before checking permissions in
    places (the history view redirects "doesn't exist" before it refuses),
    and object-level rules (a notification is its recipient's) refused an
    existing object but redirected a missing one: both told staff without
    rights which ids exist. Here `get_object()` refuses (403) anyone without
    view or change rights on the model before any lookup, whatever the id,
    and returns None, as for a missing id, for an object the user may not
    view; every view taking an id goes through it. Custom views check their
    own permissions before calling it (`articles.admin.base.get_article`).
    """

    def get_object(self, request, object_id, from_field=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and not self.has_view_or_change_permission(request, obj):
            return None
        return obj


class EditConflictMixin:
    """
    For a ModelAdmin whose change form is an `EditConflictForm`: locks the
    row before the change view reads it and keeps the form's own two
    fields out of the admin's fieldsets. The change form's template shows
    the token and the conflict from the form
    (templates/admin/_edit_conflict.html).
    """

    form = EditConflictForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is None or request.method in SAFE_METHODS:
            return super().changeform_view(request, object_id, form_url, extra_context)
        # No savepoint of its own: Django's view opens the transaction, or
        # joins django-reversion's.
        with transaction.atomic(using=router.db_for_write(self.model), savepoint=False):
            try:
                pk = self.model._meta.pk.to_python(unquote(object_id))
            except ValidationError:
                pk = None
            if pk is not None:
                # Both saves of a conflict must not pass its check: the
                # second waits here, then reads what the first saved.
                list(
                    self.model._base_manager.select_for_update()
                    .filter(pk=pk)
                    .values_list("pk")
                )
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_fields(self, request, obj=None):
        return [
            name
            for name in super().get_fields(request, obj)
            if name not in ("edit_token", "overwrite")
        ]


class ModelAdmin(ObjectAccessMixin, EditConflictMixin, admin.ModelAdmin):
    """The base of every admin of ours not under django-reversion."""


class VersionedModelAdmin(
    ObjectAccessMixin, EditConflictMixin, reversion_admin.VersionAdmin
):
    """The base of every admin of a model kept under django-reversion."""

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # Refused before the version is looked up (or reverted), whatever
        # the ids, for staff without rights on the model.
        if not self.has_view_or_change_permission(request) or (
            request.method not in SAFE_METHODS
            and not self.has_change_permission(request)
        ):
            raise PermissionDenied
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

    def recover_view(self, request, version_id, extra_context=None):
        if not (
            self.has_add_permission(request) and self.has_change_permission(request)
        ):
            raise PermissionDenied
        version = get_object_or_404(
            Version.objects.get_deleted(self.model), pk=version_id
        )
        recoverlist = self._revision_url("recoverlist")
        if refusal := revisions.refused(request, version.revision, recoverlist):
            return refusal
        return super().recover_view(request, version_id, extra_context)

    def get_search_results(self, request, queryset, search_term):
        # The changelist's search form refuses a NUL character, but the
        # autocomplete view hands its term straight to this method, and
        # PostgreSQL refuses a NUL in a query (a 500 instead of no match).
        return super().get_search_results(
            request, queryset, search_term.replace("\x00", "")
        )

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
