"""
The admin behaviour every app shares. Apps import their base classes from
here (`ModelAdmin`, `VersionAdmin`, `EditConflictForm`); it imports no app.

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

import hashlib
import json

from django import forms
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import (
    FieldDoesNotExist,
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.core.serializers.json import DjangoJSONEncoder
from django.db import router, transaction
from django.db.models import Model
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion import admin as reversion_admin
from reversion import is_registered
from reversion.models import Version

from . import revisions

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


def view_on_site(request, content_type_id, object_id):
    """
    The admin's "view on site" redirect, for objects the user may see in
    the admin only. Django's own (contenttypes' `shortcut`) redirects any
    staff member to any object's public address, so a fundraiser could
    learn a draft's address, or whether an id exists. Shadows the admin
    site's `r/<content type>/<id>/` URL (factually/urls.py).
    """
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except (ObjectDoesNotExist, ValueError):
        raise Http404(_("No such kind of object.")) from None
    try:
        model_admin = admin.site.get_model_admin(model)
    except admin.sites.NotRegistered:
        raise Http404(_("No such kind of object.")) from None
    if model_admin.get_object(request, unquote(object_id)) is None:
        raise Http404(_("No such object."))
    return shortcut(request, content_type_id, object_id)


# Edit conflicts.


def fingerprint(value) -> str:
    """A short digest of one field's value as the change form loads it."""
    if isinstance(value, (list, tuple)) and all(isinstance(v, Model) for v in value):
        value = sorted(str(v.pk) for v in value)  # A many-to-many field.
    elif isinstance(value, Model):
        value = value.pk
    encoded = json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, default=str)
    return hashlib.blake2b(encoded.encode(), digest_size=8).hexdigest()


def parse_token(token):
    """(marker, {field name: fingerprint}) of a posted token, or None without one."""
    if not token:
        return None
    marker, fields = "", {}
    for item in token.split(";"):
        name, _sep, value = item.partition("=")
        if name == "@":
            marker = value
        elif name:
            fields[name] = value
    return marker, fields


class EditConflict:
    """Someone else's save since the form was opened: who, when, what."""

    def __init__(self, *, who, when, rows, comparison=None, in_history=False):
        self.who = who  # A user, or None when the change was not made here.
        self.when = when  # None when not known.
        self.rows = rows  # [(label, theirs, yours)] of the fields they changed.
        self.comparison = comparison  # A richer diff, if the form makes one.
        self.in_history = in_history  # Their version stays in the history.


def display(form, name, value):
    """A field's value in words, for the conflict box."""
    field = form.fields[name]
    if value in (None, "", [], ()):
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    choices = dict(getattr(field, "flatchoices", None) or [])
    if not isinstance(field, forms.ModelChoiceField) and value in choices:
        return str(choices[value])
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(str(item) for item in value)
    if isinstance(field, forms.ModelChoiceField) and not isinstance(value, Model):
        value = field.queryset.filter(pk=value).first() or value
    if hasattr(value, "tzinfo"):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if hasattr(value, "isoformat"):
        return date_format(value, "DATE_FORMAT")
    return Truncator(str(value)).chars(300)


class EditConflictForm(forms.ModelForm):
    """
    A change form that refuses to save over a save made since it was
    opened: it carries a token of what it was loaded from and, when that is
    out of date, says who changed it, when and what, and saves only if the
    editor ticks “Save my version anyway”.

    The token holds a fingerprint of each field of the model a form may
    write, as it was loaded (plus `extra_state()`, e.g. a fact check's
    parts), and a marker
    of the object's history at that moment: the id of its latest reversion
    Version for versioned models, else of its latest admin log entry.
    A save is refused when a field this form would write no longer matches
    its fingerprint. That choice, rather than a modified-at timestamp or the
    latest Version id alone: it works for every model, with or without an
    `updated_at` field or reversion; it catches changes made outside the
    admin too (a Stripe webhook refunding a donation, a supporter removing
    their name), which make no revision and touch no timestamp; and it does
    not refuse a save for changes this form would not overwrite (a banner's
    view and click counters, fields read-only to this user). The marker only
    says who and when, and where the history of what they changed starts.

    The admin (`EditConflictMixin`) locks the row before the form reads it,
    so two saves cannot both pass the check. A post without a token (not
    from the change form) is not checked.
    """

    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)
    # Offered only after a conflict, in the conflict box above the form.
    overwrite = forms.BooleanField(
        required=False,
        label=gettext_lazy("Save my version anyway, replacing their changes"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.edit_conflict = None
        if self.instance.pk and not self.is_bound:
            self.fields["edit_token"].initial = self.token()

    @cached_property
    def changed_data(self):
        # The check's own fields are not changes to the object.
        return [
            name
            for name in super().changed_data
            if name not in ("edit_token", "overwrite")
        ]

    @classmethod
    def edited_fields(cls, names):
        """The names among `names` of fields of the model a form may write."""
        model = cls._meta.model
        found = []
        for name in names:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if (
                getattr(field, "editable", False)
                and not field.auto_created
                and not field.primary_key
                and (field.concrete or field.many_to_many)
            ):
                found.append(name)
        return found

    @classmethod
    def edit_token_for(cls, instance):
        """The token a change form of this class would carry for `instance`."""
        return cls(instance=instance).fields["edit_token"].initial

    def extra_state(self):
        """Other state this form's save would overwrite: {name: value}."""
        return {}

    def fingerprints(self, names):
        """
        Fingerprints of fields `names` as loaded (self.initial, read under
        the admin's lock when posted), and of `extra_state()`.
        """
        others = [name for name in names if name not in self.initial]
        values = {**model_to_dict(self.instance, fields=others), **self.initial}
        state = {name: values.get(name) for name in names}
        state.update(self.extra_state())
        return {name: fingerprint(value) for name, value in state.items()}

    def history_marker(self):
        if is_registered(type(self.instance)):
            versions = Version.objects.get_for_object(self.instance)
            return versions.values_list("pk", flat=True).first() or ""
        entries = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(self.instance),
            object_id=str(self.instance.pk),
        )
        return entries.order_by("-pk").values_list("pk", flat=True).first() or ""

    def token(self):
        # Every field, not only those this user's form writes (fields may
        # be read-only to them): a token restored from another user's copy
        # in the browser still covers what this form writes.
        names = self.edited_fields(f.name for f in self._meta.model._meta.get_fields())
        items = [f"@={self.history_marker()}"]
        items += [f"{k}={v}" for k, v in sorted(self.fingerprints(names).items())]
        return ";".join(items)

    def clean(self):
        cleaned = super().clean()
        loaded = parse_token(cleaned.get("edit_token"))
        if not self.instance.pk or loaded is None or cleaned.get("overwrite"):
            # New, not from the change form, or a knowing choice (the
            # other save stays in the history, when there is one).
            return cleaned
        marker, fields = loaded
        # self.initial holds the object as read under the admin's lock.
        changed = [
            name
            for name, value in self.fingerprints(
                self.edited_fields(self.fields)
            ).items()
            if fields.get(name) != value
        ]
        if not changed:
            return cleaned
        self.edit_conflict = self.describe_conflict(marker, changed)
        raise ValidationError(self.conflict_message(self.edit_conflict))

    def describe_conflict(self, marker, changed):
        who = when = None
        in_history = is_registered(type(self.instance))
        after = int(marker) if marker.isdigit() else 0
        if in_history:
            latest = (
                Version.objects.get_for_object(self.instance)
                .filter(pk__gt=after)
                .select_related("revision__user")
                .first()
            )
            if latest is not None:
                who, when = latest.revision.user, latest.revision.date_created
        else:
            latest = (
                LogEntry.objects.filter(
                    content_type=ContentType.objects.get_for_model(self.instance),
                    object_id=str(self.instance.pk),
                    pk__gt=after,
                )
                .select_related("user")
                .order_by("-pk")
                .first()
            )
            if latest is not None:
                who, when = latest.user, latest.action_time
        rows = [
            (
                self.fields[name].label or name,
                display(self, name, self.initial.get(name)),
                display(self, name, self.cleaned_data.get(name)),
            )
            for name in changed
            if name in self.fields
        ]
        # A change too small to show (seconds' fractions) needs no row.
        rows = [row for row in rows if row[1] != row[2]]
        return EditConflict(
            who=who,
            when=when,
            rows=rows,
            comparison=self.conflict_comparison(marker),
            in_history=in_history,
        )

    def conflict_comparison(self, marker):
        """A fuller account of what they changed, for forms that can make one."""
        return None

    def conflict_message(self, conflict):
        name = self._meta.model._meta.verbose_name
        if conflict.when is None:
            return _(
                "Changed since you opened this page, by someone or something "
                "outside this form; your changes were not saved. Their values "
                "are shown above your form. Open the %(name)s again to build "
                "on them, or tick “Save my version anyway” to replace them."
            ) % {"name": name}
        return _(
            "Changed by %(who)s at %(when)s while you were editing; your "
            "changes were not saved. What they changed is shown above your "
            "form. Open the %(name)s again to build on their version, or "
            "tick “Save my version anyway” to replace it."
        ) % {
            "who": conflict.who or _("someone else"),
            "when": date_format(timezone.localtime(conflict.when), "DATETIME_FORMAT"),
            "name": name,
        }


class EditConflictMixin:
    """
    For a ModelAdmin whose change form is an `EditConflictForm`: locks the
    row before the change view reads it, renders the token and the conflict
    box (templates/admin/_edit_conflict.html) and keeps the form's own two
    fields out of the admin's fieldsets.
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

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        form = context["adminform"].form
        context["edit_conflict"] = getattr(form, "edit_conflict", None)
        context["edit_token_field"] = (
            form["edit_token"] if "edit_token" in form.fields and obj else None
        )
        return super().render_change_form(request, context, add, change, form_url, obj)


class ModelAdmin(ObjectAccessMixin, EditConflictMixin, admin.ModelAdmin):
    """The base of every admin of ours not under django-reversion."""


class VersionAdmin(ObjectAccessMixin, EditConflictMixin, reversion_admin.VersionAdmin):
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


def guard_every_admin(site):
    """
    Give the admins that other packages register (django-axes' attempts and
    logs, the task results) `ObjectAccessMixin` too, so that no admin view
    taking an id tells staff without rights which ids exist.
    """
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, ObjectAccessMixin):
            continue
        guarded = type(
            type(model_admin).__name__, (ObjectAccessMixin, type(model_admin)), {}
        )
        site.unregister(model)
        site.register(model, guarded)
