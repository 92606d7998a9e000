from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    name = "donations"
    verbose_name = _("Donations")

    def ready(self):
        # Registers the banner as a piece of every page before any request.
        from .templatetags import donations  # noqa: F401
