"""Forms readers fill in: search filters, and asking us to check a claim."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from articles.factchecks.models import Topic
from articles.factchecks.ratings import Rating

from . import asking
from .models import ReaderQuestion
from .search import clean_query


class ListedChoices(forms.models.ModelChoiceIterator):
    """
    Choices read with one plain query. The default reads them through
    iterator(), which on PostgreSQL is a server-side cursor: three round
    trips (declare, fetch, close) for a dozen topics on every search page.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class TopicField(forms.ModelChoiceField):
    iterator = ListedChoices


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Question or keywords"), required=False)
    topic = TopicField(
        label=_("Topic"),
        queryset=Topic.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("Any topic"),
    )
    rating = forms.ChoiceField(
        label=_("Rating"),
        choices=[("", _("Any rating")), *Rating.choices],
        required=False,
    )
    since = forms.DateField(
        label=_("Published from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read when the form is made: which topics are public depends on now.
        self.fields["topic"].queryset = Topic.objects.public()

    def clean_q(self):
        return clean_query(self.cleaned_data["q"])

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def filters(self) -> dict:
        """The filters chosen, as `articles.readers.search.narrowed()` takes them."""
        return {
            name: self.cleaned_data[name]
            for name in ("topic", "rating", "since", "until")
        }

    def has_filters(self) -> bool:
        return any(self.filters().values())


class AskForm(forms.ModelForm):
    """
    A reader's claim to check. `website` is a honeypot: hidden from people
    (and labelled so for screen readers), filled by bots.
    """

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = ReaderQuestion
        fields = ["claim", "seen_at", "email", "consent"]
        widgets = {
            "claim": forms.Textarea(attrs={"rows": 4}),
            "seen_at": forms.TextInput(),
        }

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise ValidationError(
                _("This form looks automated. Leave the last field empty.")
            )
        return ""

    def clean_claim(self):
        claim = " ".join(self.cleaned_data["claim"].split())
        if len(claim) < asking.MIN_CLAIM_LENGTH:
            raise ValidationError(
                _("Tell us the claim in a few more words, at least %(n)s characters.")
                % {"n": asking.MIN_CLAIM_LENGTH}
            )
        if asking.recent_duplicate(claim):
            raise ValidationError(
                _(
                    "We have already received this claim recently, thank you: it is "
                    "in our queue."
                )
            )
        return claim

    def clean(self):
        data = super().clean()
        email, consent = data.get("email"), data.get("consent")
        if email and not consent:
            self.add_error(
                "consent",
                _(
                    "Tick the box to let us keep your email until we answer, or leave the email empty."
                ),
            )
        if consent and not email and "email" not in self.errors:
            self.add_error("email", _("Give the email we should write to."))
        return data
