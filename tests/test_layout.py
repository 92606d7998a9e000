"""
The articles app arranged by context (issue 20): fact checks, the newsroom
and readers are packages of one app, so its data, its history and its
landed migrations are the same as before the move.
"""

import ast
import importlib
from pathlib import Path

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.test import SimpleTestCase, TestCase

import articles
from articles import models

MIGRATIONS = Path(articles.__file__).parent / "migrations"


class ArticlesAppTests(TestCase):
    def test_every_model_keeps_its_app_label_table_and_content_type(self):
        names = set()
        for model in apps.get_app_config("articles").get_models():
            name = model._meta.model_name
            names.add(name)
            with self.subTest(model=name):
                self.assertEqual(model._meta.app_label, "articles")
                self.assertEqual(model._meta.db_table, f"articles_{name}")
                content_type = ContentType.objects.get_for_model(model)
                self.assertEqual(
                    (content_type.app_label, content_type.model), ("articles", name)
                )
        self.assertEqual(
            names,
            {
                "article",
                "author",
                "citation",
                "claim",
                "notification",
                "page",
                "pageversion",
                "previewlink",
                "publication",
                "readerquestion",
                "relatedquestion",
                "reviewcomment",
                "searchword",
                "section",
                "topic",
                "versionremoval",
            },
        )

    def test_articles_models_offers_every_model_of_the_app(self):
        for model in apps.get_app_config("articles").get_models():
            with self.subTest(model=model.__name__):
                self.assertIs(getattr(models, model.__name__), model)


def imported_names(path):
    """(module, name or None) for each import in a migration, however nested."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module.startswith("articles"):
            for alias in node.names:
                yield node.module, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("articles"):
                    yield alias.name, None


def attributes_used(path, module):
    """Dotted uses of `module` in a migration, e.g. module.new_preview_token."""
    prefix = module.split(".")
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute):
            parts, value = [node.attr], node.value
            while isinstance(value, ast.Attribute):
                parts.insert(0, value.attr)
                value = value.value
            if isinstance(value, ast.Name):
                parts.insert(0, value.id)
                if parts[: len(prefix)] == prefix and len(parts) > len(prefix):
                    yield parts[len(prefix)]


class LandedMigrationTests(SimpleTestCase):
    def test_every_name_a_landed_migration_imports_still_resolves(self):
        # Landed migrations are never edited, so the modules and functions
        # they import by their names from before the move must still be
        # found by those names.
        importlib.import_module("articles.migrations")
        found = 0
        for path in sorted(MIGRATIONS.glob("0*.py")):
            for module, name in imported_names(path):
                with self.subTest(migration=path.name, module=module, name=name):
                    imported = importlib.import_module(module)
                    if name is not None:
                        self.assertTrue(
                            hasattr(imported, name)
                            or importlib.import_module(f"{module}.{name}"),
                        )
                    for attribute in attributes_used(path, module):
                        self.assertTrue(callable(getattr(imported, attribute)))
                    found += 1
        # 0006 and 0019 (changes, schema, shape), 0010 (rendering), 0013
        # (the preview token): the test would pass vacuously without them.
        self.assertGreaterEqual(found, 8)


class PackageDocstringTests(SimpleTestCase):
    def test_each_context_package_says_what_lives_there_and_may_import(self):
        for name in ("articles.factchecks", "articles.newsroom", "articles.readers"):
            with self.subTest(package=name):
                doc = importlib.import_module(name).__doc__ or ""
                self.assertIn("may import", doc)
