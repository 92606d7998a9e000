from django.apps import AppConfig
from django.contrib import admin


class FactuallyConfig(AppConfig):
    name = "factually"

    def ready(self):
        # Every app's admin module has been imported by now (the admin app
        # comes first in INSTALLED_APPS): guard the other packages' admins.
        from . import checks, frontendcache, storage  # noqa: F401 (their system checks)
        from .admin import guard_every_admin

        guard_every_admin(admin.site)
