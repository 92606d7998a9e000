"""
Limits that keep rendering an article bounded, measured before rendering.

Rendering Markdown costs time roughly in proportion to its length and, far
more, to its markup: a text made of 50,000 “![” takes markdown-it over a
second, the same length of prose a fiftieth of that. So each text and each
article may hold only so many characters and so many Markdown symbols, and
blockquotes and lists may nest only so deep on one line. With these limits
the worst article allowed renders in well under two seconds of CPU (see
`bench/render_limits.py`). Forms refuse text over the limits at save;
publishing refuses any draft over them that came another way, and such a
draft is previewed with the offending text left out rather than rendered.
"""

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .shape import Draft

# The characters that open, close or modify Markdown constructs; plain
# prose has few of them.
MARKUP = re.compile(r"[\[\]!*_<>`|&\\~]")
MAX_MARKUP_PER_TEXT = 5_000
MAX_MARKUP_PER_ARTICLE = 20_000
MAX_CHARACTERS_PER_ARTICLE = 300_000
MAX_NESTING = 10
# More than MAX_NESTING blockquote or list markers opening one line.
TOO_DEEP = re.compile(
    rf"^[ \t]*(?:>[ \t]*|(?:[-*+]|\d{{1,9}}[.)])[ \t]+){{{MAX_NESTING + 1},}}",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Measure:
    characters: int
    markup: int
    too_deep: bool

    @classmethod
    def of(cls, text: str) -> "Measure":
        text = text or ""
        return cls(
            characters=len(text),
            markup=len(MARKUP.findall(text)),
            too_deep=TOO_DEEP.search(text) is not None,
        )


def text_problems(text: str) -> list[str]:
    """What makes one Markdown text too costly to render, in plain words."""
    measure = Measure.of(text)
    found = []
    if measure.markup > MAX_MARKUP_PER_TEXT:
        found.append(
            _(
                "This text has %(count)s Markdown symbols ([ ] ! * _ < > ` | & \\ ~); "
                "the limit is %(limit)s per text. Remove repeated symbols or split "
                "the text."
            )
            % {"count": f"{measure.markup:,}", "limit": f"{MAX_MARKUP_PER_TEXT:,}"}
        )
    if measure.too_deep:
        found.append(
            _("Quotes or lists are nested more than %(limit)s levels deep on one line.")
            % {"limit": MAX_NESTING}
        )
    return found


def validate_text(text: str) -> None:
    """A form field validator: refuses a text over the per-text limits."""
    if found := text_problems(text):
        raise ValidationError(found)


def article_problems(texts: Iterable[str]) -> list[str]:
    """What makes all the texts of one article, together, too costly."""
    measures = [Measure.of(text) for text in texts]
    characters = sum(m.characters for m in measures)
    markup = sum(m.markup for m in measures)
    found = []
    if characters > MAX_CHARACTERS_PER_ARTICLE:
        found.append(
            _(
                "The texts of this fact check add up to %(count)s characters; the "
                "limit is %(limit)s. Split it into two fact checks."
            )
            % {
                "count": f"{characters:,}",
                "limit": f"{MAX_CHARACTERS_PER_ARTICLE:,}",
            }
        )
    if markup > MAX_MARKUP_PER_ARTICLE:
        found.append(
            _(
                "The texts of this fact check have %(count)s Markdown symbols "
                "together; the limit is %(limit)s."
            )
            % {"count": f"{markup:,}", "limit": f"{MAX_MARKUP_PER_ARTICLE:,}"}
        )
    return found


def draft_texts(draft: Draft) -> list[tuple[str, object, str]]:
    """Every Markdown text of the draft: (label, the object, its field name)."""
    article = draft.article
    texts = [
        (_("The executive summary"), article, "summary"),
        (_("The note on the sources"), article, "sources_note"),
    ]
    texts += [
        (_("Section %(n)s") % {"n": n}, section, "body")
        for n, section in enumerate(draft.sections, 1)
    ]
    texts += [
        (_("The explanation of claim %(n)s") % {"n": n}, claim, "explanation")
        for n, claim in enumerate(draft.claims, 1)
    ]
    return texts


def draft_problems(draft: Draft) -> list[str]:
    """Every limit the draft is over, naming the text, for publishing to refuse."""
    found = []
    texts = draft_texts(draft)
    for label, obj, name in texts:
        found += [
            f"{label}: {problem}" for problem in text_problems(getattr(obj, name))
        ]
    found += article_problems(getattr(obj, name) for _label, obj, name in texts)
    headings = sum(len(section.heading) for section in draft.sections)
    if headings > MAX_CHARACTERS_PER_ARTICLE // 10:
        found.append(_("The section headings are too long together."))
    return found


def renderable(draft: Draft) -> Draft:
    """
    The draft with what cannot be rendered safely left out: texts over the
    limits (all of them, if the article is over its own) and, for citations
    with no source attached yet, a stand-in. The draft itself is unchanged;
    `validation.problems()` names what was left out, so it cannot be
    published like this.
    """
    texts = draft_texts(draft)
    over_article = bool(
        article_problems(getattr(obj, name) for _label, obj, name in texts)
    )
    copies = {}

    def copied(obj):
        return copies.setdefault(id(obj), copy.copy(obj))

    for _label, obj, name in texts:
        if over_article or text_problems(getattr(obj, name)):
            setattr(copied(obj), name, _("*(Not shown: over the rendering limits.)*"))
    citations = draft.citations
    if any(citation.source_id is None for citation in citations):
        from sources.models import Source

        citations = []
        for citation in draft.citations:
            if citation.source_id is None:
                citation = copy.copy(citation)
                citation.source = Source(title=_("No source attached yet"), url="")
            citations.append(citation)
    if not copies and citations is draft.citations:
        return draft
    return replace(
        draft,
        article=copies.get(id(draft.article), draft.article),
        sections=[copies.get(id(s), s) for s in draft.sections],
        claims=[copies.get(id(c), c) for c in draft.claims],
        citations=citations,
    )
