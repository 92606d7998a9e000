"""
Media on every server: the database storage (factually/storage.py), the
view serving it at MEDIA_URL, the social card's tags and structured data,
and the S3 configuration.
"""

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.management import call_command
from django.test import TestCase, override_settings

from factually.models import StoredFile
from factually.storage import DatabaseStorage, check_media_storage
from tests.articles.factories import published_article

PNG = b"\x89PNG\r\n\x1a\n" + b"card" * 100


class DatabaseStorageTests(TestCase):
    def setUp(self):
        self.storage = DatabaseStorage()

    def test_default_storage_is_the_database(self):
        self.assertIsInstance(storages["default"], DatabaseStorage)

    def test_save_then_open(self):
        name = self.storage.save("social/a.png", ContentFile(PNG))

        self.assertEqual(name, "social/a.png")
        with self.storage.open(name) as file:
            self.assertEqual(file.read(), PNG)
        stored = StoredFile.objects.get(name=name)
        self.assertEqual(stored.content_type, "image/png")
        self.assertEqual(stored.size, len(PNG))

    def test_exists_size_and_url(self):
        self.storage.save("social/b.png", ContentFile(PNG))

        self.assertIs(self.storage.exists("social/b.png"), True)
        self.assertIs(self.storage.exists("social/none.png"), False)
        self.assertEqual(self.storage.size("social/b.png"), len(PNG))
        self.assertEqual(self.storage.url("social/b.png"), "/media/social/b.png")

    def test_a_taken_name_is_never_given_to_other_bytes(self):
        first = self.storage.save("social/c.png", ContentFile(PNG))
        second = self.storage.save("social/c.png", ContentFile(b"other"))

        self.assertNotEqual(first, second)
        with self.storage.open(first) as file:
            self.assertEqual(file.read(), PNG)

    def test_delete(self):
        self.storage.save("social/d.png", ContentFile(PNG))
        self.storage.delete("social/d.png")

        self.assertIs(self.storage.exists("social/d.png"), False)
        with self.assertRaises(FileNotFoundError):
            self.storage.open("social/d.png")

    def test_listdir(self):
        self.storage.save("social/e.png", ContentFile(PNG))
        self.storage.save("social/2026/f.png", ContentFile(PNG))

        self.assertEqual(self.storage.listdir("social"), (["2026"], ["e.png"]))


class MediaViewTests(TestCase):
    def setUp(self):
        self.name = default_storage.save("social/view.png", ContentFile(PNG))

    def test_file_is_served_with_year_long_cache_headers(self):
        response = self.client.get(f"/media/{self.name}")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, PNG)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertEqual(response["Content-Length"], str(len(PNG)))
        self.assertEqual(
            response["Cache-Control"], "public, max-age=31536000, immutable"
        )
        self.assertRegex(response["ETag"], r'^"[0-9a-f]{32}"$')

    def test_a_current_copy_gets_a_304(self):
        etag = self.client.get(f"/media/{self.name}")["ETag"]

        response = self.client.get(
            f"/media/{self.name}", headers={"If-None-Match": etag}
        )

        self.assertEqual(response.status_code, 304)

    def test_head_answers_without_a_body(self):
        response = self.client.head(f"/media/{self.name}")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"")
        self.assertEqual(response["Content-Length"], str(len(PNG)))

    def test_missing_names_answer_404(self):
        for path in (
            "/media/social/none.png",
            "/media/../settings.py",
            "/media/",
            "/media/social/%00.png",
        ):
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 404)

    def test_writes_are_refused(self):
        response = self.client.post(f"/media/{self.name}")
        self.assertEqual(response.status_code, 405)


class SocialCardTests(TestCase):
    """The tests run with debug off, as production does."""

    def setUp(self):
        # The card is stored once the publication commits.
        with self.captureOnCommitCallbacks(execute=True):
            self.article = published_article()
        self.page = self.client.get(self.article.get_absolute_url()).content.decode()

    def test_debug_is_off(self):
        self.assertIs(settings.DEBUG, False)

    def test_og_image_answers_200(self):
        image = re.search(r'<meta property="og:image" content="([^"]+)">', self.page)[1]
        path = image.removeprefix(settings.SITE_URL)

        response = self.client.get(path)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertTrue(response.content.startswith(b"\x89PNG"))

    def test_twitter_image_alt(self):
        alt = f"{self.article.title}, with our verdict"
        self.assertIn(f'<meta name="twitter:image:alt" content="{alt}">', self.page)

    def test_news_article_names_the_card_as_its_image(self):
        blocks = re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', self.page, re.S
        )
        [news_article] = [
            item
            for block in blocks
            for item in json.loads(block)
            if item["@type"] == "NewsArticle"
        ]
        card = self.article.live_publication().social_card
        self.assertEqual(
            news_article["image"],
            {
                "@type": "ImageObject",
                "url": f"{settings.SITE_URL}/media/{card.name}",
                "width": 1200,
                "height": 630,
            },
        )


class S3ConfigurationTests(TestCase):
    def settings_with(self, **environ):
        """STORAGES["default"] as settings.py reads it from `environ`."""
        code = (
            "import json, django; django.setup(); from django.conf import settings; "
            "print(json.dumps(settings.STORAGES['default']))"
        )
        result = subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, **environ},
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return json.loads(result.stdout.strip().splitlines()[-1])

    def test_without_a_bucket_media_goes_to_the_database(self):
        storage = self.settings_with(MEDIA_S3_BUCKET="")
        self.assertEqual(storage, {"BACKEND": "factually.storage.DatabaseStorage"})

    def test_a_bucket_sends_media_to_s3_through_django_storages(self):
        storage = self.settings_with(
            MEDIA_S3_BUCKET="factually-media",
            MEDIA_S3_ENDPOINT_URL="https://s3.example.test",
            MEDIA_S3_REGION="eu-west-1",
            MEDIA_S3_CUSTOM_DOMAIN="media.factually.example",
        )
        self.assertEqual(storage["BACKEND"], "storages.backends.s3.S3Storage")
        self.assertEqual(
            storage["OPTIONS"],
            {
                "bucket_name": "factually-media",
                "endpoint_url": "https://s3.example.test",
                "region_name": "eu-west-1",
                "custom_domain": "media.factually.example",
                "querystring_auth": False,
                "file_overwrite": False,
                "object_parameters": {
                    "CacheControl": "public, max-age=31536000, immutable"
                },
            },
        )

    def test_the_check_says_when_django_storages_is_missing(self):
        try:
            import storages  # noqa: F401
        except ImportError:
            expected = ["factually.E002"]
        else:
            expected = []
        s3 = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {}}
        with override_settings(STORAGES={**settings.STORAGES, "default": s3}):
            self.assertEqual([e.id for e in check_media_storage()], expected)
        self.assertEqual(check_media_storage(), [])


class CopyMediaCommandTests(TestCase):
    def setUp(self):
        self.root = Path(tempfile.mkdtemp(prefix="factually-old-media-"))
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)
        (self.root / "social").mkdir()
        (self.root / "social" / "old.png").write_bytes(PNG)
        default_storage.save("social/kept.png", ContentFile(b"already"))
        (self.root / "social" / "kept.png").write_bytes(b"from disk")

    def run_command(self, *args):
        out = io.StringIO()
        with override_settings(MEDIA_ROOT=self.root):
            call_command("copy_media_to_storage", *args, stdout=out)
        return out.getvalue()

    def test_files_on_disk_are_copied_once(self):
        self.assertIn("Copied 1 file(s); 1 already stored.", self.run_command())
        self.assertIn("Copied 0 file(s); 2 already stored.", self.run_command())

        with default_storage.open("social/old.png") as file:
            self.assertEqual(file.read(), PNG)
        with default_storage.open("social/kept.png") as file:
            self.assertEqual(file.read(), b"already")

    def test_dry_run_copies_nothing(self):
        self.assertIn("Would copy 1 file(s)", self.run_command("--dry-run"))
        self.assertIs(default_storage.exists("social/old.png"), False)
