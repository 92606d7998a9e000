"""
The article's parts on its change form: sections, claims, citations and
related questions, each kept in order by a position editors may rewrite in
one save (swapping two is fine; a duplicate is a form error).

A long article has hundreds of rows, so the rows' links (a citation's
source, a question's answer) are loaded once for the whole formset, not
once per row: when the form is shown (the inline's queryset joins them) and
when it is posted (one query for every posted id).
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from articles.factchecks import render_limits as limits
from articles.factchecks.shape import PART_BY_NAME
from articles.newsroom.writing_warnings import strip_heading_number

from ..models import POSITION_OFFSET


class KnownAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that labels its chosen object from `known`, not a query."""

    known: dict = {}

    def optgroups(self, name, value, attr=None):
        chosen = {
            str(v) for v in value if str(v) not in self.choices.field.empty_values
        }
        if not chosen <= self.known.keys():
            return super().optgroups(name, value, attr)
        options = (
            [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        )
        for key in sorted(chosen):
            label = self.choices.field.label_from_instance(self.known[key])
            options.append(self.create_option(name, key, label, chosen, len(options)))
        return [(None, options, 0)]


class KnownModelChoiceField(forms.ModelChoiceField):
    """A choice of object that looks in `known` (loaded for all rows) first."""

    known: dict = {}

    def to_python(self, value):
        if value not in self.empty_values and str(value) in self.known:
            return self.known[str(value)]
        return super().to_python(value)


class PartFormSet(forms.BaseInlineFormSet):
    """Loads the objects every posted row links to in one query per link."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.known = {}
        if not self.is_bound:
            return
        for name, field in self.form.base_fields.items():
            if not isinstance(field, KnownModelChoiceField):
                continue
            ids = {
                self.data.get(f"{self.add_prefix(i)}-{name}")
                for i in range(min(self.total_form_count(), self.absolute_max))
            }
            ids = {value for value in ids if value and value.isdigit()}
            objects = field.queryset.in_bulk(ids) if ids else {}
            self.known[name] = {str(pk): obj for pk, obj in objects.items()}

    def clean(self):
        super().clean()
        part = getattr(self.form, "part", None)
        for name in part.one_per_article if part else ():
            ticked = [
                form
                for form in self.forms
                if not self._should_delete_form(form)
                and getattr(form, "cleaned_data", {}).get(name)
            ]
            if len(ticked) > 1:
                numbers = ", ".join(
                    str(form.cleaned_data.get("position") or _("new"))
                    for form in ticked
                )
                raise ValidationError(
                    _(
                        "Tick “%(field)s” on one %(noun)s only: %(count)s are "
                        "ticked (%(numbers)s)."
                    )
                    % {
                        "field": part.label(name).lower(),
                        "noun": part.model._meta.verbose_name,
                        "count": len(ticked),
                        "numbers": numbers,
                    }
                )

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "known": self.known}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # Each row's id is checked against the rows loaded once for the
        # formset, where Django's own field would ask the database per row.
        pk = form.fields.get(self.model._meta.pk.name)
        if isinstance(pk, forms.ModelChoiceField) and index is not None:
            known = KnownModelChoiceField(
                pk.queryset, initial=pk.initial, required=False, widget=pk.widget
            )
            if not hasattr(self, "_rows_by_pk"):
                self._rows_by_pk = {str(row.pk): row for row in self.get_queryset()}
            known.known = self._rows_by_pk
            form.fields[self.model._meta.pk.name] = known
        if isinstance(form, PositionedForm):
            form.label_inputs()  # The "delete" box is added here.


class PositionedForm(forms.ModelForm):
    """A row of a part; `part` (its declaration) is set by `PositionedInlineMixin`."""

    part = None
    position = forms.IntegerField(
        label=_("position"),
        min_value=1,
        required=False,
        help_text=_("Leave empty to add at the end."),
    )

    def __init__(self, *args, known=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if not isinstance(field, KnownModelChoiceField):
                continue
            field.known = (known or {}).get(name) or {}
            related = getattr(self.instance, name, None) if self.instance.pk else None
            if related is not None:
                field.known = {**field.known, str(related.pk): related}
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, KnownAutocompleteSelect):
                widget.known = field.known
        self.label_inputs()

    def label_inputs(self):
        """
        Name each input after its row ("Citation 3: pinpoint"): a table's
        column headings are no label for a screen reader.
        """
        number = self.initial.get("position") or self.instance.position
        noun = capfirst(self._meta.model._meta.verbose_name)
        for field in self.fields.values():
            widget = getattr(field.widget, "widget", field.widget)
            if widget.is_hidden:
                continue
            row = f"{noun} {number}" if number else f"{noun} ({_('new')})"
            widget.attrs.setdefault("aria-label", f"{row}: {capfirst(field.label)}")

    def clean(self):
        cleaned = super().clean()
        for name in self.part.markdown if self.part else ():
            if name in cleaned:
                try:
                    limits.validate_text(cleaned[name])
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def _get_validation_exclusions(self):
        # The field checked that a chosen object exists, from the objects the
        # formset loaded; the model's own check would ask again, per row.
        return super()._get_validation_exclusions() | {
            name
            for name, field in self.fields.items()
            if isinstance(field, KnownModelChoiceField)
        }

    def validate_constraints(self):
        if self.instance.pk and not self.has_changed():
            # Saved as it is: its constraints held when it was saved, and
            # checking each again costs a query per row of a long article.
            return
        # The formset checks positions across all rows instead (duplicates
        # are an error there), so that two rows can swap numbers in one save.
        # So does it for the fields only one row may tick, so that the tick
        # can move from one row to another in one save.
        exclude = self._get_validation_exclusions() | {"position"}
        exclude |= set(self.part.one_per_article if self.part else ())
        try:
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)


class PositionedInlineMixin:
    """An inline of positioned parts: ordered, none extra, renumbered on save."""

    part = None  # Its declaration, in `shape.PARTS`.
    extra = 0
    ordering = ["position"]
    form = PositionedForm
    formset = PartFormSet
    # Links loaded with the rows (see the module's docstring).
    select_related = ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return (
            queryset.select_related(*self.select_related)
            if self.select_related
            else queryset
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = KnownAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
            kwargs["form_class"] = KnownModelChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

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
        # Rows untick first, so that a tick moves without two rows holding it.
        ticks = self.part.one_per_article
        for obj in sorted(instances, key=lambda o: any(getattr(o, n) for n in ticks)):
            obj.save()
        formset.save_m2m()


class SectionForm(PositionedForm):
    def clean_heading(self):
        # Pasted headings keep their number ("1. The tally"), and the page
        # numbers sections itself.
        return strip_heading_number(self.cleaned_data["heading"])


def part_inline(part, *, form=PositionedForm, **options):
    """The inline of `part`, laid out as its declaration says (`shape.PARTS`)."""
    base = admin.TabularInline if part.tabular else admin.StackedInline
    attrs = {
        "model": part.model,
        "part": part,
        "form": type(form.__name__, (form,), {"part": part}),
        "fields": ["position", *part.layout],
        **options,
    }
    name = f"{part.model.__name__}Inline"
    return type(name, (PositionedInlineMixin, base), {"__module__": __name__, **attrs})


SectionInline = part_inline(PART_BY_NAME["sections"], form=SectionForm)
ClaimInline = part_inline(PART_BY_NAME["claims"])
CitationInline = part_inline(
    PART_BY_NAME["citations"],
    autocomplete_fields=["source"],
    select_related=["source"],
)
RelatedQuestionInline = part_inline(
    PART_BY_NAME["related_questions"],
    fk_name="article",
    autocomplete_fields=["answer"],
    select_related=["answer"],
)
