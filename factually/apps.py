from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class FactuallyConfig(AppConfig):
    name = "factually"
    default = True

    def ready(self):
        from . import checks, frontendcache, storage  # noqa: F401 (their system checks)


class FactuallyAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the project's site (`factually.admin_site`)."""

    default = False
    default_site = "factually.admin_site.FactuallyAdminSite"
