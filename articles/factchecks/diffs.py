"""
What changed between two states of an article: two revisions, a revision
and the draft, or the draft and what readers see. Each state is the plain
data of `shape.Draft.data()`; the comparison walks the same shape (the
article's fields, then each part's), with words marked as inserted or
deleted. Values are shown as readers read them: a rating by its label
("Mostly false"), a date written out ("November 2, 2025").
"""

import re
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .models import Article
from .shape import ARTICLE_FIELDS, PARTS, field_label

TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def shown(model: type[models.Model], name: str, value) -> str:
    """
    A field's value (draft data) as readers read it: a choice by its label,
    a date in the site's date format, anything else as text.
    """
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:  # A derived value, such as a citation's source details.
        return as_text(value)
    if value not in (None, "") and not isinstance(value, list):
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(model_field, models.DateField) and not isinstance(
            model_field, models.DateTimeField
        ):
            day = value if isinstance(value, date) else date.fromisoformat(value)
            return date_format(day)
    return as_text(value)


def mark_words(old: str, new: str) -> str:
    """HTML of `new` with deleted words in <del> and inserted ones in <ins>."""
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    parts = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
    return mark_safe("".join(parts))


@dataclass
class FieldChange:
    label: str
    old: str  # The values as readers read them (`shown()`).
    new: str
    name: str = ""  # The field, e.g. "rating".

    @property
    def marked(self):
        return mark_words(self.old, self.new)


@dataclass
class ChildChange:
    label: str
    status: str  # "added", "removed" or "changed"
    fields: list[FieldChange] = field(default_factory=list)
    part: str = ""  # The part's relation, e.g. "claims".
    old: dict = field(default_factory=dict)  # The part's data before and after.
    new: dict = field(default_factory=dict)


@dataclass
class Comparison:
    fields: list[FieldChange]
    children: list[ChildChange]

    def __bool__(self):
        return bool(self.fields or self.children)


def _child_label(part, item):
    title = {
        "sections": "heading",
        "claims": "claimant",
        "citations": "source",
        "related_questions": "question",
    }[part.name]
    title = item.get(title) or ""
    return f"{part.noun} {item['position']}" + (f" “{title}”" if title else "")


def _fields(part, before, after, names):
    return [
        FieldChange(
            part.label(name),
            shown(part.model, name, before.get(name)),
            shown(part.model, name, after.get(name)),
            name,
        )
        for name in names
        if as_text(before.get(name)) != as_text(after.get(name))
    ]


def _keyed(items):
    return {item.get("id") or f"p{item['position']}": item for item in items}


def compare(old: dict, new: dict) -> Comparison:
    fields = [
        FieldChange(
            field_label(Article, name),
            shown(Article, name, old.get(name)),
            shown(Article, name, new.get(name)),
            name,
        )
        for name in ARTICLE_FIELDS
        if as_text(old.get(name)) != as_text(new.get(name))
    ]
    children = []
    for part in PARTS:
        old_items = _keyed(old.get(part.name, []))
        new_items = _keyed(new.get(part.name, []))
        for key, item in new_items.items():
            before = old_items.get(key)
            if before is None:
                status, names = "added", part.fields
            else:
                status, names = "changed", ["position", *part.fields]
            changed = _fields(part, before or {}, item, names)
            if changed or status == "added":
                children.append(
                    ChildChange(
                        _child_label(part, item),
                        status,
                        changed,
                        part.name,
                        before or {},
                        item,
                    )
                )
        for key, item in old_items.items():
            if key not in new_items:
                children.append(
                    ChildChange(
                        _child_label(part, item),
                        "removed",
                        _fields(part, item, {}, part.fields),
                        part.name,
                        item,
                        {},
                    )
                )
    return Comparison(fields, children)
