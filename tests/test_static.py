import re
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import SimpleTestCase, override_settings


class CollectStaticTests(SimpleTestCase):
    def test_collectstatic_writes_hashed_compressed_files(self):
        with tempfile.TemporaryDirectory() as root:
            storages = {
                "staticfiles": {
                    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
                },
            }
            with override_settings(STATIC_ROOT=root, STORAGES=storages):
                call_command("collectstatic", "--noinput", verbosity=0)

            names = {path.name for path in Path(root, "css").iterdir()}
        hashed = [n for n in names if re.fullmatch(r"site\.[0-9a-f]{12}\.css", n)]
        self.assertEqual(len(hashed), 1, names)
        self.assertIn(hashed[0] + ".gz", names)
