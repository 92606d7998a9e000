"""
The forms of the article admin: the change form (with the edit-conflict
check every change form has), and the publish and withdraw forms.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.models import Version

from articles.factchecks import diffs
from articles.factchecks import render_limits as limits
from articles.factchecks.shape import ARTICLE_MARKDOWN, PARTS, Draft, load
from factually import text as normalised
from factually.edit_conflicts import EditConflictForm

from ..models import Article, Publication

# An inline row's Markdown text in the posted change form, and the row.
POSTED_TEXT = re.compile(
    "|".join(
        rf"({part.name}-\d+)-(?:{'|'.join(part.markdown)})"
        for part in PARTS
        if part.markdown
    )
)


class ArticleAdminForm(EditConflictForm):
    """
    The change form, with the edit-conflict check every change form has
    (`factually.edit_conflicts.EditConflictForm`): its token also covers the parts
    (through the draft's digest), and a conflict shows what they changed
    since the revision the form was opened on, word by word.
    """

    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "summary",
            "checked_on",
            "topics",
            "authors",
            "sources_note",
            "no_donation_ask",
            "assigned_writer",
            "assigned_reviewer",
            "due_on",
        ]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"})}

    def posted_texts(self):
        """The Markdown texts of the posted form and its inlines, deleted rows left out."""
        texts = [self.data.get(name, "") for name in ARTICLE_MARKDOWN]
        for key in self.data:
            if (row := POSTED_TEXT.fullmatch(key)) and not self.data.get(
                f"{row.group(row.lastindex)}-DELETE"
            ):
                texts.append(self.data.get(key, ""))
        return texts

    def clean(self):
        for name in ARTICLE_MARKDOWN:
            if name in self.cleaned_data:
                try:
                    limits.validate_text(self.cleaned_data[name])
                except ValidationError as error:
                    self.add_error(name, error)
        for problem in limits.article_problems(self.posted_texts()):
            self.add_error(None, problem)
        return super().clean()

    def extra_state(self):
        # Sections, claims, citations and related questions are saved by
        # the inlines; the draft's digest changes whenever any of them does.
        return {"parts": self.instance.draft_digest}

    def conflict_comparison(self, marker):
        versions = Version.objects.get_for_object(self.instance)
        base = versions.filter(pk=marker).first() if marker.isdigit() else None
        return diffs.compare(
            Draft.from_revision(base.revision).data() if base else {},
            load(Article.objects.get(pk=self.instance.pk)).data(),
        )


class PublishForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of change"))
    note = normalised.CharFormField(
        label=gettext_lazy("Public note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy(
            "Shown to readers in the update history, e.g. “Corrected the number "
            "of witnesses from 150 to 200.” Required except for a first "
            "publication, a typo fix or a change of details."
        ),
    )
    published_at = forms.DateTimeField(
        label=gettext_lazy("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=gettext_lazy(
            "Leave empty to publish now; a later time schedules it."
        ),
    )
    # Offered to editors only when the draft is not approved as it stands.
    override = forms.BooleanField(
        required=False, label=gettext_lazy("Publish without an approval")
    )
    override_reason = normalised.CharFormField(
        label=gettext_lazy("Why it cannot wait for a review"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Kept in the audit trail with this publication."),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # The draft the editor reviewed: a save in between sends them back to review.
    digest = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        first,
        kind_errors=None,
        approved=True,
        may_override=False,
        **kwargs,
    ):
        # kind_errors(kind) says why a kind would not tell the truth.
        self.kind_errors = kind_errors
        super().__init__(*args, **kwargs)
        self.approved = approved
        self.may_override = may_override
        if approved or not may_override:
            del self.fields["override"], self.fields["override_reason"]
        self.fields["kind"].choices = [
            (value, label)
            for value, label in Publication.Kind.choices
            if value != Publication.Kind.WITHDRAWAL
            and (value == Publication.Kind.FIRST) == first
        ]
        if first:
            self.fields["kind"].initial = Publication.Kind.FIRST

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if (
            kind not in Publication.UNNOTED_KINDS
            and not cleaned.get("note", "").strip()
        ):
            self.add_error(
                "note", _("Write a public note saying what changed and why.")
            )
        if kind and self.kind_errors:
            for error in self.kind_errors(kind):
                self.add_error("kind", error)
        when = cleaned.get("published_at")
        if when and when < timezone.now() - timezone.timedelta(minutes=5):
            self.add_error("published_at", _("Choose a time from now on."))
        if not self.approved:
            self.check_override(cleaned)
        return cleaned

    def check_override(self, cleaned):
        if not self.may_override:
            self.add_error(
                None,
                _(
                    "This draft is not approved as it stands: a reviewer must "
                    "approve it before it is published."
                ),
            )
        elif not cleaned.get("override"):
            self.add_error(
                "override",
                _(
                    "This draft is not approved as it stands. Tick to publish it "
                    "anyway, and say why."
                ),
            )
        elif not cleaned.get("override_reason", "").strip():
            self.add_error(
                "override_reason", _("Say why it is published without an approval.")
            )
        else:
            cleaned["override_reason"] = cleaned["override_reason"].strip()


class WithdrawForm(forms.Form):
    note = normalised.CharFormField(
        label=gettext_lazy("Public note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy(
            "Left at the article’s address, saying why it was withdrawn."
        ),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class RemoveVersionForm(forms.Form):
    note = normalised.CharFormField(
        label=gettext_lazy("Public note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy(
            "Left at the version’s address instead of its text, saying that it "
            "was removed for legal reasons."
        ),
    )
