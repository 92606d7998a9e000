import importlib

from django.db import migrations


def grant_new_permissions(apps, schema_editor):
    # The group was given the app's permissions when it was created; models
    # added since (outgoing emails) need theirs too.
    importlib.import_module(
        "donations.migrations.0002_fundraising_group"
    ).create_fundraising_group(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("donations", "0003_supporter_journey")]

    operations = [
        migrations.RunPython(grant_new_permissions, migrations.RunPython.noop),
    ]
