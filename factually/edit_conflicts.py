"""
Edit conflicts: a change form that refuses to save over a save made since
it was opened (`EditConflictForm`), and the conflict it describes. The
admin side (locking the row, rendering the box) is
`factually.admin.EditConflictMixin`.
"""

import hashlib
import json

from django import forms
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion import is_registered
from reversion.models import Version


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

    @property
    def edit_token_field(self):
        """The token's hidden field, for the change form of a saved object."""
        return self["edit_token"] if self.instance.pk else None

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
