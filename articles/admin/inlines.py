"""
The article's parts on its change form: sections, claims, citations and
related questions, each kept in order by a position editors may rewrite in
one save (swapping two is fine; a duplicate is a form error).
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from ..models import POSITION_OFFSET, Citation, Claim, RelatedQuestion, Section


class PositionedForm(forms.ModelForm):
    position = forms.IntegerField(
        label=_("position"),
        min_value=1,
        required=False,
        help_text=_("Leave empty to add at the end."),
    )

    def validate_constraints(self):
        # The formset checks positions across all rows instead (duplicates
        # are an error there), so that two rows can swap numbers in one save.
        exclude = self._get_validation_exclusions() | {"position"}
        try:
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)


class PositionedInlineMixin:
    """An inline of positioned parts: ordered, none extra, renumbered on save."""

    extra = 0
    ordering = ["position"]
    form = PositionedForm

    def save_positions(self, formset, article):
        """
        Save the formset's rows with their positions: rows moved aside first
        so that positions can be exchanged, empty positions added at the end.
        """
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        moved = [obj.pk for obj in instances if obj.pk]
        self.model.objects.filter(pk__in=moved).update(
            position=F("position") + POSITION_OFFSET
        )
        taken = set(
            self.model.objects.filter(article=article)
            .exclude(pk__in=moved)
            .values_list("position", flat=True)
        ) | {obj.position for obj in instances if obj.position}
        next_position = max(taken, default=0) + 1
        for obj in instances:
            if not obj.position:
                obj.position = next_position
                next_position += 1
            obj.save()
        formset.save_m2m()


class SectionInline(PositionedInlineMixin, admin.StackedInline):
    model = Section
    fields = ["position", "heading", "body"]


class ClaimInline(PositionedInlineMixin, admin.StackedInline):
    model = Claim
    fields = [
        "position",
        "statement",
        ("claimant", "claimant_is_organization"),
        ("claimed_on", "appearance"),
        "appearance_url",
        "rating",
        "explanation",
    ]


class CitationInline(PositionedInlineMixin, admin.TabularInline):
    model = Citation
    fields = ["position", "source", "pinpoint", "note"]
    autocomplete_fields = ["source"]


class RelatedQuestionInline(PositionedInlineMixin, admin.TabularInline):
    model = RelatedQuestion
    fk_name = "article"
    fields = ["position", "question", "answer"]
    autocomplete_fields = ["answer"]
