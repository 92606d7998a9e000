"""
The article list's bulk actions: each article is saved on its own, in its
own revision, so that its history says what the action changed.
"""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.factchecks.shape import refresh_draft_digest
from articles.newsroom import workflow


def save_each(model_admin, request, queryset, comment, **changes):
    count = 0
    for article in queryset:
        with model_admin.create_revision(request):
            for name, value in changes.items():
                setattr(article, name, value)
            article.save(update_fields=[*changes, "updated_at"])
            refresh_draft_digest(article)
            workflow.reopen_if_changed(article=article, user=request.user)
            model_admin.log_change(request, article, comment)
        count += 1
    model_admin.message_user(
        request,
        _("%(count)s fact checks updated: %(comment)s")
        % {"count": count, "comment": comment},
        messages.SUCCESS,
    )


@admin.action(
    description=gettext_lazy("Show the donation banner"), permissions=["change"]
)
def ask_for_donations(model_admin, request, queryset):
    save_each(
        model_admin,
        request,
        queryset,
        _("Donation banner shown."),
        no_donation_ask=False,
    )


@admin.action(
    description=gettext_lazy("Hide the donation banner"), permissions=["change"]
)
def stop_asking_for_donations(model_admin, request, queryset):
    save_each(
        model_admin,
        request,
        queryset,
        _("Donation banner hidden."),
        no_donation_ask=True,
    )


@admin.action(
    description=gettext_lazy("Set “checked on” to today"), permissions=["change"]
)
def mark_checked_today(model_admin, request, queryset):
    save_each(
        model_admin,
        request,
        queryset,
        _("Checked-on date set to today."),
        checked_on=timezone.localdate(),
    )
