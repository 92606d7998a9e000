"""
What a typo fix may change in a text: the spelling of its words, and
nothing that makes readers read it differently.

A typo fix is published with no note, so `problems()` compares the words of
the old and the new text (digits, punctuation and spacing are checked or
ignored elsewhere: `articles.factchecks.changes`) and names every word that makes the
change more than a spelling fix:

- a word added or removed ("is true" → "is not true");
- a word swapped for a different word ("No" → "Yes", "rose" → "fell"):
  each changed word must be a near miss of the one it replaces, at most one
  edit (a letter inserted, deleted or replaced, or two neighbouring letters
  swapped: optimal string alignment distance) per five letters of the
  longer word, or a single swap of neighbouring letters whatever its length.
  So "Goverment" → "Government" (1 edit, 10 letters), "definately" →
  "definitely" (2, 10) and "teh" → "the" (a swap) pass, while "Iran" →
  "Iraq" (1 edit, 4 letters) and "cat" → "bat" do not: in short words one
  letter is often a different word;
- a near miss that changes a word of `MEANING_WORDS` (negation, quantity,
  comparison, direction, certainty: "now" → "not", "than" → "then"), or
  any contraction in "n't".

A change of case or of apostrophe style (’ for ') is no change of word.
Punctuation and spacing are not words: a missing comma or a doubled space
may be fixed as a typo.
"""

import re
from difflib import SequenceMatcher

from django.utils.translation import gettext as _

# A word: letters, with apostrophes inside ("isn't", "don’t"). Digits and
# punctuation are not words here.
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
LETTERS_PER_EDIT = 5
# How many word problems one text names before counting the rest.
NAMED_PER_TEXT = 3

# Words that decide what a sentence claims, however close their spelling to
# another word: changing one is never a typo fix. Compared case-folded,
# with ' for ’.
_MEANING_WORDS = """
    no not never none nobody nothing nowhere neither nor without cannot yes
    ain't aren't can't couldn't didn't doesn't don't hadn't hasn't haven't
    isn't mightn't mustn't needn't shan't shouldn't wasn't weren't won't
    wouldn't
    all any every each some many much few fewer fewest several most more less
    least only just half both either majority minority nearly almost
    approximately roughly exactly
    zero one two three four five six seven eight nine ten eleven twelve
    twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds
    thousand thousands million millions billion billions trillion trillions
    dozen dozens once twice thrice double triple first second third last
    above below over under up down than then before after earlier later
    high higher highest low lower lowest large larger largest small smaller
    smallest big bigger biggest great greater greatest better best worse
    worst increase increased increases increasing decrease decreased
    decreases decreasing rise rises rose risen rising fall falls fell fallen
    falling grow grows grew grown growing shrink shrinks shrank shrunk gain
    gains gained lose loses lost loss won win wins
    true false right wrong correct incorrect accurate inaccurate real fake
    always sometimes often rarely seldom usually likely unlikely possible
    impossible probably certainly must may might can could will would should
    same different equal
"""
MEANING_WORDS = frozenset(_MEANING_WORDS.split())


def normal(word: str) -> str:
    """A word as compared: case-folded, with one kind of apostrophe."""
    return word.replace("’", "'").casefold()


def changes_meaning(word: str) -> bool:
    word = normal(word)
    return word in MEANING_WORDS or word.endswith("n't")


def edit_distance(a: str, b: str) -> int:
    """
    Optimal string alignment distance: the fewest letters inserted,
    deleted or replaced, or neighbouring pairs swapped, that turn `a` into
    `b` (no substring edited twice).
    """
    previous2, previous = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if (
                previous2 is not None
                and i > 1
                and j > 1
                and a[i - 1] == b[j - 2]
                and a[i - 2] == b[j - 1]
            ):
                row[j] = min(row[j], previous2[j - 2] + 1)
        previous2, previous = previous, row
    return previous[len(b)]


def near_miss(old: str, new: str) -> bool:
    """Whether `new` may be the right spelling of the word `old` misspelt."""
    a, b = normal(old), normal(new)
    distance = edit_distance(a, b)
    swapped = distance == 1 and len(a) == len(b) and sorted(a) == sorted(b)
    return swapped or distance * LETTERS_PER_EDIT <= max(len(a), len(b))


def _quoted(words) -> str:
    return f"“{' '.join(words)}”"


def _word_problem(old: str, new: str) -> str | None:
    if normal(old) == normal(new):
        return None
    if not near_miss(old, new):
        return _("a different word, not a spelling fix")
    if changes_meaning(old) or changes_meaning(new):
        return _(
            "a negation, quantity or comparison word, which a typo fix leaves as it is"
        )
    return None


def problems(old: str, new: str, *, where: str) -> list[str]:
    """
    Why the change from text `old` to `new` is more than a spelling fix,
    one sentence per word, naming the words and `where` they are.
    """
    a, b = WORD.findall(old), WORD.findall(new)
    found = []
    matcher = SequenceMatcher(
        None, [normal(w) for w in a], [normal(w) for w in b], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        words = {"old": _quoted(a[i1:i2]), "new": _quoted(b[j1:j2]), "where": where}
        if op == "insert":
            found.append(
                _("%(new)s added in %(where)s: a typo fix adds no word") % words
            )
        elif op == "delete":
            found.append(
                _("%(old)s removed from %(where)s: a typo fix removes no word") % words
            )
        elif i2 - i1 != j2 - j1:
            found.append(
                _("%(old)s → %(new)s in %(where)s: words added or removed") % words
            )
        else:
            for old_word, new_word in zip(a[i1:i2], b[j1:j2], strict=True):
                if reason := _word_problem(old_word, new_word):
                    found.append(
                        _("%(old)s → %(new)s in %(where)s: %(reason)s")
                        % {
                            "old": _quoted([old_word]),
                            "new": _quoted([new_word]),
                            "where": where,
                            "reason": reason,
                        }
                    )
    if len(found) > NAMED_PER_TEXT:
        rest = len(found) - NAMED_PER_TEXT
        found = found[:NAMED_PER_TEXT] + [
            _("%(count)s more words changed in %(where)s")
            % {"count": rest, "where": where}
        ]
    return found
