from django.db import migrations, models


def mark_for_rendering(apps, schema_editor):
    # Versions stored before cards existed have none: the deploy's
    # rerender_pages renders (and stores) every version no release made.
    Publication = apps.get_model("articles", "Publication")
    Publication.objects.update(rendered_with="")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0021_about_page_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="card_html",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(mark_for_rendering, migrations.RunPython.noop),
    ]
