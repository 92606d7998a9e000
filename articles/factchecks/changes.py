"""
What changed between two public versions of a fact check, and what kind of
change that may be called.

Kinds must tell the truth, so `publish()` checks the kind an editor chose
against the difference itself (`kind_errors`): nothing changed is refused;
a change of verdict (a claim's rating or statement, a claim added or
removed) is a correction or a re-rating, nothing else; a typo fix may not
touch a rating, a claim, a citation, a source, the checked-on date or the
title, change any number or any word but its spelling (`articles.factchecks.spelling`),
or edit more than a few characters of a part; a change only to topics,
authors, the address or the donation banner is published as "Details
updated", needing no note, and listed as what it was. The same difference,
marked word by word, is frozen with the new publication (`for_readers`) for
its public changes page, and each claim keeps the time of the version that
set its verdict (`review_dates`), for its ClaimReview.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import spelling
from .diffs import Comparison, compare
from .publications import Publication
from .ratings import Rating
from .shape import ARTICLE_FIXED, FIXED, PART_BY_NAME

# Fields that say where and under what a fact check is filed, not what it says.
DETAILS = {
    "topics": gettext_lazy("Topics changed"),
    "authors": gettext_lazy("Authors changed"),
    "slug": gettext_lazy("Address changed"),
    "no_donation_ask": gettext_lazy("Donation banner setting changed"),
}
# What a typo fix leaves as it is is declared with the article's shape.
FIXED_FIELDS = set(ARTICLE_FIXED)
# What readers take as the verdict on a claim, with the claim itself.
VERDICT_FIELDS = ("statement", "rating")
TYPO_MAX_CHARACTERS = 20
DIGITS = re.compile(r"\d+")

TYPO = Publication.Kind.TYPO
DETAILS_KIND = Publication.Kind.DETAILS


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
            elif PART_BY_NAME[child.part].fixed == FIXED:
                blockers.append(_("%(part)s changed") % {"part": child.label})
            else:
                part = PART_BY_NAME[child.part]
                for change in child.fields:
                    where = f"{child.label}, {change.label.lower()}"
                    if change.name == "position":
                        blockers.append(_("%(part)s moved") % {"part": child.label})
                    elif part.typo_rule(change.name) == FIXED:
                        blockers.append(_("%(where)s changed") % {"where": where})
                    else:
                        blockers += _text_blockers(where, change)
        return blockers

    def verdict_changes(self) -> list[str]:
        """
        Each claim whose verdict readers see changed (its rating or its
        statement, or the claim added or removed), in a phrase such as
        "Claim 1 “A. Speaker”: rated False → True".
        """
        found = []
        for child in self.comparison.children:
            if child.part != "claims":
                continue
            old, new = (
                _rating_label(side.get("rating")) for side in (child.old, child.new)
            )
            phrase = {"claim": child.label, "old": old, "new": new}
            if child.status == "added":
                found.append(_("%(claim)s added, rated %(new)s") % phrase)
            elif child.status == "removed":
                found.append(_("%(claim)s removed (was rated %(old)s)") % phrase)
            elif old != new:
                found.append(_("%(claim)s: rated %(old)s → %(new)s") % phrase)
            elif any(change.name == "statement" for change in child.fields):
                found.append(_("%(claim)s: statement changed (rated %(old)s)") % phrase)
        return found

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
                        "old": _rating_label(old),
                        "new": _rating_label(new),
                    }
                )
        return found


def _rating_label(rating) -> str:
    return str(Rating(rating).label) if rating else ""


def rating_change_text(rating: dict) -> str:
    """
    One of `rating_changes()` in a sentence, for plain-text listings (feeds,
    JSON-LD), e.g. "Claim 1 “A. Speaker”: rated False, now True."
    """
    if rating["old"] and rating["new"]:
        text = _("%(claim)s: rated %(old)s, now %(new)s.")
    elif rating["new"]:
        text = _("%(claim)s: added, rated %(new)s.")
    else:
        text = _("%(claim)s: removed (was rated %(old)s).")
    return text % rating


def with_ratings(note: str, ratings: list[dict]) -> str:
    """A public note followed by the ratings its version changed, as text."""
    return " ".join([note, *map(rating_change_text, ratings)]).strip()


def _text_blockers(where, change) -> list[str]:
    if DIGITS.findall(change.old) != DIGITS.findall(change.new):
        return [_("a number changed in %(where)s") % {"where": where}]
    blockers = spelling.problems(change.old, change.new, where=where)
    edited = sum(
        max(i2 - i1, j2 - j1)
        for op, i1, i2, j1, j2 in SequenceMatcher(
            None, change.old, change.new, autojunk=False
        ).get_opcodes()
        if op != "equal"
    )
    if edited > TYPO_MAX_CHARACTERS:
        blockers.append(
            _(
                "%(where)s: %(count)s characters changed, more than the "
                "%(limit)s a typo fix may change"
            )
            % {"where": where, "count": edited, "limit": TYPO_MAX_CHARACTERS}
        )
    return blockers


def between(previous: dict, new: dict) -> VersionChange:
    """The change from one version's draft data (`Draft.data()`) to another's."""
    return VersionChange(compare(previous, new))


def verdict_errors(change: VersionChange | None, kind: str) -> list[str]:
    """
    Why `kind` may not publish `change`: a verdict readers see changed, and
    only a correction or a re-rating may change one (it is then listed
    wherever corrections are). `change` is against the version readers last
    saw, even across a withdrawal.
    """
    if change is None or kind in Publication.VERDICT_KINDS:
        return []
    if verdicts := change.verdict_changes():
        return [
            _(
                "A verdict readers see has changed (%(verdicts)s): publish this "
                "as a correction or a re-rating, with a note saying what changed "
                "and why."
            )
            % {"verdicts": "; ".join(verdicts)}
        ]
    return []


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
    if errors := verdict_errors(change, kind):
        return errors
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


def review_dates(previous: dict | None, draft_data: dict, published_at) -> list[str]:
    """
    For each claim of the draft about to be published, when the version that
    set its verdict (rating and statement) was published (ISO): the
    previous version's time for a claim it showed with the same verdict,
    else `published_at`. `previous` is the previous version's content.
    """
    now = published_at.isoformat()
    before = {}
    if previous is not None:
        # Rendered claims are in the draft's order (articles.factchecks.frozen_content).
        for data, rendered in zip(
            previous["draft"]["claims"], previous["claims"], strict=True
        ):
            before[data["id"]] = (data, rendered["rated_at"])
    dates = []
    for claim in draft_data["claims"]:
        old, rated_at = before.get(claim["id"], (None, now))
        same = old is not None and all(
            old.get(name) == claim.get(name) for name in VERDICT_FIELDS
        )
        dates.append(rated_at if same else now)
    return dates
