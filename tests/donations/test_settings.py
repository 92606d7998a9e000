import os
import subprocess
import sys

from django.conf import settings
from django.test import SimpleTestCase

from factually.environment import mailer_from_url


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


class EmailUrlTests(SimpleTestCase):
    def test_smtp_with_tls_and_an_encoded_password(self):
        mailer = mailer_from_url(
            "smtp://mail%40factually.example:p%2Fss@smtp.example:587/?tls=1"
        )

        self.assertEqual(
            mailer["BACKEND"], "django.core.mail.backends.smtp.EmailBackend"
        )
        self.assertEqual(
            mailer["OPTIONS"],
            {
                "host": "smtp.example",
                "port": 587,
                "username": "mail@factually.example",
                "password": "p/ss",
                "use_tls": True,
                "use_ssl": False,
                "timeout": 10,
            },
        )

    def test_smtps_defaults_to_ssl_on_port_465(self):
        options = mailer_from_url("smtps://smtp.example")["OPTIONS"]

        self.assertEqual((options["port"], options["use_ssl"]), (465, True))

    def test_console_and_locmem_need_no_options(self):
        self.assertEqual(
            mailer_from_url("console://"),
            {"BACKEND": "django.core.mail.backends.console.EmailBackend"},
        )
        self.assertEqual(
            mailer_from_url("locmem://"),
            {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
        )

    def test_an_unknown_scheme_is_refused_at_start_up(self):
        result = subprocess.run(
            [sys.executable, "-c", "import factually.settings"],
            cwd=settings.BASE_DIR,
            env={**os.environ, "EMAIL_URL": "sendgrid://key"},
            capture_output=True,
            text=True,
            timeout=60,
        )

        self.assertNotEqual(result.returncode, 0)
        self.assertIn("EMAIL_URL must start with one of smtp", result.stderr)

    def test_the_site_sends_through_the_configured_mailer(self):
        self.assertEqual(set(settings.MAILERS), {"default"})
