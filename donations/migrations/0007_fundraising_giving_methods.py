"""Let the Fundraising group manage the other ways to give."""

import importlib

from django.db import migrations


def grant_giving_methods(apps, schema_editor):
    # The group holds every donations permission (as 0004 restores for the
    # models added after it was created): the new model's too.
    importlib.import_module(
        "donations.migrations.0002_fundraising_group"
    ).create_fundraising_group(apps, schema_editor)


def revoke_giving_methods(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Fundraising"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="donations",
                content_type__model="givingmethod",
            )
        )


class Migration(migrations.Migration):
    dependencies = [("donations", "0006_giving_methods")]

    operations = [
        migrations.RunPython(grant_giving_methods, revoke_giving_methods),
    ]
