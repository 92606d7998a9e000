"""
Reader search: what a query means. Typographic characters made plain, a
reader's query cleaned (`clean_query()`, the one place reader input is
cleaned) and split websearch-style (`parse()`).
"""

import re
import unicodedata
from dataclasses import dataclass, field

MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
# The last word also matches as a prefix ("vacc" finds "vaccines") when it
# is at least this long; shorter prefixes match too much to help.
MIN_PREFIX = 3
CONFIG = "factually"
SNIPPET_SOURCE = 4000  # Characters of excerpt and body that snippets come from.

# Characters that look like ASCII ones to a reader but not to the parser.
# Each maps to one character, or to "" to be dropped; documents (in SQL,
# through translate()) and queries (in Python) use this same table.
TYPOGRAPHY = {
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # en dash
    "\u2212": "-",  # minus sign
    "\u2014": " ",  # em dash
    "\u2015": " ",  # horizontal bar
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u00a0": " ",  # no-break space
    "\u2007": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u00ad": "",  # soft hyphen
}
_REPLACED = "".join(k for k, v in TYPOGRAPHY.items() if v)
_REPLACEMENTS = "".join(v for v in TYPOGRAPHY.values() if v)
_DROPPED = "".join(k for k, v in TYPOGRAPHY.items() if not v)
_TABLE = str.maketrans({k: v or None for k, v in TYPOGRAPHY.items()})
# Markers around highlighted words: control characters, which clean text
# never contains, so that escaping the headline cannot touch them.
_START, _STOP = "\x02", "\x03"


def clean_query(text: str) -> str:
    """
    A reader's query as search uses it: no control characters (a NUL would
    make PostgreSQL refuse the query), compatibility characters folded
    (ligatures, full-width letters), typographic characters made plain,
    whitespace collapsed, at most MAX_QUERY_LENGTH characters.
    """
    # Normalising a megabyte to keep 200 characters would be wasted work.
    text = unicodedata.normalize("NFKC", (text or "")[: MAX_QUERY_LENGTH * 4])
    text = text.translate(_TABLE)
    # Control, format, surrogate, private-use and unassigned characters.
    text = "".join(
        " " if unicodedata.category(char).startswith("C") else char for char in text
    )
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


@dataclass
class ParsedQuery:
    """A cleaned query split websearch-style."""

    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    prefix: bool = False  # Whether the last word may be a prefix.

    def websearch(self) -> str:
        """The quoted and minus parts, in websearch_to_tsquery's syntax."""
        return " ".join(
            [f'"{phrase}"' for phrase in self.phrases]
            + [f"-{word}" for word in self.excluded]
        )

    def tsquery(self, words=None, *, operator="|", prefix=None) -> str:
        """
        Words joined by `operator`, in to_tsquery's syntax (words are \\w+
        only, so nothing in them is syntax); the last word as a prefix if
        `prefix` (by default, if the query ends in one).
        """
        words = self.words if words is None else words
        terms = [f"'{word}'" for word in words]
        if terms and (self.prefix if prefix is None else prefix):
            terms[-1] += ":*"
        return f" {operator} ".join(terms)


def parse(query: str) -> ParsedQuery:
    phrases = [p.strip() for p in re.findall(r'"([^"]*)"', query) if p.strip()]
    rest = re.sub(r'"[^"]*"?', " ", query)
    excluded = re.findall(r"(?:^|\s)-(\w[\w'-]*)", rest)
    rest = re.sub(r"(?:^|\s)-\w[\w'-]*", " ", rest)
    words = re.findall(r"\w+", rest)[:MAX_WORDS]
    # Only a word still being typed is a prefix: the query ends in it, not in
    # a space or punctuation ("…the election?" must not find "electric").
    prefix = bool(words) and len(words[-1]) >= MIN_PREFIX and rest.endswith(words[-1])
    return ParsedQuery(words=words, phrases=phrases, excluded=excluded, prefix=prefix)


def _unaccented(word: str) -> str:
    """The word without accents, as the vocabulary keeps words."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)
    )
