"""
Whether a django-reversion revision can still be restored as it was saved.

A revision stores each object as the fields it had then. Restoring one
after a field was renamed or removed would not fail: django-reversion
ignores the fields the model no longer has and leaves the ones the revision
lacks at their defaults, so a title stored as "headline" comes back blank,
reported as restored. Every place that restores from a revision (the
article's revert and recover, and django-reversion's own views, through
factually.admin.VersionedModelAdmin) asks check_restorable() first and refuses,
changing nothing, when any object in the revision no longer matches its
model's fields. Imports no app.
"""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reversion.revisions import _get_options, is_registered


def kept_fields(model) -> set[str]:
    """
    The fields a revision of `model` made now would store: those registered
    with django-reversion that Django's serializer writes (it skips the
    primary key, parent links and many-to-many fields with their own
    through model).
    """
    # django-reversion has no public accessor for a registration's fields.
    registered = set(_get_options(model).fields) if is_registered(model) else None
    opts = model._meta
    fields = [f for f in opts.local_fields if f.serialize] + [
        f
        for f in opts.local_many_to_many
        if f.serialize and f.remote_field.through._meta.auto_created
    ]
    return {f.name for f in fields if registered is None or f.name in registered}


def _stored_fields(version) -> set[str] | None:
    """The field names the version stored, or None if they cannot be read."""
    if version.format != "json":
        return None
    try:
        (stored,) = json.loads(version.serialized_data)
        return set(stored["fields"])
    except (ValueError, TypeError, KeyError):
        return None


def _unknown_to(model, names):
    """Those of `names` that are not fields a stored object could set."""
    opts = model._meta
    fields = {f.name for f in opts.concrete_fields} | {
        f.name for f in opts.many_to_many
    }
    return set(names) - fields


def mismatches(revision) -> list[tuple[str, list[str], list[str]]]:
    """
    For each kind of object in `revision` that no longer matches its model:
    the model's name, the model's fields the revision lacks, and the
    revision's fields the model no longer has.
    """
    found = {}
    for version in revision.version_set.select_related("content_type"):
        model = version.content_type.model_class()
        if model is None:
            label = version.content_type.model
            found.setdefault(label, (set(), {_("the whole record")}))
            continue
        stored = _stored_fields(version)
        if stored is None:
            # Unreadable data: django-reversion refuses it itself (RevertError).
            continue
        missing = kept_fields(model) - stored
        unknown = _unknown_to(model, stored)
        if missing or unknown:
            label = capfirst(model._meta.verbose_name)
            lacks, extra = found.setdefault(label, (set(), set()))
            lacks |= missing
            extra |= unknown
    return [
        (label, sorted(lacks), sorted(extra))
        for label, (lacks, extra) in sorted(found.items())
    ]


def _quoted(names):
    return get_text_list([f"“{name}”" for name in names], _("and"))


def check_restorable(revision) -> None:
    """
    Raise ValidationError, naming the fields, if restoring `revision` would
    blank fields it lacks or drop fields it has that no longer exist.
    """
    problems = []
    for label, lacks, extra in mismatches(revision):
        details = []
        if lacks:
            details.append(_("lacks %(fields)s") % {"fields": _quoted(lacks)})
        if extra:
            details.append(
                ngettext(
                    "has %(fields)s, which no longer exists",
                    "has %(fields)s, which no longer exist",
                    len(extra),
                )
                % {"fields": _quoted(extra)}
            )
        problems.append(
            _("%(model)s: the revision %(details)s")
            % {"model": label, "details": _(", and ").join(details)}
        )
    if problems:
        raise ValidationError(
            _(
                "Nothing was changed: that revision was saved when the fields "
                "were different, and restoring it would blank or lose them. "
                "%(problems)s."
            )
            % {"problems": "; ".join(problems)}
        )


def refused(request, revision, redirect_to):
    """
    For the admin's views: a redirect to `redirect_to` with the refusal as an
    error message if `revision` cannot be restored, else None.
    """
    try:
        check_restorable(revision)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(redirect_to)
    return None
