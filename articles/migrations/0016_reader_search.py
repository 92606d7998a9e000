"""
Search that finds things (issue 15): a stored, weighted search document per
publication in place of 0003's expression index, normalised (typographic
characters by translate(), accents by the `factually` text search
configuration, which is english with unaccent), a vocabulary of words for
trigram "did you mean", and the ratings each publication gives, for the
rating filter.

The extensions and everything on PostgreSQL only; other databases get the
columns and the table and search with a plain substring match.
"""

import django.contrib.postgres.search
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations, models

OLD_INDEX = "articles_publication_search"
DOCUMENT_INDEX = "articles_publication_document"
HEAD_INDEX = "articles_publication_head"
WORD_INDEX = "articles_searchword_trigram"

# Frozen copies of articles.search.TYPOGRAPHY and search_vector() as they
# were when this migration was written.
REPLACED = "‐‑‒–−—―‘’‚‛′“”„‟″«»\xa0\u2007\u2009\u202f\xad"
REPLACEMENTS = "-----  '''''\"\"\"\"\"\"\"    "

CONFIGURATION_SQL = """
CREATE TEXT SEARCH CONFIGURATION factually (COPY = english);
ALTER TEXT SEARCH CONFIGURATION factually
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
"""

DOCUMENT_SQL = """
UPDATE articles_publication SET search_head =
    setweight(to_tsvector('factually', translate(coalesce(title, ''), %(from)s, %(to)s)), 'A')
    || setweight(to_tsvector('factually', translate(
        coalesce(excerpt, '') || ' '
        || coalesce(jsonb_path_query_array(content, '$.claims[*].statement')::text, ''),
        %(from)s, %(to)s)), 'B')
WHERE kind <> 'withdrawal';
UPDATE articles_publication SET search_document = search_head
    || setweight(to_tsvector('factually', translate(coalesce(body_text, ''), %(from)s, %(to)s)), 'C')
WHERE kind <> 'withdrawal';
"""

VOCABULARY_SQL = """
INSERT INTO articles_searchword (word)
SELECT DISTINCT word
FROM articles_publication AS p,
     unnest(tsvector_to_array(to_tsvector('simple', unaccent(translate(
         p.title || ' ' || p.excerpt || ' ' || p.body_text, %(from)s, %(to)s))))) AS word
WHERE p.kind <> 'withdrawal' AND word ~ '^[[:alpha:]]{3,40}$'
ON CONFLICT (word) DO NOTHING
"""


def old_index():
    from django.contrib.postgres.search import SearchVector

    return GinIndex(
        SearchVector("title", weight="A", config="english")
        + SearchVector("excerpt", weight="B", config="english")
        + SearchVector("body_text", weight="C", config="english"),
        name=OLD_INDEX,
    )


def new_indexes():
    return [
        ("publication", GinIndex(fields=["search_document"], name=DOCUMENT_INDEX)),
        ("publication", GinIndex(fields=["search_head"], name=HEAD_INDEX)),
        (
            "searchword",
            GinIndex(fields=["word"], opclasses=["gin_trgm_ops"], name=WORD_INDEX),
        ),
    ]


def fill_ratings(apps):
    Publication = apps.get_model("articles", "Publication")
    for publication in Publication.objects.exclude(kind="withdrawal"):
        ratings = sorted(
            {claim["rating"] for claim in publication.content.get("claims", [])}
        )
        Publication.objects.filter(pk=publication.pk).update(
            ratings=f" {' '.join(ratings)} " if ratings else ""
        )


def forwards(apps, schema_editor):
    fill_ratings(apps)
    if schema_editor.connection.vendor != "postgresql":
        return
    Publication = apps.get_model("articles", "Publication")
    schema_editor.remove_index(Publication, old_index())
    schema_editor.execute(CONFIGURATION_SQL)
    params = {"from": REPLACED, "to": REPLACEMENTS}
    schema_editor.execute(DOCUMENT_SQL, params)
    schema_editor.execute(VOCABULARY_SQL, params)
    for model_name, index in new_indexes():
        schema_editor.add_index(apps.get_model("articles", model_name), index)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in new_indexes():
        schema_editor.remove_index(apps.get_model("articles", model_name), index)
    schema_editor.execute("DROP TEXT SEARCH CONFIGURATION factually")
    schema_editor.add_index(apps.get_model("articles", "Publication"), old_index())


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_citation_source_optional"),
    ]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("word", models.CharField(max_length=40, unique=True)),
            ],
        ),
        migrations.AddField(
            model_name="publication",
            name="ratings",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="publication",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="publication",
            name="search_head",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(forwards, backwards),
    ]
