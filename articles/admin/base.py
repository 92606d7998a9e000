"""
What the article admin's own pages share. Each page is one class-based view
(`AdminPageView`) that names its URL (`name`, `route`); `view_urls()`
turns a list of them into the admin's URL patterns.

A view gets the model admin it serves as `model_admin` (through `as_view()`)
and reads its configuration only: the admin instance is shared by every
request and thread, so nothing about a request is stored on it.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View


def admin_url(model_admin, name, *args):
    """The URL of one of `model_admin`'s views, e.g. admin_url(ma, "change", pk)."""
    opts = model_admin.opts
    site = model_admin.admin_site.name
    return reverse(
        f"{site}:{opts.app_label}_{opts.model_name}_{name}",
        args=args,
        current_app=site,
    )


def view_urls(model_admin, views):
    """URL patterns for the view classes `views`, behind the admin's login."""
    opts = model_admin.opts
    return [
        path(
            view.route,
            model_admin.admin_site.admin_view(view.as_view(model_admin=model_admin)),
            name=f"{opts.app_label}_{opts.model_name}_{view.name}",
        )
        for view in views
    ]


class AdminPageView(View):
    """One page of a model admin, at `route`, named `<app>_<model>_<name>`."""

    model_admin = None
    name = ""
    route = ""

    @property
    def opts(self):
        return self.model_admin.opts

    def admin_url(self, name, *args):
        return admin_url(self.model_admin, name, *args)

    def redirect_to(self, obj, name="change"):
        return HttpResponseRedirect(self.admin_url(name, obj.pk))

    def message(self, request, text, level):
        self.model_admin.message_user(request, text, level)

    def log_change(self, request, obj, text):
        self.model_admin.log_change(request, obj, text)

    def get_object(self, request, object_id, permission=None):
        """
        The object, if the user may see it (and has `permission`, if named).
        Permissions are checked before the lookup, so that a refusal is the
        same whether or not the id exists (factually.admin.ObjectAccessMixin).
        """
        if permission and not request.user.has_perm(
            f"{self.opts.app_label}.{permission}"
        ):
            raise PermissionDenied
        obj = self.model_admin.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(
                _("No %(name)s with that id.") % {"name": self.opts.verbose_name}
            )
        return obj

    def context(self, request, obj=None, **extra):
        """The admin's page context, for a page about `obj` if given."""
        context = {
            **self.model_admin.admin_site.each_context(request),
            "opts": self.opts,
            **extra,
        }
        if obj is not None:
            context.update(
                original=obj,
                article=obj,
                has_view_permission=self.model_admin.has_view_permission(request, obj),
                has_change_permission=self.model_admin.has_change_permission(
                    request, obj
                ),
            )
        return context


class ActionView(AdminPageView):
    """A POST-only action on one object, then back to its change form."""

    http_method_names = ["post"]

    def http_method_not_allowed(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])
