"""
What changed between two public versions of a fact check, and what kind of
change that may be called.

Kinds must tell the truth, so `publish()` checks the kind an editor chose
against the difference itself (`kind_errors`): nothing changed is refused;
a typo fix may not touch a rating, a claim, a citation, a source, the
checked-on date or the title, change any number, or edit more than a few
characters of a part; a change only to topics, authors, the address or the
donation banner is published as "Details updated", needing no note, and
listed as what it was. The same difference, marked word by word, is frozen
with the new publication (`for_readers`) for its public changes page.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .diffs import Comparison, compare, mark_words
from .ratings import Rating

# Fields that say where and under what a fact check is filed, not what it says.
DETAILS = {
    "topics": gettext_lazy("Topics changed"),
    "authors": gettext_lazy("Authors changed"),
    "slug": gettext_lazy("Address changed"),
    "no_donation_ask": gettext_lazy("Donation banner setting changed"),
}
# A typo fix touches none of these.
FIXED_FIELDS = {"title", "checked_on"}
FIXED_PARTS = {"citations"}
FIXED_CLAIM_FIELDS = {
    "statement",
    "claimant",
    "claimant_is_organization",
    "claimed_on",
    "appearance_url",
    "rating",
    "is_headline",
}
TYPO_MAX_CHARACTERS = 20
DIGITS = re.compile(r"\d+")

FIRST = "first"
TYPO = "typo"
DETAILS_KIND = "details"
NOTED_KINDS = ("update", "correction", "clarification")


@dataclass
class VersionChange:
    """The difference between the previous public version and the next."""

    comparison: Comparison

    @property
    def details(self) -> list[str]:
        """What changed besides the text, in readers' words, e.g. "Topics changed"."""
        return [
            str(DETAILS[change.name])
            for change in self.comparison.fields
            if change.name in DETAILS
        ]

    @property
    def is_empty(self) -> bool:
        return not self.comparison

    @property
    def details_only(self) -> bool:
        return (
            not self.is_empty
            and not self.comparison.children
            and all(change.name in DETAILS for change in self.comparison.fields)
        )

    def typo_blockers(self) -> list[str]:
        """Why this change cannot be called a typo fix, each in a sentence."""
        blockers = []
        for change in self.comparison.fields:
            if change.name in FIXED_FIELDS:
                blockers.append(
                    _("the %(field)s changed") % {"field": change.label.lower()}
                )
            elif change.name not in DETAILS:
                blockers += _text_blockers(change.label, change)
        for child in self.comparison.children:
            if child.status != "changed":
                blockers.append(
                    _("%(part)s was added") % {"part": child.label}
                    if child.status == "added"
                    else _("%(part)s was removed") % {"part": child.label}
                )
            elif child.part in FIXED_PARTS:
                blockers.append(_("%(part)s changed") % {"part": child.label})
            else:
                for change in child.fields:
                    where = f"{child.label}, {change.label.lower()}"
                    if change.name == "position":
                        blockers.append(_("%(part)s moved") % {"part": child.label})
                    elif change.name == "answer" or (
                        child.part == "claims" and change.name in FIXED_CLAIM_FIELDS
                    ):
                        blockers.append(_("%(where)s changed") % {"where": where})
                    else:
                        blockers += _text_blockers(where, change)
        return blockers

    def rating_changes(self) -> list[dict]:
        """Claims whose rating changed, was given or was taken away."""
        found = []
        for child in self.comparison.children:
            if child.part != "claims":
                continue
            old, new = child.old.get("rating"), child.new.get("rating")
            if old != new:
                found.append(
                    {
                        "claim": child.label,
                        "old": str(Rating(old).label) if old else "",
                        "new": str(Rating(new).label) if new else "",
                    }
                )
        return found


def _text_blockers(where, change) -> list[str]:
    if DIGITS.findall(change.old) != DIGITS.findall(change.new):
        return [_("a number changed in %(where)s") % {"where": where}]
    edited = sum(
        max(i2 - i1, j2 - j1)
        for op, i1, i2, j1, j2 in SequenceMatcher(
            None, change.old, change.new, autojunk=False
        ).get_opcodes()
        if op != "equal"
    )
    if edited > TYPO_MAX_CHARACTERS:
        return [
            _(
                "%(where)s: %(count)s characters changed, more than the "
                "%(limit)s a typo fix may change"
            )
            % {"where": where, "count": edited, "limit": TYPO_MAX_CHARACTERS}
        ]
    return []


def between(previous: dict, new: dict) -> VersionChange:
    """The change from one version's draft data (`Draft.data()`) to another's."""
    return VersionChange(compare(previous, new))


def kind_errors(change: VersionChange | None, kind: str) -> list[str]:
    """
    Why `kind` does not describe `change`. `change` is None for a first
    publication and for a reinstatement after a withdrawal, which readers
    have no earlier text to compare with.
    """
    if change is None:
        if kind in (TYPO, DETAILS_KIND):
            return [
                _(
                    "A fact check coming back after a withdrawal is an update, a "
                    "correction or a clarification, with a note."
                )
            ]
        return []
    if change.is_empty:
        return [_("Nothing readers see has changed: there is nothing to publish.")]
    if change.details_only and kind != DETAILS_KIND:
        return [
            _(
                "Only details changed (%(details)s): publish this as “Details "
                "updated”, which needs no note."
            )
            % {"details": "; ".join(change.details).lower()}
        ]
    if not change.details_only and kind == DETAILS_KIND:
        return [
            _(
                "Readers would see more than a change of topics, authors, address "
                "or banner: choose an update, a correction or a clarification."
            )
        ]
    if kind == TYPO and (blockers := change.typo_blockers()):
        return [
            _(
                "This is not a typo fix: %(reasons)s. Choose a correction, a "
                "clarification or an update, with a note."
            )
            % {"reasons": "; ".join(blockers)}
        ]
    return []


def _readable(field) -> str:
    """A field's change marked word by word, ratings by their names."""
    if field.name == "rating":
        old, new = (str(Rating(v).label) if v else "" for v in (field.old, field.new))
        return str(mark_words(old, new))
    return str(field.marked)


def for_readers(change: VersionChange, *, against: int) -> dict:
    """The change as frozen with a publication for its public changes page."""
    return {
        "against": against,
        "ratings": change.rating_changes(),
        "details": change.details,
        "fields": [
            {"label": str(c.label), "html": str(c.marked)}
            for c in change.comparison.fields
            if c.name not in DETAILS
        ],
        "parts": [
            {
                "label": str(child.label),
                "status": child.status,
                "fields": [
                    {"label": str(c.label), "html": str(c.marked)} for c in child.fields
                ],
            }
            for child in change.comparison.children
        ],
    }
