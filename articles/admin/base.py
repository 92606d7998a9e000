from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _


class ArticleViewMixin:
    """What the article admin's own views share: lookups, URLs, context."""

    def admin_url(self, name, *args):
        """The URL of one of this admin's views, e.g. admin_url("change", pk)."""
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{name}",
            args=args,
            current_app=self.admin_site.name,
        )

    def redirect_to_article(self, article):
        return HttpResponseRedirect(self.admin_url("change", article.pk))

    def get_article(self, request, object_id, permission=None):
        """
        The article, if the user may see it (and has `permission`, if named).
        Permissions are checked before the lookup, so that a refusal is the
        same whether or not the id exists (factually.admin.ObjectAccessMixin).
        """
        if permission and not request.user.has_perm(
            f"{self.opts.app_label}.{permission}"
        ):
            raise PermissionDenied
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404(_("No fact check with that id."))
        return article

    def context(self, request, article, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "article": article,
            "has_view_permission": self.has_view_permission(request, article),
            "has_change_permission": self.has_change_permission(request, article),
            **extra,
        }
