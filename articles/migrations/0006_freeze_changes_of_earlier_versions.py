"""
Bring every publication's frozen content to schema 3: what each version
changed for readers (computed once, here, from the frozen draft data of it
and the version before), and draft digests in the shape that now includes
the headline-claim field.

This is a one-time backfill of data derived from what was frozen; it reads
the app's own comparison code, which is what publishing uses from now on.
"""

from django.db import migrations


def backfill(apps, schema_editor):
    from articles import changes
    from articles.schema import upgrade
    from articles.shape import digest

    Article = apps.get_model("articles", "Article")
    Publication = apps.get_model("articles", "Publication")
    for article in Article.objects.all().iterator():
        previous = None
        latest_old_digest = latest_new_digest = None
        for publication in Publication.objects.filter(article=article).order_by(
            "version"
        ):
            content = upgrade(publication.content)
            new_digest = publication.draft_digest
            if publication.kind != "withdrawal":
                if previous is not None and content.get("changes") is None:
                    change = changes.between(previous["draft"], content["draft"])
                    content["changes"] = changes.for_readers(
                        change, against=previous["version"]
                    )
                new_digest = digest(content["draft"])
                previous = {"draft": content["draft"], "version": publication.version}
            latest_old_digest, latest_new_digest = publication.draft_digest, new_digest
            Publication.objects.filter(pk=publication.pk).update(
                content=content, draft_digest=new_digest
            )
        if latest_old_digest and article.draft_digest == latest_old_digest:
            # The draft was as published: it still is, in the new shape.
            Article.objects.filter(pk=article.pk).update(draft_digest=latest_new_digest)


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_record_kinds_and_headline_claims")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
