from io import StringIO

from django.core.management import call_command
from django.test import TestCase


class MigrationTests(TestCase):
    def test_no_pending_migrations(self):
        out = StringIO()

        call_command("makemigrations", "--check", "--dry-run", stdout=out)
