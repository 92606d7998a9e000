"""
Text as it is stored: one form for one text, whatever path brought it in.

`normalise()` turns line endings into "\\n", composes Unicode (NFC) and
strips the characters XML 1.0 cannot carry (C0 controls but tab and line
feed, lone surrogates, U+FFFE and U+FFFF). Such characters are invisible
or meaningless in what editors and readers write, and a single one takes
every feed down, so they are dropped silently rather than refused.

The model fields below apply it to every save (`save()`, `create()`,
`bulk_create()`), to every value written through `QuerySet.update()`, and
to their form fields, so that a browser's "\\r\\n" is no change to a stored
"\\n". Models declare their text with these fields; migrations see plain
Django fields, as normalising changes no column.

A leaf: imports nothing of ours, so every package may use it.
"""

import re
import unicodedata

from django import forms
from django.db import models
from django.utils.functional import Promise

# Everything outside XML 1.0's Char production but U+000D, which XML allows
# and `normalise()` has already turned into a line feed.
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def normalise(value):
    """The stored form of a text; anything but text is returned as is."""
    if isinstance(value, Promise):
        value = str(value)
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    # Stripped before composing: a control between a letter and its accent
    # would otherwise keep them apart.
    value = UNWRITABLE.sub("", value)
    return unicodedata.normalize("NFC", value)


def normalise_data(value):
    """`normalise()` applied to every string in nested lists and dicts."""
    if isinstance(value, str | Promise):
        return normalise(value)
    if isinstance(value, list | tuple):
        return [normalise_data(item) for item in value]
    if isinstance(value, dict):
        return {key: normalise_data(item) for key, item in value.items()}
    return value


class NormalisedFormField:
    """A form field whose value is normalised before it is compared or used."""

    def to_python(self, value):
        return normalise(super().to_python(value))


class CharFormField(NormalisedFormField, forms.CharField):
    pass


class SlugFormField(NormalisedFormField, forms.SlugField):
    pass


class URLFormField(NormalisedFormField, forms.URLField):
    pass


class EmailFormField(NormalisedFormField, forms.EmailField):
    pass


class NormalisedField:
    """A model text field whose value is normalised on its way in."""

    form_class = CharFormField

    def pre_save(self, model_instance, add):
        value = normalise(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value

    def get_db_prep_save(self, value, connection):
        # What every write sends, QuerySet.update() included; lookups are
        # left alone.
        return super().get_db_prep_save(normalise(value), connection)

    def formfield(self, **kwargs):
        if not self.choices:
            kwargs.setdefault("form_class", self.form_class)
        return super().formfield(**kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, f"django.db.models.{self.__class__.__name__}", args, kwargs


class CharField(NormalisedField, models.CharField):
    pass


class TextField(NormalisedField, models.TextField):
    pass


class SlugField(NormalisedField, models.SlugField):
    form_class = SlugFormField


class URLField(NormalisedField, models.URLField):
    form_class = URLFormField


class EmailField(NormalisedField, models.EmailField):
    form_class = EmailFormField
