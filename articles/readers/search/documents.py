"""
Reader search: the stored documents. At publish time `index()` fills a
publication's search documents (`search_head`, `search_document`) and
ratings, and adds its words to the "did you mean" vocabulary.
"""

from django.db import connections
from django.db.models import F, Func, TextField, Value
from django.db.models.functions import Coalesce, Concat

from articles.factchecks.publications import Publication

from .text import _DROPPED, _REPLACED, _REPLACEMENTS, CONFIG


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
