"""
Reader search over live publications.

On PostgreSQL, full-text search over a stored document (`search_document`,
GIN-indexed), filled once at publish time by `index()`:

- The document is the title (weight A), the excerpt and the claims checked
  (B) and the body (C), with typographic characters made plain (non-breaking
  hyphens, dashes, curly quotes, odd spaces: `TYPOGRAPHY`) and analysed by
  the `factually` text search configuration, which is `english` with
  `unaccent` before stemming, so "café" and "cafe" are the same word.
- A query ranks instead of requiring every word: its plain words are OR'd
  (the last one also as a prefix, for a word still being typed), and its
  quoted phrases and `-minus` words keep `websearch_to_tsquery`'s meaning
  and are AND'd onto that. A question typed as a sentence thus finds the
  fact checks that share most of its words, best first.
- "Did you mean" looks up each unknown word in a vocabulary of the words of
  live documents (`SearchWord`, refreshed by `index()`) by trigram
  similarity (`pg_trgm`).
- Snippets are `ts_headline` fragments, escaped, with only our own <mark>.

Other databases (SQLite) get a plain substring match: every word must occur,
quoted phrases as written, minus words must not.

Reader input is cleaned in one place, `clean_query()`.

Where each part lives:

- `text`: typographic characters, cleaning reader queries (`clean_query`),
  splitting them (`parse`).
- `documents`: the stored documents and the vocabulary, filled by `index()`.
- `ranking`: which publications a query finds, in what order (`matching`),
  the filters (`narrowed`) and the capped count (`ResultsPaginator`).
- `highlights`: snippets for one page of results (`snippets`).
- `suggestions`: "did you mean" (`suggestion`).
"""

from .documents import head_vector, index, ratings_of, refresh_vocabulary, search_vector
from .highlights import snippets
from .ranking import (
    UNLISTED,
    ResultsPaginator,
    common_lexemes,
    matching,
    narrowed,
    results,
    word_kinds,
    word_shares,
)
from .suggestions import suggestion
from .text import (
    CONFIG,
    MAX_QUERY_LENGTH,
    MAX_WORDS,
    MIN_PREFIX,
    TYPOGRAPHY,
    ParsedQuery,
    clean_query,
    parse,
)

__all__ = [
    "CONFIG",
    "MAX_QUERY_LENGTH",
    "MAX_WORDS",
    "MIN_PREFIX",
    "TYPOGRAPHY",
    "UNLISTED",
    "ParsedQuery",
    "ResultsPaginator",
    "clean_query",
    "common_lexemes",
    "head_vector",
    "index",
    "matching",
    "narrowed",
    "parse",
    "ratings_of",
    "refresh_vocabulary",
    "results",
    "search_vector",
    "snippets",
    "suggestion",
    "word_kinds",
    "word_shares",
]
