"""
Backups restore: the demo site, with its history, is written to one file,
the database is emptied as a new one would be, the file is restored, and
every public page and the admin history read the same as before.
"""

import re
import tempfile
import zipfile
from io import StringIO
from pathlib import Path

import time_machine
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import Client, TransactionTestCase

from articles.factchecks.publishing import publish
from articles.models import Article, Publication
from factually import backups
from tests.articles.factories import ArticleFactory
from tests.roles import create_roles

NOW = "2026-12-07 12:00:00+00:00"
LINK = re.compile(r'href="(/[^"#]*)"')
# Per-request values that differ between two identical renders.
PER_REQUEST = re.compile(r'(csrfmiddlewaretoken" value=|nonce=)"[^"]*"')
NOT_CRAWLED = ("/admin/", "/static/", "/media/", "/preview/", "/donations/stripe/")


def crawl(client, start=("/", "/sitemap.xml", "/feed/", "/corrections/feed/")):
    """Every public page reachable from `start`, by path: its status and body."""
    pages, queue = {}, list(start)
    while queue and len(pages) < 400:
        path = queue.pop(0)
        if path in pages or path.startswith(NOT_CRAWLED):
            continue
        response = client.get(path)
        body = PER_REQUEST.sub("", response.content.decode(errors="replace"))
        pages[path] = (response.status_code, body)
        if response.status_code == 200:
            for found in LINK.findall(body):
                queue.append(found.replace("&amp;", "&"))
    return pages


def admin_history(client):
    """Every fact check's admin history page, by path."""
    pages = {}
    for pk in Article.objects.order_by("pk").values_list("pk", flat=True):
        path = f"/admin/articles/article/{pk}/history/"
        response = client.get(path)
        pages[path] = (
            response.status_code,
            PER_REQUEST.sub("", response.content.decode()),
        )
    return pages


def empty_database():
    """What `migrate` leaves in a new database: no rows but the roles' own."""
    call_command("flush", interactive=False, verbosity=0)
    create_roles()


@time_machine.travel(NOW, tick=False)
class BackupRestoreTests(TransactionTestCase):
    def setUp(self):
        create_roles()
        self.file = Path(tempfile.mkdtemp()) / "site.zip"

    def test_restores_every_public_page_and_the_admin_history(self):
        call_command("load_demo", verbosity=0, stdout=StringIO())
        root = get_user_model().objects.create_superuser(
            "root", "root@example.com", "a-long-test-password"
        )
        admin = Client()
        admin.force_login(root)
        before_pages = crawl(Client())
        before_history = admin_history(admin)
        cards = backups.stored_files()

        call_command("backup", str(self.file), verbosity=0)
        empty_database()
        for name in cards:
            default_storage.delete(name)
        call_command("restore", str(self.file), verbosity=0)

        versions = [path for path in before_pages if "/versions/" in path]
        self.assertGreater(len(before_pages), 40)
        self.assertGreater(len(versions), 5)
        self.assertEqual(crawl(Client()), before_pages)
        admin = Client()
        admin.force_login(get_user_model().objects.get(username="root"))
        self.assertEqual(admin_history(admin), before_history)
        self.assertEqual(
            [name for name in cards if default_storage.exists(name)], cards
        )
        self.assertGreater(len(cards), 0)

        # The restored site goes on: new rows take ids the restore left free.
        count = Publication.objects.count()
        article = Article.objects.filter(publications__isnull=False).first()
        article.summary += " Checked again after the restore."
        article.save()
        publication = publish(
            article=article,
            kind="update",
            note="After the restore.",
            user=root,
            override_reason="Testing the restored site.",
        )
        self.assertEqual(Publication.objects.count(), count + 1)
        self.assertEqual(publication.version, article.publications.count())

    def test_refuses_a_database_that_holds_content(self):
        ArticleFactory()
        call_command("backup", str(self.file), verbosity=0)
        articles = list(Article.objects.values_list("pk", "title"))

        with self.assertRaisesMessage(CommandError, "already holds accounts"):
            call_command("restore", str(self.file), verbosity=0)

        self.assertEqual(list(Article.objects.values_list("pk", "title")), articles)

    def test_refuses_a_file_that_is_no_backup(self):
        self.file.write_text("not a zip")
        empty_database()

        with self.assertRaisesMessage(CommandError, "Cannot read"):
            call_command("restore", str(self.file), verbosity=0)
        with zipfile.ZipFile(self.file, "w") as archive:
            archive.writestr("something.txt", "else")
        with self.assertRaisesMessage(CommandError, "not a Factually backup"):
            call_command("restore", str(self.file), verbosity=0)

        self.assertIs(backups.is_empty(), True)

    def test_refuses_a_backup_from_a_newer_release(self):
        call_command("backup", str(self.file), verbosity=0)
        with zipfile.ZipFile(self.file) as archive:
            entries = {name: archive.read(name) for name in archive.namelist()}
        manifest = (
            entries[backups.MANIFEST]
            .decode()
            .replace(
                '"migrations": [', '"migrations": [\n    "articles.9999_future",', 1
            )
        )
        with zipfile.ZipFile(self.file, "w") as archive:
            for name, data in entries.items():
                archive.writestr(name, manifest if name == backups.MANIFEST else data)
        empty_database()

        with self.assertRaisesMessage(CommandError, "articles.9999_future"):
            call_command("restore", str(self.file), verbosity=0)

        self.assertIs(backups.is_empty(), True)

    def test_backup_does_not_overwrite_a_file(self):
        self.file.write_text("keep me")

        with self.assertRaisesMessage(CommandError, "exists"):
            call_command("backup", str(self.file), verbosity=0)

        self.assertEqual(self.file.read_text(), "keep me")
