from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, F, OuterRef, ProtectedError, Subquery
from django.db.models.functions import Cast, Now
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.errors import RevertError
from reversion.models import Version

from factually.admin import VersionAdmin

from . import diffs, publishing
from .models import (
    Article,
    ArticleChild,
    Author,
    Citation,
    Claim,
    Publication,
    RelatedQuestion,
    Section,
    Topic,
)
from .views import preview_url

# Children are moved this far out of the way while positions are rewritten,
# so that swapping two positions never trips the unique constraint.
POSITION_OFFSET = 1_000_000


@admin.register(Topic)
class TopicAdmin(VersionAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(VersionAdmin):
    list_display = ["name", "role", "slug"]
    search_fields = ["name", "role"]
    prepopulated_fields = {"slug": ["name"]}


class PositionedForm(forms.ModelForm):
    position = forms.IntegerField(
        label=gettext_lazy("position"),
        min_value=1,
        required=False,
        help_text=gettext_lazy("Leave empty to add at the end."),
    )

    def validate_constraints(self):
        # The formset checks positions across all rows instead (duplicates
        # are an error there), so that two rows can swap numbers in one save.
        exclude = self._get_validation_exclusions() | {"position"}
        try:
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)


class PositionedInline(admin.StackedInline):
    extra = 0
    ordering = ["position"]
    form = PositionedForm


class SectionInline(PositionedInline):
    model = Section
    fields = ["position", "heading", "body"]


class ClaimInline(PositionedInline):
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


class CitationInline(PositionedInline, admin.TabularInline):
    template = "admin/edit_inline/tabular.html"
    model = Citation
    fields = ["position", "source", "pinpoint", "note"]
    autocomplete_fields = ["source"]


class RelatedQuestionInline(PositionedInline, admin.TabularInline):
    template = "admin/edit_inline/tabular.html"
    model = RelatedQuestion
    fk_name = "article"
    fields = ["position", "question", "answer"]
    autocomplete_fields = ["answer"]


def edit_token(article):
    """What the editor's form was loaded from: the last save and revision."""
    version = Version.objects.get_for_object(article).only("pk").first()
    return f"{article.updated_at.isoformat()}|{version.pk if version else ''}"


class ArticleAdminForm(forms.ModelForm):
    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)
    # Offered only after a conflict, in the "what changed" box.
    overwrite = forms.BooleanField(
        required=False,
        label=gettext_lazy("Save my version anyway, replacing their changes"),
    )

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
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stale = None
        if self.instance.pk:
            self.fields["edit_token"].initial = edit_token(self.instance)

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        # Lock the row so that two saves cannot both pass this check.
        current = Article.objects.select_for_update().get(pk=self.instance.pk)
        loaded = self.cleaned_data.get("edit_token") or ""
        if loaded.split("|")[0] == current.updated_at.isoformat():
            return cleaned
        if self.cleaned_data.get("overwrite"):
            # A knowing choice; the other save stays in the history.
            return cleaned
        latest = (
            Version.objects.get_for_object(current)
            .select_related("revision__user")
            .first()
        )
        loaded_at, _sep, loaded_version = loaded.partition("|")
        versions = Version.objects.get_for_object(current)
        base = (
            versions.filter(pk=loaded_version).first()
            if loaded_version.isdigit()
            else None
        ) or versions.filter(revision__date_created__lte=loaded_at or None).first()
        self.stale = {
            "user": latest.revision.user if latest else None,
            "when": current.updated_at,
            "changes": diffs.compare(
                diffs.revision_data(base.revision) if base else {},
                publishing.draft_data(current),
            ),
        }
        who = self.stale["user"] or _("someone else")
        raise ValidationError(
            _(
                "Changed by %(who)s at %(when)s while you were editing; your "
                "changes were not saved. What they changed is shown above your "
                "form. Open the article again to build on their version, or "
                "tick “Save my version anyway” to replace it."
            )
            % {
                "who": who,
                "when": date_format(
                    timezone.localtime(current.updated_at), "F j, Y, H:i"
                ),
            }
        )


class StatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("draft", _("Draft, never published")),
            ("live", _("Published")),
            ("changed", _("Has unpublished changes")),
            ("scheduled", _("Scheduled")),
            ("withdrawn", _("Withdrawn")),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "draft":
                return queryset.filter(latest_version__isnull=True)
            case "live":
                return queryset.filter(live_version__isnull=False).exclude(
                    live_kind=Publication.Kind.WITHDRAWAL
                )
            case "changed":
                return queryset.filter(latest_version__isnull=False).exclude(
                    draft_digest=F("latest_digest")
                )
            case "scheduled":
                return queryset.filter(scheduled_version__isnull=False)
            case "withdrawn":
                return queryset.filter(live_kind=Publication.Kind.WITHDRAWAL)
        return queryset


class PublishForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of change"))
    note = forms.CharField(
        label=gettext_lazy("Public note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy(
            "Shown to readers in the update history, e.g. “Corrected the number "
            "of witnesses from 150 to 200.” Required except for a first "
            "publication or a typo fix."
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
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # The draft the editor reviewed: a save in between sends them back to review.
    digest = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, first, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [
            (value, label)
            for value, label in Publication.Kind.choices
            if value != Publication.Kind.WITHDRAWAL
            and (value == Publication.Kind.FIRST) == first
        ]
        self.fields["kind"].choices = kinds
        if first:
            self.fields["kind"].initial = Publication.Kind.FIRST

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if (
            kind not in (Publication.Kind.FIRST, Publication.Kind.TYPO)
            and not cleaned.get("note", "").strip()
        ):
            self.add_error(
                "note", _("Write a public note saying what changed and why.")
            )
        when = cleaned.get("published_at")
        if when and when < timezone.now() - timezone.timedelta(minutes=5):
            self.add_error("published_at", _("Choose a time from now on."))
        return cleaned


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Public note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy(
            "Left at the article’s address, saying why it was withdrawn."
        ),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


def latest_publication(field, **filters):
    return Subquery(
        Publication.objects.filter(article=OuterRef("pk"), **filters)
        .order_by("-version")
        .values(field)[:1]
    )


@admin.register(Article)
class ArticleAdmin(VersionAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    object_history_template = "admin/articles/article/history.html"
    inlines = [SectionInline, ClaimInline, CitationInline, RelatedQuestionInline]
    list_display = ["title", "status", "checked_on", "last_editor", "updated_at"]
    list_filter = [StatusFilter, "topics", "authors", "no_donation_ask"]
    search_fields = ["title", "summary"]
    date_hierarchy = "updated_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["topics", "authors"]
    actions = ["ask_for_donations", "stop_asking_for_donations", "mark_checked_today"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "checked_on"]}),
        (
            gettext_lazy("About"),
            {"fields": ["topics", "authors", "sources_note", "no_donation_ask"]},
        ),
        (None, {"fields": ["edit_token"]}),
    ]

    def get_queryset(self, request):
        content_type = ContentType.objects.get_for_model(Article)
        last_editor = (
            Version.objects.filter(
                content_type=content_type,
                object_id=Cast(OuterRef("pk"), output_field=CharField()),
            )
            .order_by("-pk")
            .values("revision__user__username")[:1]
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                latest_version=latest_publication("version"),
                latest_digest=latest_publication("draft_digest"),
                live_version=latest_publication("version", published_at__lte=Now()),
                live_kind=latest_publication("kind", published_at__lte=Now()),
                scheduled_version=latest_publication("version", published_at__gt=Now()),
                scheduled_at=latest_publication("published_at", published_at__gt=Now()),
                last_editor_name=Subquery(last_editor),
            )
        )

    # List columns.

    @admin.display(description=gettext_lazy("status"), ordering="live_version")
    def status(self, article):
        return status_text(
            live_version=article.live_version,
            live_kind=article.live_kind,
            scheduled_version=article.scheduled_version,
            scheduled_at=article.scheduled_at,
            changed=article.latest_version is not None
            and article.draft_digest != article.latest_digest,
        )

    @admin.display(description=gettext_lazy("last edited by"))
    def last_editor(self, article):
        return article.last_editor_name or "—"

    # Saving.

    def save_formset(self, request, form, formset, change):
        if not issubclass(formset.model, ArticleChild):
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        moved = [obj.pk for obj in instances if obj.pk]
        formset.model.objects.filter(pk__in=moved).update(
            position=F("position") + POSITION_OFFSET
        )
        taken = set(
            formset.model.objects.filter(article=form.instance)
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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        publishing.refresh_draft_digest(form.instance)

    # Bulk actions: each article is saved on its own, in its own revision.

    def changelist_view(self, request, extra_context=None):
        # VersionAdmin wraps the whole list view in one revision; actions
        # here make one revision per article instead.
        return admin.ModelAdmin.changelist_view(self, request, extra_context)

    def _save_each(self, request, queryset, comment, **changes):
        count = 0
        for article in queryset:
            with self.create_revision(request):
                for name, value in changes.items():
                    setattr(article, name, value)
                article.save(update_fields=[*changes, "updated_at"])
                publishing.refresh_draft_digest(article)
                self.log_change(request, article, comment)
            count += 1
        self.message_user(
            request,
            _("%(count)s fact checks updated: %(comment)s")
            % {"count": count, "comment": comment},
            messages.SUCCESS,
        )

    @admin.action(
        description=gettext_lazy("Show the donation banner"), permissions=["change"]
    )
    def ask_for_donations(self, request, queryset):
        self._save_each(
            request, queryset, _("Donation banner shown."), no_donation_ask=False
        )

    @admin.action(
        description=gettext_lazy("Hide the donation banner"), permissions=["change"]
    )
    def stop_asking_for_donations(self, request, queryset):
        self._save_each(
            request, queryset, _("Donation banner hidden."), no_donation_ask=True
        )

    @admin.action(
        description=gettext_lazy("Set “checked on” to today"), permissions=["change"]
    )
    def mark_checked_today(self, request, queryset):
        self._save_each(
            request,
            queryset,
            _("Checked-on date set to today."),
            checked_on=timezone.localdate(),
        )

    def delete_model(self, request, obj):
        self.delete_queryset(request, Article.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        # Record each article as it stands, with its children, before it
        # goes, so that "Recover deleted fact checks" can bring it back.
        for article in queryset:
            with self.create_revision(request):
                article.save(update_fields=["updated_at"])
                self.log_change(request, article, _("Deleted."))
            article.delete()

    # Publishing and history views.

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/publish/",
                view(self.publish_view),
                name=f"{prefix}_publish",
            ),
            path(
                "<path:object_id>/withdraw/",
                view(self.withdraw_view),
                name=f"{prefix}_withdraw",
            ),
            path(
                "<path:object_id>/cancel-scheduled/",
                view(self.cancel_scheduled_view),
                name=f"{prefix}_cancel_scheduled",
            ),
            path(
                "<path:object_id>/compare/",
                view(self.compare_view),
                name=f"{prefix}_compare",
            ),
            path(
                "<path:object_id>/preview/",
                view(self.preview_view),
                name=f"{prefix}_preview",
            ),
            *super().get_urls(),
        ]

    def get_article(self, request, object_id, permission=None):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404(_("No fact check with that id."))
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        if permission and not request.user.has_perm(f"articles.{permission}"):
            raise PermissionDenied
        return article

    def context(self, request, article, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "article": article,
            "has_view_permission": self.has_view_permission(request, article),
            "has_change_permission": self.has_change_permission(request, article),
            **extra,
        }

    def publish_view(self, request, object_id):
        article = self.get_article(request, object_id, permission="publish_article")
        latest = article.publications.order_by("-version").first()
        form = PublishForm(request.POST or None, first=latest is None)
        preview, problems = publishing.preview(article)
        live = Publication.objects.live().filter(article=article).first()
        changes = diffs.compare(
            live.content.get("draft", {}) if live else {},
            publishing.draft_data(article),
        )
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
                    )
                except ValidationError as error:
                    # Back to the first step: review again before confirming.
                    data = request.POST.copy()
                    data["confirm"] = data["digest"] = ""
                    form = PublishForm(data, first=latest is None)
                    form.is_valid()
                    for message in error.messages:
                        form.add_error(None, message)
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
                    self.message_user(
                        request,
                        published_message(publication),
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:articles_article_change", args=[article.pk])
                    )
            else:
                # Valid: ask once more, showing exactly what readers will get.
                data = request.POST.copy()
                data["confirm"] = "True"
                data["digest"] = publishing.draft_digest(article)
                form = PublishForm(data, first=latest is None)
                form.is_valid()
                return TemplateResponse(
                    request,
                    "admin/articles/article/publish.html",
                    self.context(
                        request,
                        article,
                        title=_("Confirm publication"),
                        form=form,
                        confirming=True,
                        preview=preview,
                        kind_label=dict(Publication.Kind.choices)[
                            form.cleaned_data["kind"]
                        ],
                        when=form.cleaned_data["published_at"],
                        changes=changes,
                        live=live,
                    ),
                )
        return TemplateResponse(
            request,
            "admin/articles/article/publish.html",
            self.context(
                request,
                article,
                title=_("Publish an update") if latest else _("Publish"),
                form=form,
                problems=problems,
                preview=preview,
                changes=changes,
                live=live,
                latest=latest,
            ),
        )

    def withdraw_view(self, request, object_id):
        article = self.get_article(request, object_id, permission="withdraw_article")
        live = Publication.objects.live().filter(article=article).first()
        if live is None:
            self.message_user(
                request, _("This fact check is not on the site."), messages.ERROR
            )
            return HttpResponseRedirect(
                reverse("admin:articles_article_change", args=[article.pk])
            )
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
                    for message in error.messages:
                        form.add_error(None, message)
                else:
                    self.log_change(request, article, _("Withdrawn."))
                    self.message_user(
                        request,
                        _(
                            "Withdrawn. Its address now answers “410 Gone” with your note."
                        ),
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:articles_article_change", args=[article.pk])
                    )
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
                confirming=confirming,
                live=live,
            ),
        )

    def cancel_scheduled_view(self, request, object_id):
        article = self.get_article(request, object_id, permission="publish_article")
        if request.method != "POST":
            raise PermissionDenied
        latest = article.publications.order_by("-version").first()
        if latest is None or not latest.is_scheduled():
            self.message_user(request, _("Nothing is scheduled."), messages.ERROR)
        else:
            # A scheduled version has never been seen by readers, so removing
            # it hides nothing from the public record.
            with transaction.atomic():
                Publication.objects.filter(pk=latest.pk).delete()
                self.log_change(
                    request,
                    article,
                    _("Cancelled scheduled version %(version)s.")
                    % {"version": latest.version},
                )
            self.message_user(
                request,
                _("Scheduled version %(version)s cancelled.")
                % {"version": latest.version},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse("admin:articles_article_change", args=[article.pk])
        )

    def state_data(self, article, key):
        if key == "draft":
            return publishing.draft_data(article), _("Current draft")
        if key == "live":
            live = Publication.objects.live().filter(article=article).first()
            if live is None:
                return {}, _("Nothing published")
            return live.content.get("draft", {}), _("Live version %(version)s") % {
                "version": live.version
            }
        version = (
            Version.objects.get_for_object(article)
            .select_related("revision__user")
            .filter(pk=key if str(key).isdigit() else None)
            .first()
        )
        if version is None:
            raise Http404(_("No such revision of this fact check."))
        return diffs.revision_data(version.revision), revision_label(version.revision)

    def compare_view(self, request, object_id):
        article = self.get_article(request, object_id)
        old_key = request.GET.get("from", "live")
        new_key = request.GET.get("to", "draft")
        old, old_label = self.state_data(article, old_key)
        new, new_label = self.state_data(article, new_key)
        return TemplateResponse(
            request,
            "admin/articles/article/compare.html",
            self.context(
                request,
                article,
                title=_("What changed"),
                comparison=diffs.compare(old, new),
                old_label=old_label,
                new_label=new_label,
            ),
        )

    def preview_view(self, request, object_id):
        article = self.get_article(request, object_id)
        link = None
        if request.method == "POST":
            link = request.build_absolute_uri(preview_url(article))
        publication, problems = publishing.preview(article)
        return TemplateResponse(
            request,
            "admin/articles/article/preview_link.html",
            self.context(
                request,
                article,
                title=_("Preview and share"),
                link=link,
                problems=problems,
                staff_preview_url=preview_url(article, staff=True),
            ),
        )

    def history_view(self, request, object_id, extra_context=None):
        article = self.get_article(request, object_id)
        versions = list(
            Version.objects.get_for_object(article).select_related("revision__user")
        )
        publications = list(article.publications.select_related("published_by"))
        events = sorted(
            [
                {"kind": "revision", "when": v.revision.date_created, "version": v}
                for v in versions
            ]
            + [
                {"kind": "publication", "when": p.created_at, "publication": p}
                for p in publications
            ],
            key=lambda event: event["when"],
            reverse=True,
        )
        return TemplateResponse(
            request,
            self.object_history_template,
            self.context(
                request,
                article,
                title=_("History: %(title)s") % {"title": article.title},
                events=events,
                can_revert=request.user.has_perm("articles.revert_article")
                and self.has_change_permission(request, article),
                default_from=versions[1].pk if len(versions) > 1 else None,
            ),
        )

    # Reverting and recovering, checked against this model: reversion's own
    # views look a version up by id alone, so a version of any other
    # registered model could be posted here and reverted.

    def _article_version(self, **lookups):
        return get_object_or_404(
            Version.objects.select_related("revision__user"),
            content_type=ContentType.objects.get_for_model(Article),
            **lookups,
        )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        article = self.get_article(request, object_id, permission="revert_article")
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        version = self._article_version(pk=version_id, object_id=str(article.pk))
        if request.method == "POST":
            try:
                revert(
                    article=article,
                    revision=version.revision,
                    request=request,
                    admin=self,
                )
            except REVERT_ERRORS as error:
                self.message_user(request, revert_failure(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _(
                        "Restored the draft as it was on %(when)s. Readers see no "
                        "change until you publish."
                    )
                    % {"when": revision_label(version.revision)},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(
                reverse("admin:articles_article_change", args=[article.pk])
            )
        return TemplateResponse(
            request,
            "admin/articles/article/revert.html",
            self.context(
                request,
                article,
                title=_("Revert to an earlier revision"),
                version=version,
                label=revision_label(version.revision),
                comparison=diffs.compare(
                    publishing.draft_data(article),
                    diffs.revision_data(version.revision),
                ),
            ),
        )

    def recoverlist_view(self, request, extra_context=None):
        if not request.user.has_perm("articles.revert_article"):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not (
            self.has_add_permission(request)
            and request.user.has_perm("articles.revert_article")
        ):
            raise PermissionDenied
        version = get_object_or_404(
            Version.objects.get_deleted(Article).select_related("revision__user"),
            pk=version_id,
        )
        if request.method == "POST":
            try:
                with transaction.atomic(), self.create_revision(request):
                    version.revision.revert(delete=True)
                    article = Article.objects.get(pk=version.object_id)
                    publishing.refresh_draft_digest(article)
                    self.log_change(request, article, _("Recovered after deletion."))
            except REVERT_ERRORS as error:
                self.message_user(request, revert_failure(error), messages.ERROR)
                return HttpResponseRedirect(
                    reverse("admin:articles_article_recoverlist")
                )
            self.message_user(
                request,
                _("Recovered, with its sections, claims and citations."),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(
                reverse("admin:articles_article_change", args=[article.pk])
            )
        return TemplateResponse(
            request,
            "admin/articles/article/recover.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Recover “%(title)s”") % {"title": version.object_repr},
                "version": version,
                "data": diffs.revision_data(version.revision),
            },
        )

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if obj is not None:
            latest = obj.publications.order_by("-version").first()
            current = Publication.objects.current().filter(article=obj).first()
            scheduled = latest if latest and latest.is_scheduled() else None
            # Exact, unlike the list's stored digest: sources may have changed.
            changed = (
                latest is not None
                and publishing.draft_digest(obj) != latest.draft_digest
            )
            context.update(
                latest_publication=latest,
                live_publication=current
                if current and not current.is_withdrawn()
                else None,
                scheduled_publication=scheduled,
                has_unpublished_changes=changed,
                status_text=status_text(
                    live_version=current and current.version,
                    live_kind=current and current.kind,
                    scheduled_version=scheduled and scheduled.version,
                    scheduled_at=scheduled and scheduled.published_at,
                    changed=changed,
                ),
                can_publish=request.user.has_perm("articles.publish_article"),
                can_withdraw=request.user.has_perm("articles.withdraw_article"),
                stale=getattr(context.get("adminform").form, "stale", None),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)


def revert(*, article, revision, request, admin):
    """Restore the draft and its children exactly as in `revision`."""
    with transaction.atomic(), admin.create_revision(request):
        for model in (Section, Claim, Citation, RelatedQuestion):
            model.objects.filter(article=article).update(
                position=F("position") + POSITION_OFFSET
            )
        revision.revert(delete=True)
        article.refresh_from_db()
        article.save()
        publishing.refresh_draft_digest(article)
        admin.log_change(
            request,
            article,
            _("Reverted to the revision of %(when)s.")
            % {"when": revision_label(revision)},
        )


# What can stop an old revision being restored: its slug taken since, a
# source it cites deleted, a child that no longer fits.
REVERT_ERRORS = (RevertError, IntegrityError, ProtectedError, Article.DoesNotExist)


def revert_failure(error):
    return _(
        "Nothing was changed: that revision cannot be restored as it stands "
        "(%(reason)s). Its slug may now belong to another fact check, or a "
        "source it cites may have been deleted."
    ) % {"reason": error}


def revision_label(revision):
    when = date_format(timezone.localtime(revision.date_created), "F j, Y, H:i")
    if revision.user:
        return _("%(when)s by %(user)s") % {"when": when, "user": revision.user}
    return when


def status_text(*, live_version, live_kind, scheduled_version, scheduled_at, changed):
    """The article's public state in a few words, e.g. “Published v2 · v3 scheduled …”."""
    parts = []
    if live_version is None:
        parts.append(_("Draft"))
    elif live_kind == Publication.Kind.WITHDRAWAL:
        parts.append(_("Withdrawn"))
    else:
        parts.append(_("Published v%(version)s") % {"version": live_version})
    if scheduled_version is not None:
        parts.append(
            _("v%(version)s scheduled for %(when)s")
            % {
                "version": scheduled_version,
                "when": date_format(timezone.localtime(scheduled_at), "M j, Y H:i"),
            }
        )
    if changed:
        parts.append(_("unpublished changes"))
    return " · ".join(parts)


def published_message(publication):
    if publication.is_scheduled():
        return _("Version %(version)s is scheduled for %(when)s.") % {
            "version": publication.version,
            "when": date_format(
                timezone.localtime(publication.published_at), "F j, Y, H:i"
            ),
        }
    return format_html(
        _('Published version {} — <a href="{}">see it as readers do</a>.'),
        publication.version,
        publication.get_absolute_url(),
    )


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    """The public record, read-only: publications are never edited."""

    list_display = ["title", "version", "kind", "published_at", "published_by"]
    list_filter = ["kind"]
    search_fields = ["title", "note"]
    date_hierarchy = "published_at"
    list_select_related = ["published_by"]
    fields = [
        "article",
        "version",
        "kind",
        "note",
        "published_at",
        "published_by",
        "slug",
        "title",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
