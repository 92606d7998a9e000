"""
Run the local stand-in for Stripe (donations/devstripe.py) on 127.0.0.1, so
that the support page takes test card payments on a laptop. Debug only.

Start the site with STRIPE_SECRET_KEY set to anything and STRIPE_API_BASE
pointing here (`make run-payments` does both). The stand-in signs the events
it delivers with the site's STRIPE_WEBHOOK_SECRET and posts them to the
site's webhook under SITE_URL.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from donations import devstripe, emails


class Command(BaseCommand):
    help = "Run a local stand-in for Stripe on 127.0.0.1 (debug only)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--port", type=int, default=8001, help="The port (default 8001)."
        )
        parser.add_argument(
            "--webhook-url",
            help="Where to deliver events (default: the webhook under SITE_URL).",
        )

    def handle(self, *args, port, webhook_url, **options):
        if not settings.DEBUG:
            raise CommandError(
                "The Stripe stand-in is for local development: set DJANGO_DEBUG=1."
            )
        webhook_url = webhook_url or emails.absolute(
            reverse("donations:stripe-webhook")
        )
        try:
            httpd = devstripe.server(
                port=port,
                webhook_url=webhook_url,
                webhook_secret=settings.STRIPE_WEBHOOK_SECRET,
            )
        except OSError as exc:
            raise CommandError(f"Cannot listen on 127.0.0.1:{port}: {exc}") from exc
        self.stdout.write(
            f"Stripe stand-in on {httpd.fake.base_url}, delivering events to "
            f"{webhook_url}. Test card: 4242 4242 4242 4242. Quit with CONTROL-C."
        )
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            httpd.server_close()
