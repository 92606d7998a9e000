"""
A GIN index for full-text search on PostgreSQL. Other databases search with
a plain substring match and get no index, which is why this is not declared
in Publication.Meta.indexes.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "articles_publication_search"


def search_vector():
    # Must stay the same expression as articles.models.search_vector().
    return (
        SearchVector("title", weight="A", config="english")
        + SearchVector("excerpt", weight="B", config="english")
        + SearchVector("body_text", weight="C", config="english")
    )


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        Publication = apps.get_model("articles", "Publication")
        schema_editor.add_index(Publication, GinIndex(search_vector(), name=INDEX_NAME))


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        Publication = apps.get_model("articles", "Publication")
        schema_editor.remove_index(Publication, GinIndex(search_vector(), name=INDEX_NAME))


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_roles")]

    operations = [migrations.RunPython(add_index, remove_index)]
