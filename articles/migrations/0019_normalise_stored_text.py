"""
Bring stored text to the form every path now saves (factually/text.py):
"\\n" line endings, NFC, no characters XML cannot carry.

Drafts and their parts, sources, topics, authors, about pages, reader
questions and comments are normalised in place. Publications keep their
rendered pages (Markdown rendering already read "\\r\\n" as "\\n"); their
title, excerpt and notes, which feeds carry, and the frozen draft data that
versions are compared by are normalised, and digests recomputed from it, so
that a browser's line endings are never again a change: a draft that was as
published or approved still is. What a version changed for readers is
recomputed where its draft data or its predecessor's changed, so changes
pages stop listing parts with nothing marked.

A one-time backfill of data derived from what was stored; it reads the
app's own normalising and comparison code, as 0006 did.
"""

from django.db import migrations, models

TEXT_MODELS = [
    ("articles", "Topic"),
    ("articles", "Author"),
    ("articles", "Article"),
    ("articles", "Section"),
    ("articles", "Claim"),
    ("articles", "Citation"),
    ("articles", "RelatedQuestion"),
    ("articles", "Page"),
    ("articles", "ReaderQuestion"),
    ("articles", "ReviewComment"),
    ("articles", "VersionRemoval"),
    ("sources", "Source"),
]
# Derived or machine-made columns, left as written.
KEEP = {"draft_digest", "approved_digest", "url_key", "body_html", "fingerprint"}


def _normalise_rows(model):
    from factually.text import normalise

    names = [
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and field.attname not in KEEP
    ]
    for row in model.objects.values("pk", *names).iterator():
        changed = {
            name: normalise(value)
            for name, value in row.items()
            if name != "pk" and normalise(value) != value
        }
        if changed:
            model.objects.filter(pk=row["pk"]).update(**changed)


def _normalise_publications(apps):
    from articles import changes
    from articles.schema import upgrade
    from articles.shape import digest
    from factually.text import normalise, normalise_data

    Article = apps.get_model("articles", "Article")
    Publication = apps.get_model("articles", "Publication")
    new_digests = {}
    for article_id in Article.objects.values_list("pk", flat=True).iterator():
        previous = None
        for publication in Publication.objects.filter(article_id=article_id).order_by(
            "version"
        ):
            content = upgrade(publication.content)
            update = {
                name: normalise(getattr(publication, name))
                for name in ("title", "excerpt", "note")
                if normalise(getattr(publication, name)) != getattr(publication, name)
            }
            history = normalise_data(content.get("history", []))
            content_changed = history != content.get("history", [])
            if publication.kind != "withdrawal":
                draft = normalise_data(content["draft"])
                normalised = draft != content["draft"]
                if normalised:
                    content["draft"] = draft
                    update["draft_digest"] = digest(draft)
                    new_digests[publication.draft_digest] = update["draft_digest"]
                if previous is not None and (normalised or previous["normalised"]):
                    change = changes.between(previous["draft"], draft)
                    content["changes"] = changes.for_readers(
                        change, against=previous["version"]
                    )
                content_changed = (
                    content_changed
                    or normalised
                    or (previous is not None and previous["normalised"])
                )
                previous = {
                    "draft": draft,
                    "version": publication.version,
                    "normalised": normalised,
                }
            if content_changed:
                content["history"] = history
                update["content"] = content
            if update:
                Publication.objects.filter(pk=publication.pk).update(**update)
    return new_digests


def normalise_stored_text(apps, schema_editor):
    for app_label, model_name in TEXT_MODELS:
        _normalise_rows(apps.get_model(app_label, model_name))
    new_digests = _normalise_publications(apps)
    # A draft as published or as approved still is: its digest follows.
    Article = apps.get_model("articles", "Article")
    for old, new in new_digests.items():
        Article.objects.filter(draft_digest=old).update(draft_digest=new)
        Article.objects.filter(approved_digest=old).update(approved_digest=new)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_publication_kind_rerating"),
        ("sources", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(normalise_stored_text, migrations.RunPython.noop)
    ]
