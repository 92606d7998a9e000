"""
Give the newsroom's groups the review workflow's permissions: editors
review, override a review, assign work and manage preview links; both
groups read the newsroom's audit entries.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

BOTH = ["audit.view_newsroom_entries"]
EDITOR = [
    *BOTH,
    "articles.review_article",
    "articles.override_review",
    "articles.assign_article",
    "articles.add_previewlink",
    "articles.change_previewlink",
    "articles.view_previewlink",
]
GROUPS = [("Writer", BOTH), ("Editor", EDITOR)]


def grant(apps, schema_editor):
    for label in ("articles", "audit"):
        app_config = apps.get_app_config(label)
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
            )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS:
        for group in Group.objects.filter(name=name):
            for dotted in codenames:
                app_label, codename = dotted.split(".")
                group.permissions.remove(
                    *Permission.objects.filter(
                        content_type__app_label=app_label, codename=codename
                    )
                )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_review_workflow"),
        ("articles", "0002_roles"),
        ("audit", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
