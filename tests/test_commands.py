import tempfile
from io import StringIO
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings


class LocalAdminCommandTests(TestCase):
    def setUp(self):
        self.folder = Path(tempfile.mkdtemp())

    def run_command(self):
        out = StringIO()
        with override_settings(DEBUG=True, BASE_DIR=self.folder):
            call_command("local_admin", stdout=out)
        return out.getvalue()

    def test_creates_a_superuser_and_prints_a_working_password(self):
        output = self.run_command()

        password = (self.folder / ".local-admin").read_text().strip()
        self.assertIn(f"password {password!r}", output)
        user = get_user_model().objects.get(username="admin")
        self.assertIs(user.is_superuser, True)
        self.assertIs(user.check_password(password), True)

    def test_second_run_reuses_the_account_and_password(self):
        first = self.run_command()
        second = self.run_command()

        self.assertEqual(first, second)
        self.assertEqual(get_user_model().objects.count(), 1)

    def test_refuses_to_run_with_debug_off(self):
        with self.assertRaisesMessage(CommandError, "only runs with DJANGO_DEBUG=1"):
            call_command("local_admin", stdout=StringIO())

        self.assertIs(get_user_model().objects.exists(), False)
