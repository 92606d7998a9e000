"""
Answers for related questions: in the article change form, each related
question can ask for live fact checks that answer it (by search relevance)
and link one with a click (static/js/related-suggestions.js fills the row's
"answered by" field; saving the form records it, in a revision as always).
"""

from django import forms
from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ..models import Publication
from ..readers.search import matching
from .base import ArticleViewMixin

SUGGESTIONS = 5


class RelatedSuggestionsMixin(ArticleViewMixin):
    @property
    def media(self):
        return super().media + forms.Media(js=["js/related-suggestions.js"])

    def suggestion_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/related-suggestions/",
                self.admin_site.admin_view(require_safe(self.related_suggestions_view)),
                name=f"{prefix}_related_suggestions",
            )
        ]

    def related_suggestions_view(self, request, object_id):
        """Live fact checks that answer ?q=, best first, as JSON."""
        article = self.get_article(request, object_id)
        question = request.GET.get("q", "")
        found = (
            matching(Publication.objects.live(), question).exclude(article=article)[
                :SUGGESTIONS
            ]
            if question.strip()
            else []
        )
        return JsonResponse(
            {
                "suggestions": [
                    {"id": p.article_id, "title": p.title, "url": p.get_absolute_url()}
                    for p in found
                ],
                "labels": {
                    "suggest": _("Suggest answers"),
                    "link": _("Link"),
                    "linked": _("Linked: save to keep it"),
                    "none": _("No published fact check matches this question."),
                },
            }
        )
