"""
Answers for related questions: in the article change form, each related
question can ask for live fact checks that answer it (by search relevance)
and link one with a click (static/js/related-suggestions.js fills the row's
"answered by" field; saving the form records it, in a revision as always).
"""

from django import forms
from django.http import JsonResponse
from django.utils.translation import gettext as _

from ..models import Publication
from ..readers.search import matching
from .base import AdminPageView

SUGGESTIONS = 5


SUGGESTIONS_MEDIA = forms.Media(js=["js/related-suggestions.js"])


class RelatedSuggestionsView(AdminPageView):
    """Live fact checks that answer ?q=, best first, as JSON."""

    name = "related_suggestions"
    route = "<path:object_id>/related-suggestions/"
    http_method_names = ["get", "head"]

    def get(self, request, object_id):
        article = self.get_object(request, object_id)
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
