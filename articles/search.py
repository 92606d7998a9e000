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

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import F, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Coalesce, Concat, Left
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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


def head_vector():
    """
    The short document of a publication: its title (weight A), excerpt and
    claims (B). Small enough to be stored inline in the row, so ranking
    reads it cheaply. Stored in `search_head` by `index()`.
    """
    from django.contrib.postgres.search import SearchVector

    head = Concat(F("excerpt"), Value(" "), _claims_text(), output_field=TextField())
    return SearchVector(_plain(F("title")), weight="A", config=CONFIG) + SearchVector(
        _plain(head), weight="B", config=CONFIG
    )


def search_vector():
    """
    The whole document of a publication: the head and the body (weight C),
    stored in `search_document` by `index()`. Migration 0005 fills both
    columns for earlier publications with the same expressions.
    """
    from django.contrib.postgres.search import SearchVector

    return head_vector() + SearchVector(
        _plain(F("body_text")), weight="C", config=CONFIG
    )


# Refreshes the "did you mean" vocabulary with publications' words:
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

# How common lexemes are: the share of documents holding each, from the
# statistics ANALYZE keeps on search_document (most_common_elems), with the
# table's row estimate. A lexeme not listed is rarer than every one listed.
COMMON_LEXEMES_SQL = """
SELECT f.lexeme, f.freq, (
    SELECT reltuples FROM pg_class WHERE oid = 'articles_publication'::regclass
)
FROM pg_stats AS s,
     unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs)
         AS f(lexeme, freq)
WHERE s.tablename = 'articles_publication' AND s.attname = 'search_document'
  AND f.lexeme IS NOT NULL
"""
LEXEMES_SQL = """
SELECT word, tsvector_to_array(to_tsvector(%s, word)) FROM unnest(%s::text[]) AS word
"""
# Statistics change only with ANALYZE: read them at most this often.
STATISTICS_MAX_AGE = 600

# A word in more than this share of the documents, and in more than this
# many, is "common": it ranks results but does not find them on its own (as
# Lucene's common terms query does), so that a question never drags in most
# of the archive to rank. A small archive has no common words.
COMMON = 0.02
COMMON_MIN_DOCUMENTS = 500


def ratings_of(publication) -> str:
    """The ratings the publication gives, as stored for the rating filter."""
    ratings = sorted({claim["rating"] for claim in publication.content["claims"]})
    return f" {' '.join(ratings)} " if ratings else ""


def index(publication) -> None:
    """
    Make a new publication findable: store its search documents and add its
    words to the vocabulary, in one statement (its ratings, `ratings_of()`,
    went in with its row). Called once by `publish()`, after saving it; the
    columns it fills are derived from the frozen content, never edited.
    """
    from django.db.models.sql import UpdateQuery

    from .models import Publication

    rows = Publication.objects.filter(pk=publication.pk)
    if connections[rows.db].vendor != "postgresql":
        return
    update = rows.query.chain(UpdateQuery)
    update.add_update_values(
        {"search_head": head_vector(), "search_document": search_vector()}
    )
    sql, params = update.get_compiler(rows.db).as_sql()
    # PostgreSQL runs an update in WITH whether or not the rest reads it,
    # and the vocabulary reads the row's text, which the update leaves be.
    with connections[rows.db].cursor() as cursor:
        cursor.execute(
            f"WITH indexed AS ({sql}) {VOCABULARY_SQL}",
            [*params, _REPLACED + _DROPPED, _REPLACEMENTS, [publication.pk]],
        )


def refresh_vocabulary(publication_ids, *, using="default") -> None:
    with connections[using].cursor() as cursor:
        cursor.execute(
            VOCABULARY_SQL,
            [_REPLACED + _DROPPED, _REPLACEMENTS, list(publication_ids)],
        )


def common_lexemes(*, using="default") -> set[str]:
    """The lexemes too common to find results on their own (cached)."""

    def read():
        with connections[using].cursor() as cursor:
            cursor.execute(COMMON_LEXEMES_SQL)
            return sorted(
                lexeme
                for lexeme, share, rows in cursor.fetchall()
                if share > COMMON and share * rows > COMMON_MIN_DOCUMENTS
            )

    key = f"articles.search.common:{COMMON}:{COMMON_MIN_DOCUMENTS}"
    return set(cache.get_or_set(key, read, STATISTICS_MAX_AGE))


def word_kinds(words, *, using="default") -> dict[str, str]:
    """
    Each word's kind: "stop" (a stop word, never searched), "common" (too
    common to find results on its own) or "rare".
    """
    if not words:
        return {}
    common = common_lexemes(using=using)
    with connections[using].cursor() as cursor:
        cursor.execute(LEXEMES_SQL, [CONFIG, list(words)])
        return {
            word: "stop"
            if not lexemes
            else "common"
            if common.issuperset(lexemes)
            else "rare"
            for word, lexemes in cursor.fetchall()
        }


def _raw(text):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(text, search_type="raw", config=CONFIG)


def _rank_query(parsed: ParsedQuery):
    """What results are ranked by: every word, OR'd, and the phrases."""
    from django.contrib.postgres.search import SearchQuery

    query = _raw(parsed.tsquery()) if parsed.words else None
    if parsed.phrases or (parsed.excluded and query is not None):
        websearch = SearchQuery(
            parsed.websearch(), search_type="websearch", config=CONFIG
        )
        query = websearch if query is None else query & websearch
    return query


def _match(parsed: ParsedQuery, *, using) -> Q | None:
    """
    Which publications a query finds. Each rare word finds the documents
    holding it; common words only rank, unless the query has nothing else,
    when they find the documents holding all of them; a last word still being typed finds the titles, excerpts and
    claims it begins a word of. Phrases and minus words then narrow the lot.
    """
    from django.contrib.postgres.search import SearchQuery

    kinds = word_kinds(parsed.words, using=using)
    rare = [word for word in parsed.words if kinds[word] == "rare"]
    common = [word for word in parsed.words if kinds[word] == "common"]
    found = Q()
    if rare:
        found |= Q(search_document=_raw(parsed.tsquery(rare, prefix=False)))
    if common and not rare:
        found |= Q(
            search_document=_raw(parsed.tsquery(common, operator="&", prefix=False))
        )
    last = parsed.words[-1] if parsed.words else ""
    if parsed.prefix and kinds[last] != "common":
        found |= Q(search_head=_raw(f"'{last}':*"))
    narrowing = None
    if parsed.phrases or parsed.excluded:
        narrowing = SearchQuery(
            parsed.websearch(), search_type="websearch", config=CONFIG
        )
    if not found:
        if not parsed.phrases:
            return None  # Only stop words or minus words: nothing to look for.
        return Q(search_document=narrowing)
    return found & Q(search_document=narrowing) if narrowing else found


def matching(publications: QuerySet, query: str) -> QuerySet:
    """
    `publications` that match `query`, best first: ranked by how well their
    title, excerpt and claims match all its words (the body finds results
    but is not read to rank them, which would cost a read of every match's
    whole document), then newest first.
    """
    parsed = parse(clean_query(query))
    if connections[publications.db].vendor == "postgresql":
        from django.contrib.postgres.search import SearchRank

        found = _match(parsed, using=publications.db)
        if found is None:
            return publications.none()
        return (
            publications.filter(found)
            # Lists need none of these; leaving them out keeps sorting light.
            .defer("content", "body_text", "search_document", "search_head")
            .annotate(
                # Normalisation 1 divides by 1 + log(length): a long excerpt
                # mentioning a word often does not bury a short, exact title.
                rank=SearchRank(F("search_head"), _rank_query(parsed), normalization=1)
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


class ResultsPaginator(Paginator):
    """
    Pages of search results, counted up to COUNT_LIMIT only: counting every
    match of a broad query would cost a read of each. `capped` says the
    count stopped there ("more than 1,000 results").
    """

    COUNT_LIMIT = 1000

    @cached_property
    def count(self):
        # Neither ranked nor sorted: counting needs only which rows match.
        unranked = self.object_list.order_by().values("pk")
        return unranked[: self.COUNT_LIMIT + 1].count()

    @property
    def capped(self):
        return self.count > self.COUNT_LIMIT


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
    search_query = _rank_query(parsed)
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
                # The opening of the text is enough for two fragments.
                _plain(
                    Left(
                        Concat(
                            F("excerpt"),
                            Value(" "),
                            F("body_text"),
                            output_field=TextField(),
                        ),
                        SNIPPET_SOURCE,
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
