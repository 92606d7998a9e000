"""
Triage of reader questions (/ask/): new → accepted (a draft fact check is
created and linked), duplicate (linked to the fact check that answers it:
choose it in the change form and save) or declined. Writers and editors
triage; the decisions are `articles.readers.asking` functions.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from articles.readers import asking
from factually.admin import ModelAdmin

from ..models import ReaderQuestion


@admin.register(ReaderQuestion)
class ReaderQuestionAdmin(ModelAdmin):
    list_display = ["short_claim", "status", "created_at", "linked", "wants_email"]
    list_filter = ["status", "created_at"]
    search_fields = ["claim", "seen_at"]
    date_hierarchy = "created_at"
    list_select_related = ["fact_check"]
    actions = ["accept", "decline"]
    autocomplete_fields = ["fact_check"]
    fields = [
        "claim",
        "seen_at",
        "status",
        "fact_check",
        "wants_email",
        "created_at",
        "triaged_at",
        "triaged_by",
        "notified_at",
    ]

    def has_add_permission(self, request):
        return False  # Readers ask through /ask/.

    def get_readonly_fields(self, request, obj=None):
        readonly = [f for f in self.fields if f != "fact_check"]
        if obj is not None and obj.status != ReaderQuestion.Status.NEW:
            readonly.append("fact_check")
        return readonly

    @admin.display(description=gettext_lazy("claim"))
    def short_claim(self, question):
        return str(question)

    @admin.display(description=gettext_lazy("fact check"))
    def linked(self, question):
        if question.fact_check is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_article_change", args=[question.fact_check_id]),
            question.fact_check,
        )

    # The address itself is personal data staff have no need to read.
    @admin.display(description=gettext_lazy("wants an email"), boolean=True)
    def wants_email(self, question):
        return bool(question.email)

    def save_model(self, request, obj, form, change):
        if "fact_check" in form.changed_data and obj.fact_check is not None:
            asking.mark_duplicate(
                question=obj, fact_check=obj.fact_check, user=request.user
            )
            self.message_user(
                request,
                _("Marked as a duplicate of “%(title)s”.") % {"title": obj.fact_check},
                messages.SUCCESS,
            )

    def _each(self, request, queryset, act, done):
        count, refused = 0, []
        for question in queryset:
            try:
                act(question)
            except ValidationError as error:
                refused.extend(error.messages)
            else:
                count += 1
        if count:
            self.message_user(request, done(count), messages.SUCCESS)
        for message in sorted(set(refused)):
            self.message_user(request, message, messages.ERROR)

    def has_accept_permission(self, request):
        return request.user.has_perm(
            "articles.change_readerquestion"
        ) and request.user.has_perm("articles.add_article")

    @admin.action(
        description=gettext_lazy("Accept: create a draft fact check for each"),
        permissions=["accept"],
    )
    def accept(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda question: asking.accept(question=question, user=request.user),
            lambda count: (
                ngettext(
                    "%(count)s question accepted: its draft fact check is in the list of fact checks.",
                    "%(count)s questions accepted: their draft fact checks are in the list of fact checks.",
                    count,
                )
                % {"count": count}
            ),
        )

    @admin.action(description=gettext_lazy("Decline"), permissions=["change"])
    def decline(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda question: asking.decline(question=question, user=request.user),
            lambda count: (
                ngettext(
                    "%(count)s question declined.",
                    "%(count)s questions declined.",
                    count,
                )
                % {"count": count}
            ),
        )
