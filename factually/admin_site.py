"""
The project's admin site: the rules that hold on every admin page, whoever
registered the admin (our apps, django-axes, the task results).

`FactuallyAdminConfig` (factually/apps.py) makes this the default site, so
`admin.site` and `@admin.register` are this site everywhere.

- Every registered admin looks objects up through `ObjectAccessMixin`: an
  admin registered without it (another package's) is given it here, as it
  is registered, so no view taking an id tells staff without rights which
  ids exist.
- "View on site" (`r/<content type>/<id>/`) redirects only to objects the
  user may see in the admin (`view_on_site`).
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .admin import ObjectAccessMixin


class FactuallyAdminSite(admin.AdminSite):
    site_header = gettext_lazy("Factually newsroom")
    site_title = gettext_lazy("Factually newsroom")
    index_title = gettext_lazy("Newsroom")

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = guarded(admin_class or admin.ModelAdmin)
        super().register(model_or_iterable, admin_class, **options)

    def get_urls(self):
        # Ahead of the site's own "view on site" URL, which it shadows.
        return [
            path(
                "r/<path:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site),
                name="view_on_site",
            ),
            *super().get_urls(),
        ]

    def view_on_site(self, request, content_type_id, object_id):
        """
        The admin's "view on site" redirect, for objects the user may see in
        the admin only. Django's own (contenttypes' `shortcut`) redirects any
        staff member to any object's public address, so a fundraiser could
        learn a draft's address, or whether an id exists.
        """
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except (ObjectDoesNotExist, ValueError):
            raise Http404(_("No such kind of object.")) from None
        try:
            model_admin = self.get_model_admin(model)
        except admin.sites.NotRegistered:
            raise Http404(_("No such kind of object.")) from None
        if model_admin.get_object(request, unquote(object_id)) is None:
            raise Http404(_("No such object."))
        return shortcut(request, content_type_id, object_id)


def guarded(admin_class):
    """`admin_class`, with `ObjectAccessMixin` first if it lacks it."""
    if issubclass(admin_class, ObjectAccessMixin):
        return admin_class
    return type(admin_class.__name__, (ObjectAccessMixin, admin_class), {})
