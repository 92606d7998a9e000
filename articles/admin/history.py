"""
The article admin's history views: the history page (revisions and
publications together), comparing any two states, reverting the draft to a
revision and recovering a deleted fact check.

Their URLs shadow Django's history view and django-reversion's revision and
recover views (`ArticleAdmin.get_urls`); reversion's look a version up by
its id alone: here every version is checked to be of this
model (and of this article) before anything is shown or restored.
"""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from reversion.models import Version

from articles.factchecks import diffs
from articles.factchecks.shape import Draft, load
from articles.newsroom import restoring as history
from factually import revisions

from .base import AdminPageView


def version_of(model, **lookups):
    return get_object_or_404(
        Version.objects.select_related("revision__user"),
        content_type=ContentType.objects.get_for_model(model),
        **lookups,
    )


def state_data(article, key):
    """The plain data and a label of one state: "draft", "live" or a version id."""
    if key == "draft":
        return load(article).data(), _("Current draft")
    if key == "live":
        live = article.live_publication()
        if live is None:
            return {}, _("Nothing published")
        return live.page_content()["draft"], _("Live version %(version)s") % {
            "version": live.version
        }
    version = (
        Version.objects.get_for_object(article)
        .select_related("revision__user")
        .filter(pk=key if str(key).isdigit() else None)
        .first()
    )
    if version is None:
        raise Http404(_("No such revision of this fact check."))
    return (
        Draft.from_revision(version.revision).data(),
        history.revision_label(version.revision),
    )


class CompareView(AdminPageView):
    """Any two states side by side: the draft, the live version, a revision."""

    name = "compare"
    route = "<path:object_id>/compare/"

    def get(self, request, object_id):
        article = self.get_object(request, object_id)
        old, old_label = state_data(article, request.GET.get("from", "live"))
        new, new_label = state_data(article, request.GET.get("to", "draft"))
        return TemplateResponse(
            request,
            "admin/articles/article/compare.html",
            self.context(
                request,
                article,
                title=_("What changed"),
                comparison=diffs.compare(old, new),
                old_label=old_label,
                new_label=new_label,
            ),
        )


class HistoryView(AdminPageView):
    """Revisions and publications together, newest first (Django's own URL)."""

    name = "history"
    route = "<path:object_id>/history/"

    def get(self, request, object_id):
        article = self.get_object(request, object_id)
        versions = list(
            Version.objects.get_for_object(article).select_related("revision__user")
        )
        publications = list(article.publications.select_related("published_by"))
        events = sorted(
            [
                {"kind": "revision", "when": v.revision.date_created, "version": v}
                for v in versions
            ]
            + [
                {"kind": "publication", "when": p.created_at, "publication": p}
                for p in publications
            ],
            key=lambda event: event["when"],
            reverse=True,
        )
        return TemplateResponse(
            request,
            self.model_admin.object_history_template,
            self.context(
                request,
                article,
                title=_("History: %(title)s") % {"title": article.title},
                events=events,
                state=article.publication_state(),
                can_revert=request.user.has_perm("articles.revert_article")
                and self.model_admin.has_change_permission(request, article),
                default_from=versions[1].pk if len(versions) > 1 else None,
            ),
        )


class RevertView(AdminPageView):
    """Restore the draft to a revision, after seeing what that changes."""

    name = "revision"
    route = "<path:object_id>/history/<int:version_id>/"

    def get_version(self, request, object_id, version_id):
        article = self.get_object(request, object_id, permission="revert_article")
        if not self.model_admin.has_change_permission(request, article):
            raise PermissionDenied
        version = version_of(
            article,
            pk=version_id,
            object_id=str(article.pk),
        )
        return article, version

    def get(self, request, object_id, version_id):
        article, version = self.get_version(request, object_id, version_id)
        history_url = self.admin_url("history", article.pk)
        if refusal := revisions.refused(request, version.revision, history_url):
            return refusal
        return TemplateResponse(
            request,
            "admin/articles/article/revert.html",
            self.context(
                request,
                article,
                title=_("Revert to an earlier revision"),
                version=version,
                label=history.revision_label(version.revision),
                comparison=diffs.compare(
                    load(article).data(),
                    Draft.from_revision(version.revision).data(),
                ),
            ),
        )

    def post(self, request, object_id, version_id):
        article, version = self.get_version(request, object_id, version_id)
        try:
            history.revert(
                article=article, revision=version.revision, user=request.user
            )
        except ValidationError as error:
            self.message(request, " ".join(error.messages), messages.ERROR)
        else:
            self.log_change(
                request, article, version.revision.get_comment() or _("Reverted.")
            )
            self.message(
                request,
                _(
                    "Restored the draft as it was on %(when)s. Readers see no "
                    "change until you publish."
                )
                % {"when": history.revision_label(version.revision)},
                messages.SUCCESS,
            )
        return self.redirect_to(article)


class RecoverView(AdminPageView):
    """Bring a deleted fact check back, with its parts."""

    name = "recover"
    route = "recover/<int:version_id>/"

    def get_version(self, request, version_id):
        if not (
            self.model_admin.has_add_permission(request)
            and request.user.has_perm("articles.revert_article")
        ):
            raise PermissionDenied
        return get_object_or_404(
            Version.objects.get_deleted(self.model_admin.model).select_related(
                "revision__user"
            ),
            pk=version_id,
        )

    def get(self, request, version_id):
        version = self.get_version(request, version_id)
        recoverlist = self.admin_url("recoverlist")
        if refusal := revisions.refused(request, version.revision, recoverlist):
            return refusal
        return TemplateResponse(
            request,
            "admin/articles/article/recover.html",
            self.context(
                request,
                title=_("Recover “%(title)s”") % {"title": version.object_repr},
                version=version,
                data=Draft.from_revision(version.revision).data(),
            ),
        )

    def post(self, request, version_id):
        version = self.get_version(request, version_id)
        try:
            article = history.recover(version=version, user=request.user)
        except ValidationError as error:
            self.message(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(self.admin_url("recoverlist"))
        self.log_change(request, article, _("Recovered after deletion."))
        self.message(
            request,
            _("Recovered, with its sections, claims and citations."),
            messages.SUCCESS,
        )
        return self.redirect_to(article)
