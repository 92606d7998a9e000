"""
The article admin's publishing views: publish (or schedule), withdraw and
cancel a scheduled version (previews and share links are in `review`).
Each asks to confirm, showing what readers will get, then calls the domain
function in `articles.factchecks.publishing` and turns its errors into messages.
"""

from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from articles.factchecks import diffs, publishing
from articles.factchecks.shape import load

from ..models import Publication
from .base import AdminPageView
from .forms import PublishForm, WithdrawForm


def published_message(publication):
    if publication.is_scheduled():
        return _("Version %(version)s is scheduled for %(when)s.") % {
            "version": publication.version,
            "when": date_format(
                timezone.localtime(publication.published_at), "DATETIME_FORMAT"
            ),
        }
    return format_html(
        _('Published version {} — <a href="{}">see it as readers do</a>.'),
        publication.version,
        publication.get_absolute_url(),
    )


def admin_form(form):
    """The form as the admin's fieldset includes render it."""
    return helpers.AdminForm(form, [(None, {"fields": list(form.fields)})], {})


class PublishView(AdminPageView):
    """Publish (or schedule) the draft, after confirming what readers get."""

    name = "publish"
    route = "<path:object_id>/publish/"

    # One method for both: the form is bound only when posted.
    def get(self, request, object_id):
        article = self.get_object(request, object_id, permission="publish_article")
        draft = load(article)
        latest = article.latest_publication()
        first = latest is None
        change = publishing.change_since(publishing.shown_before(latest), draft)

        def kind_errors(kind):
            return publishing.kind_errors(latest, change, kind)

        review = publish_review_options(request, article, draft)
        form = PublishForm(
            request.POST or None, first=first, kind_errors=kind_errors, **review
        )
        preview, problems = publishing.preview(draft)
        live = article.live_publication()
        changes = diffs.compare(
            live.page_content()["draft"] if live else {}, draft.data()
        )
        context = {
            "verdict_changes": change.verdict_changes() if change else [],
            "typo_blockers": change.typo_blockers() if change else [],
            "details_only": bool(change and change.details_only),
            "preview": preview,
            "changes": changes,
            "live": live,
            "latest": latest,
        }
        if request.method == "POST" and form.is_valid() and not problems:
            if form.cleaned_data["confirm"]:
                try:
                    publication = publishing.publish(
                        article=article,
                        kind=form.cleaned_data["kind"],
                        note=form.cleaned_data["note"],
                        user=request.user,
                        published_at=form.cleaned_data["published_at"],
                        expected_digest=form.cleaned_data["digest"],
                        override_reason=form.cleaned_data.get("override_reason")
                        or None,
                    )
                except ValidationError as error:
                    # Back to the first step: review again before confirming.
                    data = request.POST.copy()
                    data["confirm"] = data["digest"] = ""
                    form = PublishForm(
                        data, first=first, kind_errors=kind_errors, **review
                    )
                    form.is_valid()
                    form.add_error(None, error.messages)
                else:
                    self.log_change(
                        request,
                        article,
                        _("Published version %(version)s (%(kind)s).")
                        % {
                            "version": publication.version,
                            "kind": publication.get_kind_display().lower(),
                        },
                    )
                    self.message(
                        request, published_message(publication), messages.SUCCESS
                    )
                    return self.redirect_to(article)
            else:
                # Valid: ask once more, showing exactly what readers will get.
                data = request.POST.copy()
                data["confirm"] = "True"
                data["digest"] = draft.digest()
                form = PublishForm(data, first=first, kind_errors=kind_errors, **review)
                form.is_valid()
                context.update(
                    title=_("Confirm publication"),
                    confirming=True,
                    kind_label=Publication.Kind(form.cleaned_data["kind"]).label,
                    when=form.cleaned_data["published_at"],
                )
        context.setdefault("title", _("Publish an update") if latest else _("Publish"))
        return TemplateResponse(
            request,
            "admin/articles/article/publish.html",
            self.context(
                request,
                article,
                form=form,
                adminform=admin_form(form),
                problems=problems,
                **context,
            ),
        )

    post = get


class WithdrawView(AdminPageView):
    """Take the fact check off the site, after confirming."""

    name = "withdraw"
    route = "<path:object_id>/withdraw/"

    # One method for both: the form is bound only when posted.
    def get(self, request, object_id):
        article = self.get_object(request, object_id, permission="withdraw_article")
        live = article.live_publication()
        if live is None:
            self.message(
                request, _("This fact check is not on the site."), messages.ERROR
            )
            return self.redirect_to(article)
        form = WithdrawForm(request.POST or None)
        confirming = False
        if request.method == "POST" and form.is_valid():
            if form.cleaned_data["confirm"]:
                try:
                    publishing.withdraw(
                        article=article,
                        note=form.cleaned_data["note"],
                        user=request.user,
                    )
                except ValidationError as error:
                    form.add_error(None, error.messages)
                else:
                    self.log_change(request, article, _("Withdrawn."))
                    self.message(
                        request,
                        _(
                            "Withdrawn. Its address now answers “410 Gone” with your note."
                        ),
                        messages.SUCCESS,
                    )
                    return self.redirect_to(article)
            else:
                data = request.POST.copy()
                data["confirm"] = "True"
                form = WithdrawForm(data)
                form.is_valid()
                confirming = True
        return TemplateResponse(
            request,
            "admin/articles/article/withdraw.html",
            self.context(
                request,
                article,
                title=_("Withdraw this fact check"),
                form=form,
                adminform=admin_form(form),
                confirming=confirming,
                live=live,
            ),
        )

    post = get


class CancelScheduledView(AdminPageView):
    """Cancel the version scheduled to go live (POST only)."""

    name = "cancel_scheduled"
    route = "<path:object_id>/cancel-scheduled/"

    def get(self, request, object_id):
        self.get_object(request, object_id, permission="publish_article")
        raise PermissionDenied

    def post(self, request, object_id):
        article = self.get_object(request, object_id, permission="publish_article")
        try:
            cancelled = publishing.cancel_scheduled(article=article, user=request.user)
        except ValidationError as error:
            self.message(request, " ".join(error.messages), messages.ERROR)
        else:
            self.log_change(
                request,
                article,
                _("Cancelled scheduled version %(version)s.")
                % {"version": cancelled.version},
            )
            self.message(
                request,
                _("Scheduled version %(version)s cancelled.")
                % {"version": cancelled.version},
                messages.SUCCESS,
            )
        return self.redirect_to(article)


def publish_review_options(request, article, draft):
    """What the publish form needs to know of the review of `draft`."""
    return {
        "approved": article.is_approved(draft.digest()),
        "may_override": request.user.has_perm("articles.override_review"),
    }
