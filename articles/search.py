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
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import F, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Coalesce, Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
# The last word also matches as a prefix ("vacc" finds "vaccines") when it
# is at least this long; shorter prefixes match too much to help.
MIN_PREFIX = 3
CONFIG = "factually"

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
    text = unicodedata.normalize("NFKC", text or "").translate(_TABLE)
    text = "".join(
        " " if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co") else char
        for char in text
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

    def tsquery(self) -> str:
        """The plain words OR'd, in to_tsquery's syntax (words are \\w+ only)."""
        terms = [f"'{word}'" for word in self.words]
        if self.prefix:
            terms[-1] += ":*"
        return " | ".join(terms)


def parse(query: str) -> ParsedQuery:
    phrases = [p.strip() for p in re.findall(r'"([^"]*)"', query) if p.strip()]
    rest = re.sub(r'"[^"]*"?', " ", query)
    excluded = re.findall(r"(?:^|\s)-(\w[\w'-]*)", rest)
    rest = re.sub(r"(?:^|\s)-\w[\w'-]*", " ", rest)
    words = re.findall(r"\w+", rest)[:MAX_WORDS]
    prefix = bool(words) and len(words[-1]) >= MIN_PREFIX and not query.endswith(" ")
    return ParsedQuery(words=words, phrases=phrases, excluded=excluded, prefix=prefix)


def _plain(expression):
    """SQL: the text with TYPOGRAPHY applied (translate drops what has no pair)."""
    return Func(
        Coalesce(expression, Value(""), output_field=TextField()),
        Value(_REPLACED + _DROPPED),
        Value(_REPLACEMENTS),
        function="translate",
        output_field=TextField(),
    )


def _claims_text():
    """SQL: the statements of the claims checked, from the frozen content."""
    return Func(
        F("content"),
        template="jsonb_path_query_array(%(expressions)s, '$.claims[*].statement')::text",
        output_field=TextField(),
    )


def search_vector():
    """
    The weighted full-text document of a publication (PostgreSQL only),
    stored in `search_document` at publish time by `index()`. Migration
    0005 fills it for earlier publications with the same expression.
    """
    from django.contrib.postgres.search import SearchVector

    return (
        SearchVector(_plain(F("title")), weight="A", config=CONFIG)
        + SearchVector(
            _plain(
                Concat(
                    F("excerpt"), Value(" "), _claims_text(), output_field=TextField()
                )
            ),
            weight="B",
            config=CONFIG,
        )
        + SearchVector(_plain(F("body_text")), weight="C", config=CONFIG)
    )


# Refreshes the "did you mean" vocabulary with one publication's words:
# lower-cased, unaccented, letters only, not stemmed (suggestions are words).
VOCABULARY_SQL = """
INSERT INTO articles_searchword (word)
SELECT DISTINCT word
FROM articles_publication AS p,
     unnest(tsvector_to_array(to_tsvector('simple', unaccent(translate(
         p.title || ' ' || p.excerpt || ' ' || p.body_text, %s, %s))))) AS word
WHERE p.id = ANY(%s) AND word ~ '^[[:alpha:]]{3,40}$'
ON CONFLICT (word) DO NOTHING
"""


def ratings_of(publication) -> str:
    """The ratings the publication gives, as stored for the rating filter."""
    ratings = sorted({claim["rating"] for claim in publication.content["claims"]})
    return f" {' '.join(ratings)} " if ratings else ""


def index(publication) -> None:
    """
    Make a new publication findable: store its search document and ratings,
    and add its words to the vocabulary. Called once by `publish()`; the
    columns it fills are derived from the frozen content, never edited.
    """
    from .models import Publication

    rows = Publication.objects.filter(pk=publication.pk)
    rows.update(ratings=ratings_of(publication))
    if connections[rows.db].vendor != "postgresql":
        return
    rows.update(search_document=search_vector())
    refresh_vocabulary([publication.pk], using=rows.db)


def refresh_vocabulary(publication_ids, *, using="default") -> None:
    with connections[using].cursor() as cursor:
        cursor.execute(
            VOCABULARY_SQL,
            [_REPLACED + _DROPPED, _REPLACEMENTS, list(publication_ids)],
        )


def _search_query(parsed: ParsedQuery):
    from django.contrib.postgres.search import SearchQuery

    query = None
    if parsed.words:
        query = SearchQuery(parsed.tsquery(), search_type="raw", config=CONFIG)
    if parsed.phrases or (parsed.excluded and query is not None):
        websearch = SearchQuery(
            parsed.websearch(), search_type="websearch", config=CONFIG
        )
        query = websearch if query is None else query & websearch
    return query


def matching(publications: QuerySet, query: str) -> QuerySet:
    """`publications` that match `query`, best first."""
    parsed = parse(clean_query(query))
    if connections[publications.db].vendor == "postgresql":
        from django.contrib.postgres.search import SearchRank

        search_query = _search_query(parsed)
        if search_query is None:
            return publications.none()
        return (
            publications.filter(search_document=search_query)
            .annotate(
                # Normalisation 1: divide by 1 + log(length), so long bodies
                # that mention a word often do not bury a short, exact title.
                rank=SearchRank(F("search_document"), search_query, normalization=1)
            )
            .order_by("-rank", "-first_published_at", "-pk")
            .prefetch_related("topics")
        )
    if not parsed.words and not parsed.phrases:
        return publications.none()
    matches = Q()
    for text in parsed.words + parsed.phrases:
        matches &= _contains(text)
    for word in parsed.excluded:
        matches &= ~_contains(word)
    return (
        publications.filter(matches)
        .order_by("-first_published_at", "-pk")
        .prefetch_related("topics")
    )


def _contains(text):
    return (
        Q(title__icontains=text)
        | Q(excerpt__icontains=text)
        | Q(body_text__icontains=text)
    )


def narrowed(publications, *, topic=None, rating="", since=None, until=None):
    """Search results (or any publications) limited by the search filters."""
    if topic is not None:
        publications = publications.filter(topics=topic)
    if rating:
        publications = publications.filter(ratings__contains=f" {rating} ")
    if since is not None:
        publications = publications.filter(first_published_at__date__gte=since)
    if until is not None:
        publications = publications.filter(first_published_at__date__lte=until)
    return publications


def _marked(headline: str) -> SafeString:
    """A headline escaped, with our markers turned into <mark> elements."""
    return mark_safe(  # noqa: S308 - everything but our markers is escaped.
        escape(headline).replace(_START, "<mark>").replace(_STOP, "</mark>")
    )


def snippets(publications, query: str) -> dict[int, dict]:
    """
    Highlighted title and snippet for each of `publications` (one page of
    results), by pk: {"title": html, "snippet": html}. Empty on databases
    other than PostgreSQL, whose pages show titles and excerpts as they are.
    """
    from django.contrib.postgres.search import SearchHeadline

    from .models import Publication

    ids = [publication.pk for publication in publications]
    parsed = parse(clean_query(query))
    if not ids or connections[Publication.objects.db].vendor != "postgresql":
        return {}
    search_query = _search_query(parsed)
    if search_query is None:
        return {}
    options = {"start_sel": _START, "stop_sel": _STOP, "config": CONFIG}
    rows = (
        Publication.objects.filter(pk__in=ids)
        .annotate(
            title_html=SearchHeadline(
                _plain(F("title")), search_query, highlight_all=True, **options
            ),
            snippet_html=SearchHeadline(
                _plain(
                    Concat(
                        F("excerpt"),
                        Value(" "),
                        F("body_text"),
                        output_field=TextField(),
                    )
                ),
                search_query,
                max_fragments=2,
                max_words=28,
                min_words=12,
                fragment_delimiter=" … ",
                **options,
            ),
        )
        .values_list("pk", "title_html", "snippet_html")
    )
    return {
        pk: {"title": _marked(title), "snippet": _marked(snippet)}
        for pk, title, snippet in rows
    }


def suggestion(query: str) -> str | None:
    """
    "Did you mean": the query with each word the documents do not contain
    replaced by the most similar word they do (trigram similarity), or None
    when there is nothing better to offer. PostgreSQL only.
    """
    from django.contrib.postgres.search import TrigramSimilarity

    from .models import SearchWord

    if connections[SearchWord.objects.db].vendor != "postgresql":
        return None
    cleaned = clean_query(query)
    words = re.findall(r"\w+", cleaned)[:MAX_WORDS]
    candidates = {
        _unaccented(w.lower())
        for w in words
        if len(w) >= MIN_PREFIX and not w.isdigit()
    }
    known = set(
        SearchWord.objects.filter(word__in=candidates).values_list("word", flat=True)
    )
    replacements = {}
    for word in candidates - known:
        best = (
            SearchWord.objects.filter(word__trigram_similar=word)
            .annotate(similarity=TrigramSimilarity("word", word))
            .order_by("-similarity", "word")
            .values_list("word", flat=True)
            .first()
        )
        if best:
            replacements[word] = best
    if not replacements:
        return None
    return re.sub(
        r"\w+",
        lambda m: replacements.get(_unaccented(m.group().lower()), m.group()),
        cleaned,
    )


def _unaccented(word: str) -> str:
    """The word without accents, as the vocabulary keeps words."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)
    )
