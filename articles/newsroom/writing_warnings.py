"""
Checks while writing: things worth a second look in a draft, shown next to
the field they concern each time the change form is shown or saved. They
never block saving; what blocks publishing is in `articles.factchecks.publish_checks`.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from articles.factchecks.markup import MARKER, MAX_RANGE, marker_numbers
from articles.factchecks.shape import Draft

# A heading that starts with its own number ("1. ", "2) "), which the page
# adds again ("1. 1. The tally").
NUMBERED_HEADING = re.compile(r"^\s*(?:\d{1,3}[.):]\s*)+")
LONG_PARAGRAPH_WORDS = 250
# Code is not read for markers, as rendering does not read it either.
CODE = re.compile(r"```.*?```|~~~.*?~~~|`[^`\n]*`", re.DOTALL)


@dataclass(frozen=True)
class Warning:
    """One warning, and the form field it belongs next to (e.g. "sections-2-body")."""

    field: str
    message: str


def strip_heading_number(heading: str) -> str:
    """The heading without a number pasted at its start, unless that is all of it."""
    stripped = NUMBERED_HEADING.sub("", heading or "").strip()
    return stripped or (heading or "").strip()


def _markers(text: str):
    """Each citation marker in a text, as (its text, its numbers or None)."""
    text = CODE.sub("", text or "")
    for match in MARKER.finditer(text):
        if text[match.end() : match.end() + 1] == "(":
            continue  # A link whose text is a number.
        yield match.group(0), marker_numbers(match.group(1))


def warnings(draft: Draft) -> list[Warning]:
    """Everything in the draft worth a second look, in the order of the form."""
    found = []
    numbers = {citation.position for citation in draft.citations}
    cited = set()
    texts = [
        ("summary", draft.article.summary),
        ("sources_note", draft.article.sources_note),
    ]
    texts += [(f"sections-{i}-body", s.body) for i, s in enumerate(draft.sections)]
    texts += [
        (f"claims-{i}-explanation", c.explanation) for i, c in enumerate(draft.claims)
    ]
    for field, text in texts:
        for marker, marker_cites in _markers(text):
            if marker_cites is None:
                found.append(
                    Warning(
                        field,
                        _(
                            "%(marker)s is not read as a citation: write a range "
                            "from low to high, of at most %(max)s numbers."
                        )
                        % {"marker": marker, "max": MAX_RANGE},
                    )
                )
                continue
            cited.update(marker_cites)
            unknown = [n for n in marker_cites if n not in numbers]
            if unknown:
                found.append(
                    Warning(
                        field,
                        _(
                            "%(marker)s points to no citation (this article has "
                            "%(count)s)."
                        )
                        % {"marker": marker, "count": len(numbers)},
                    )
                )
        for paragraph in re.split(r"\n\s*\n", text or ""):
            words = len(paragraph.split())
            if words > LONG_PARAGRAPH_WORDS:
                found.append(
                    Warning(
                        field,
                        _(
                            "A paragraph of %(words)s words: on a phone that is "
                            "several screens. Consider splitting it."
                        )
                        % {"words": words},
                    )
                )
    for index, section in enumerate(draft.sections):
        if NUMBERED_HEADING.match(section.heading or ""):
            found.append(
                Warning(
                    f"sections-{index}-heading",
                    _(
                        "Starts with a number, and the page numbers sections "
                        "itself (“1. 1. …”). Saving removes it."
                    ),
                )
            )
        if not (section.body or "").strip():
            found.append(
                Warning(f"sections-{index}-body", _("This section has no text yet."))
            )
    for index, citation in enumerate(draft.citations):
        if citation.position not in cited:
            found.append(
                Warning(
                    f"citations-{index}-source",
                    _("Citation %(number)s is not cited anywhere in the text.")
                    % {"number": citation.position},
                )
            )
    return found
