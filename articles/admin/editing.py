"""
The article admin's editing aids: warnings next to the fields (from
`articles.newsroom.writing_warnings`), saving before publish/withdraw/preview so
no edit is dropped, the live preview beside the form, adding a source from
its URL without a pop-up, and "New fact check from text".

The live preview renders the posted, unsaved form: the form and its
inlines are validated as a save would (nothing is written) and turned into
a `Draft`, which `articles.factchecks.draft_previews.preview()` renders once per digest. So
the pane shows the text being typed, within the same rendering limits as
everything else.
"""

import reversion
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.factchecks import publishing
from articles.factchecks.shape import PARTS, Draft
from articles.newsroom import importing
from articles.newsroom.writing_warnings import warnings
from sources import metadata
from sources.models import Source, normalize_url, validate_web_url

from .base import ActionView, AdminPageView, admin_url
from .publishing import admin_form

PART_NAMES = {part.model: part.name for part in PARTS}
# Where the change form may go once it is saved: the views of the
# object-tools links, which would otherwise leave unsaved edits behind.
THEN_VIEWS = ("publish", "withdraw", "preview")


def draft_from_forms(form, formsets, *, ordered=False, with_related=True) -> Draft:
    """
    The draft as the forms hold it (posted or loaded), unsaved. In form
    order by default, so that warnings find their fields; `ordered` sorts
    the parts by position, new rows last, as saving would. Without
    `with_related`, topics and authors are left out (and not queried).
    """
    article = form.instance
    parts = {name: [] for name in PART_NAMES.values()}
    for formset in formsets:
        name = PART_NAMES.get(formset.model)
        if name is None:
            continue
        rows = []
        for row in formset.forms:
            cleaned = getattr(row, "cleaned_data", None) or {}
            if cleaned.get("DELETE") or (
                row.instance.pk is None and not row.has_changed()
            ):
                continue
            rows.append(row.instance)
        if ordered:
            taken = [r.position for r in rows if r.position]
            next_position = max(taken, default=0) + 1
            for row in rows:
                if not row.position:
                    row.position, next_position = next_position, next_position + 1
            rows.sort(key=lambda r: r.position)
        parts[name] = rows
    cleaned = getattr(form, "cleaned_data", None) or {}
    related = {}
    for name in ("topics", "authors"):
        if not with_related:
            related[name] = []
        elif name in cleaned:
            related[name] = list(cleaned[name])
        else:
            related[name] = list(getattr(article, name).all()) if article.pk else []
    return Draft(article=article, **parts, **related)


# What one import may hold, pasted or as a file: a long fact check is a
# tenth of it. Text over it is refused with the form still holding it.
IMPORT_MAX_BYTES = 1024 * 1024


class ImportForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("The fact check’s text"),
        required=False,
        widget=forms.Textarea(
            attrs={
                "rows": 20,
                "class": "import-text",
                "data-max-bytes": IMPORT_MAX_BYTES,
            }
        ),
        help_text=gettext_lazy(
            "Paste the whole page: title, “Checked on …”, summary, numbered "
            "sections, sources and “Want to dive deeper?”. Menus and banners "
            "around it are skipped. At most 1 MB (about 150,000 words)."
        ),
    )
    file = forms.FileField(
        label=gettext_lazy("Or a text file"),
        required=False,
        help_text=gettext_lazy("Plain text (UTF-8), at most 1 MB."),
    )

    def clean_text(self):
        text = self.cleaned_data["text"]
        size = len(text.encode())
        if size > IMPORT_MAX_BYTES:
            raise ValidationError(
                _(
                    "This text is %(size)s; at most 1 MB can be imported at once. "
                    "Nothing was created, and your text is still here: remove "
                    "what is not the fact check, or import it in parts."
                )
                % {"size": filesizeformat(size)}
            )
        return text

    def clean(self):
        cleaned = super().clean()
        if self.has_error("text"):
            return cleaned
        upload = cleaned.get("file")
        if upload:
            if upload.size > IMPORT_MAX_BYTES:
                raise ValidationError(_("The file is over 1 MB."))
            try:
                cleaned["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise ValidationError(_("The file is not UTF-8 text.")) from error
        if not cleaned.get("text", "").strip():
            raise ValidationError(
                _("Paste the text of a fact check, or choose a file.")
            )
        return cleaned


class SourceQuickForm(forms.ModelForm):
    """A new source from the change form: its address first, then its details."""

    class Meta:
        model = Source
        fields = [
            "url",
            "title",
            "publisher",
            "authors",
            "published_on",
            "date_precision",
            "kind",
            "archived_url",
        ]


def report_message(imported):
    return format_html(
        "{}<ul>{}</ul>",
        _("Imported from text:"),
        format_html_join("", "<li>{}</li>", ((line,) for line in imported.recognised)),
    )


def skipped_message(imported):
    return format_html(
        "{}<ul>{}</ul>",
        _("Skipped (not part of the fact check):"),
        format_html_join("", "<li>{}</li>", ((line,) for line in imported.skipped)),
    )


def then_redirect(model_admin, request, obj, response):
    """After a save, the view the editor asked for (`_then`), if it succeeded."""
    then = request.POST.get("_then")
    if then in THEN_VIEWS and isinstance(response, HttpResponseRedirect):
        return HttpResponseRedirect(admin_url(model_admin, then, obj.pk))
    return response


def change_form_context(request, context):
    """The change form's writing aids: warnings, the outline, the source panel."""
    form = context["adminform"].form
    formsets = [inline.formset for inline in context.get("inline_admin_formsets", [])]
    # Warnings read no topics or authors; the form has loaded the rest.
    draft = draft_from_forms(form, formsets, with_related=False)
    found = warnings(draft)
    by_field = {}
    for warning in found:
        by_field.setdefault(f"id_{warning.field}", []).append(warning.message)
    then = request.POST.get("_then") if request.method == "POST" else None
    return {
        "writing_warnings": found,
        "writing_warnings_by_field": by_field,
        "then_refused": then if then in THEN_VIEWS else None,
        "source_panel": request.user.has_perm("sources.add_source"),
        "source_kinds": Source.Kind.choices,
        "outline_sections": [
            section.heading or _("(no heading yet)") for section in draft.sections
        ],
    }


class LivePreviewView(ActionView):
    """The posted, unsaved form rendered as readers would see it."""

    name = "live_preview"
    route = "<path:object_id>/live-preview/"

    def bound_forms(self, request, article):
        """The change form and its inline formsets, bound to the posted data."""
        model_admin = self.model_admin
        form = model_admin.get_form(request, article, change=True)(
            request.POST, request.FILES, instance=article
        )
        formsets = [
            formset_class(
                **model_admin.get_formset_kwargs(
                    request, article, inline, formset_class.get_default_prefix()
                )
            )
            for formset_class, inline in model_admin.get_formsets_with_inlines(
                request, article
            )
        ]
        return form, formsets

    def post(self, request, object_id):
        article = self.get_object(request, object_id)
        with transaction.atomic():
            form, formsets = self.bound_forms(request, article)
            form.is_valid()
            for formset in formsets:
                formset.is_valid()
            draft = draft_from_forms(form, formsets, ordered=True)
            publication, problems = publishing.preview(draft)
            # Validating locks the article's row; nothing else was written.
            transaction.set_rollback(True)
        errors = [str(e) for e in form.non_field_errors()]
        response = TemplateResponse(
            request,
            "admin/articles/article/_live_preview.html",
            {
                "publication": publication,
                # Rendered by publishing.preview(), like a publication's page.
                "page_body": mark_safe(publication.page_body),
                "problems": problems,
                "form_errors": errors,
            },
        )
        response["Cache-Control"] = "private, no-store"
        return response


class SourceLookupView(ActionView):
    """A source's details read from its URL, to fill the panel's form."""

    name = "source_lookup"
    route = "source-lookup/"

    def post(self, request):
        if not request.user.has_perm("sources.add_source"):
            raise PermissionDenied
        url = request.POST.get("url", "").strip()
        try:
            validate_web_url(url)
        except ValidationError:
            return JsonResponse(
                {"error": _("Enter an http:// or https:// address.")}, status=400
            )
        existing = Source.objects.filter(url_key=normalize_url(url)).first()
        if existing:
            return JsonResponse(
                {
                    "duplicate": {"id": existing.pk, "text": str(existing)},
                    "message": _("Already a source: “%(title)s”. Cite it as it is.")
                    % {"title": existing.title},
                }
            )
        archive = f"https://web.archive.org/web/{url}"
        try:
            found = metadata.look_up(url)
        except metadata.FetchError as error:
            return JsonResponse(
                {
                    "fields": {"url": url, "archived_url": archive},
                    "error": _("%(reason)s Fill in the details by hand.")
                    % {"reason": error},
                }
            )
        fields = found.as_form_data()
        fields.update(
            archived_url=archive,
            kind=Source.Kind.ACADEMIC if found.doi else Source.Kind.PRIMARY,
        )
        return JsonResponse(
            {
                "fields": fields,
                "message": _(
                    "Read from the page: check the details, then add the source."
                ),
            }
        )


class SourceCreateView(ActionView):
    """A new source from the change form's panel, without a pop-up."""

    name = "source_create"
    route = "source-create/"

    def post(self, request):
        if not request.user.has_perm("sources.add_source"):
            raise PermissionDenied
        form = SourceQuickForm(request.POST)
        if not form.is_valid():
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        with transaction.atomic(), reversion.create_revision():
            source = form.save()
            reversion.set_user(request.user)
            reversion.set_comment(_("Added from a fact check’s form."))
        return JsonResponse({"id": source.pk, "text": str(source)}, status=201)


class ImportView(AdminPageView):
    """New fact check from text: a draft made from a pasted page or a file."""

    name = "import"
    route = "import/"

    # One method for both: the form is bound only when posted.
    def get(self, request):
        if not self.model_admin.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        imported = None
        if request.method == "POST" and form.is_valid():
            imported = importing.read(form.cleaned_data["text"])
            if imported.readable:
                article = importing.create_draft(imported, user=request.user)
                self.model_admin.log_addition(
                    request, article, _("Imported from text.")
                )
                self.message(request, report_message(imported), messages.SUCCESS)
                if imported.skipped:
                    self.message(request, skipped_message(imported), messages.INFO)
                return self.redirect_to(article)
        return TemplateResponse(
            request,
            "admin/articles/article/import.html",
            self.context(
                request,
                title=_("New fact check from text"),
                form=form,
                adminform=admin_form(form),
                imported=imported,
            ),
        )

    post = get
