from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Fundraising"


def create_fundraising_group(apps, schema_editor):
    # Permissions are normally created after the last migration runs; create
    # the app's permissions now so that the group can be given them.
    app_config = apps.get_app_config("donations")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="donations")
    )


def remove_fundraising_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("donations", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_fundraising_group, remove_fundraising_group),
    ]
