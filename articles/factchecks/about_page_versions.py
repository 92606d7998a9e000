"""
The about pages' public history: every save that changes what readers read
of a page (its title, description, lede or body) freezes a new, dated
`PageVersion` with the editor's note and the change marked word by word,
as a fact check's update history does. A save that changes nothing readers
read makes none. Trust pages (the methodology, the corrections policy) are
promises to readers: a change to one is never silent.
"""

import re
import unicodedata
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .about_pages import Page, PageVersion
from .diffs import mark_words

PUBLIC_FIELDS = Page.PUBLIC_FIELDS
# Markdown paragraphs (and headings, list blocks) are split by blank lines.
PARAGRAPHS = re.compile(r"\n\s*\n")


def normalised(text: str) -> str:
    """Text as compared: browser line endings and Unicode forms are no change."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def public_text(source) -> dict[str, str]:
    """What readers read of a page or a version, by field, normalised."""
    return {name: normalised(getattr(source, name)) for name in PUBLIC_FIELDS}


def _elided(count: int) -> str:
    return format_html(
        '<span class="change__elided">{}</span>',
        ngettext(
            "[%(count)s paragraph unchanged]",
            "[%(count)s paragraphs unchanged]",
            count,
        )
        % {"count": count},
    )


def marked_paragraphs(old: str, new: str) -> str:
    """
    HTML of `new` with its words marked against `old`, paragraph by
    paragraph, leaving out the unchanged ones but the heading above each
    change: a one-word change to a long policy stands out.
    """
    a, b = PARAGRAPHS.split(old.strip()), PARAGRAPHS.split(new.strip())
    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    pieces = []
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op != "equal":
            pieces.append(mark_words("\n\n".join(a[i1:i2]), "\n\n".join(b[j1:j2])))
            continue
        run = a[i1:i2]
        headings = [k for k, text in enumerate(run) if text.startswith("#")]
        if index + 1 < len(opcodes) and headings:
            k = headings[-1]
            pieces += [_elided(k)] if k else []
            pieces.append(escape(run[k]))
            pieces += [_elided(len(run) - k - 1)] if k + 1 < len(run) else []
        else:
            pieces.append(_elided(len(run)))
    return mark_safe("\n\n".join(pieces))


def changes_between(old: dict[str, str], new: dict[str, str]) -> list[dict]:
    """The fields that differ, each with its words marked: [{label, html}]."""
    return [
        {
            "label": str(Page._meta.get_field(name).verbose_name).capitalize(),
            "html": str(
                marked_paragraphs(old[name], new[name])
                if name == "body"
                else mark_words(old[name], new[name])
            ),
        }
        for name in PUBLIC_FIELDS
        if old[name] != new[name]
    ]


def _freeze(page: Page, *, number: int, note: str, user, changes: list, when):
    return PageVersion.objects.create(
        page=page,
        number=number,
        note=note,
        published_at=when,
        published_by=user,
        body_html=page.body_html,
        changes=changes,
        **public_text(page),
    )


def freeze_first(page: Page) -> PageVersion:
    """Version 1 of a page that has none: its text as stored now."""
    return _freeze(page, number=1, note="", user=None, changes=[], when=page.updated_at)


def needs_note(page: Page, new: dict[str, str]) -> bool:
    """Whether saving `new` text (by field) would change what readers read."""
    latest = page.versions.first()
    current = public_text(latest if latest is not None else page)
    return current != {name: normalised(new[name]) for name in PUBLIC_FIELDS}


def save_page(*, page: Page, note: str = "", user=None) -> PageVersion | None:
    """
    Save `page` (its fields as edited) and, if what readers read changed,
    freeze it as its next public version with `note`, which is then
    required. Returns the new version, or None when nothing readers read
    changed. Raises ValidationError, saving nothing, when a note is missing.
    """
    with transaction.atomic():
        stored = Page.objects.select_for_update().get(pk=page.pk)
        latest = stored.versions.first()
        if latest is None:
            # Pages made before their history was kept (or after a flush):
            # what readers read until now is version 1.
            latest = freeze_first(stored)
        old, new = public_text(latest), public_text(page)
        if old == new:
            page.save()
            return None
        if not note.strip():
            raise ValidationError(
                _("Say what changed and why: readers see this note with the page.")
            )
        page.save()
        return _freeze(
            page,
            number=latest.number + 1,
            note=note.strip(),
            user=user,
            changes=changes_between(old, new),
            when=timezone.now(),
        )
