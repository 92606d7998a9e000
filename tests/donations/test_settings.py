import os
import subprocess
import sys

from django.conf import settings
from django.test import SimpleTestCase


class StripeSettingsTests(SimpleTestCase):
    def run_settings(self, **env):
        environ = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "STRIPE_"))
        }
        environ.update(env)
        return subprocess.run(
            [
                sys.executable,
                "-c",
                "from factually import settings as s; "
                "print(s.STRIPE_WEBHOOK_SECRET, s.STRIPE_LIVEMODE)",
            ],
            cwd=settings.BASE_DIR,
            env=environ,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def test_refuses_to_start_in_production_without_the_webhook_secret(self):
        result = self.run_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50)

        self.assertNotEqual(result.returncode, 0)
        self.assertIn("STRIPE_WEBHOOK_SECRET must be set", result.stderr)

    def test_production_takes_live_payments_with_its_secret(self):
        result = self.run_settings(
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY="x" * 50,
            STRIPE_WEBHOOK_SECRET="whsec_x",
        )

        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.split(), ["whsec_x", "True"])

    def test_debug_starts_with_a_development_secret_in_test_mode(self):
        result = self.run_settings(DJANGO_DEBUG="1")

        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(
            result.stdout.split(), ["whsec_local_development_only", "False"]
        )
