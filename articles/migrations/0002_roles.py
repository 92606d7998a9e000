"""Create the Writer and Editor groups with the newsroom's permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DRAFT_MODELS = ["article", "section", "claim", "citation", "relatedquestion"]

WRITER = [
    *(f"articles.{action}_{model}" for model in DRAFT_MODELS for action in ("add", "change", "view")),
    *(f"articles.delete_{model}" for model in DRAFT_MODELS if model != "article"),
    "articles.view_topic",
    "articles.view_author",
    "articles.view_publication",
    "sources.add_source",
    "sources.change_source",
    "sources.view_source",
]

EDITOR = [
    *(
        f"articles.{action}_{model}"
        for model in [*DRAFT_MODELS, "topic", "author"]
        for action in ("add", "change", "delete", "view")
    ),
    "articles.view_publication",
    "articles.publish_article",
    "articles.withdraw_article",
    "articles.revert_article",
    *(f"sources.{action}_source" for action in ("add", "change", "delete", "view")),
]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations have run; create
    # them now so that the groups can refer to them on a fresh database.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in [("Writer", WRITER), ("Editor", EDITOR)]:
        group, _ = Group.objects.get_or_create(name=name)
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
            )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Writer", "Editor"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("sources", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
