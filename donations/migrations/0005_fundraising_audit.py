"""Let the Fundraising group read fundraising's audit entries (and only those)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Fundraising"
PERMISSION = "view_fundraising_entries"


def grant_audit(apps, schema_editor):
    app_config = apps.get_app_config("audit")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="audit", codename=PERMISSION)
    )


def revoke_audit(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="audit", codename=PERMISSION
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0004_fundraising_group_new_permissions"),
        ("audit", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant_audit, revoke_audit)]
