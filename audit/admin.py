"""
The audit trail in the admin, read-only for everyone (superusers included),
each area shown only to the staff it concerns; and the user and group
admins, extended to record role changes.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.models import Version

from factually.admin import EditConflictMixin, ObjectAccessMixin, ReadOnlyMixin
from factually.edit_conflicts import EditConflictForm

from .models import AuditEntry, area_permission

User = get_user_model()


def admin_link(content_type, object_id, view="change", anchor=""):
    try:
        url = reverse(
            f"admin:{content_type.app_label}_{content_type.model}_{view}",
            args=[object_id],
        )
    except NoReverseMatch:
        return None
    return url + anchor


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyMixin, ObjectAccessMixin, admin.ModelAdmin):
    """The audit trail: append-only, whoever asks."""

    list_display = ["when", "who", "message", "object_link", "revision_link"]
    list_display_links = ["when"]
    list_filter = [
        "area",
        "action",
        ("content_type", admin.RelatedOnlyFieldListFilter),
        ("actor", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["message", "object_repr", "actor_name"]
    date_hierarchy = "created_at"
    list_select_related = ["content_type"]
    fields = [
        "created_at",
        "who",
        "area",
        "action",
        "message",
        "object_link",
        "revision_link",
        "details",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_view_permission(self, request, obj=None):
        areas = (
            [obj.area] if obj is not None else [area.value for area in AuditEntry.Area]
        )
        return any(request.user.has_perm(area_permission(area)) for area in areas)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    @admin.display(description=gettext_lazy("when"), ordering="created_at")
    def when(self, entry):
        return date_format(
            timezone.localtime(entry.created_at), "SHORT_DATETIME_FORMAT"
        )

    @admin.display(description=gettext_lazy("who"), ordering="actor_name")
    def who(self, entry):
        return entry.actor_name or _("the system")

    @admin.display(description=gettext_lazy("object"))
    def object_link(self, entry):
        if entry.content_type is None:
            return "—"
        url = admin_link(entry.content_type, entry.object_id)
        label = Truncator(entry.object_repr).chars(60)
        if url is None:
            return label
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=gettext_lazy("revision"))
    def revision_link(self, entry):
        if entry.revision_id is None or entry.content_type is None:
            return "—"
        url = admin_link(
            entry.content_type,
            entry.object_id,
            view="history",
            anchor=f"#revision-{entry.revision_id}",
        )
        label = _("Revision %(id)s") % {"id": entry.revision_id}
        if url is None:
            return label
        return format_html('<a href="{}">{}</a>', url, label)


def audit_later(request, **entry):
    """Queue an audit entry, to record once this save's revision exists."""
    request.__dict__.setdefault("_audit_queue", []).append(entry)


def record_queued(request):
    """Record the entries `audit_later()` queued, each linked to its revision."""
    for entry in request.__dict__.pop("_audit_queue", []):
        version = (
            Version.objects.get_for_object(entry["obj"])
            .select_related("revision")
            .first()
        )
        AuditEntry.objects.record(
            revision=version.revision if version else None, **entry
        )


class AuditAfterRevisionMixin:
    """
    For admins under django-reversion: entries queued during a save
    (`audit_later()`) are recorded once the save's revision exists, so that
    each links to it, in the same transaction as the save.
    """

    def audit_later(self, request, **entry):
        audit_later(request, **entry)

    # django-reversion saves the revision when add_view or change_view ends.

    def add_view(self, request, *args, **kwargs):
        with transaction.atomic():
            response = super().add_view(request, *args, **kwargs)
            record_queued(request)
        return response

    def change_view(self, request, *args, **kwargs):
        with transaction.atomic():
            response = super().change_view(request, *args, **kwargs)
            record_queued(request)
        return response


def _names(queryset):
    return sorted(str(item) for item in queryset)


admin.site.unregister(User)
admin.site.unregister(Group)


class AuditedUserChangeForm(EditConflictForm, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        pass


@admin.register(User)
class AuditedUserAdmin(ObjectAccessMixin, EditConflictMixin, UserAdmin):
    """Django's user admin, recording every change of a user's role."""

    form = AuditedUserChangeForm

    ROLE_FIELDS = ("is_staff", "is_superuser", "is_active")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = [name for name in self.ROLE_FIELDS if name in form.changed_data]
        if change and changed:
            AuditEntry.objects.record(
                area=AuditEntry.Area.ACCOUNTS,
                action="role.changed",
                message=_("Changed %(fields)s of %(user)s.")
                % {"fields": ", ".join(changed), "user": obj.get_username()},
                user=request.user,
                obj=obj,
                details={name: getattr(obj, name) for name in changed},
            )

    def save_related(self, request, form, formsets, change):
        user = form.instance
        before_groups = _names(user.groups.all()) if change else []
        before_perms = _names(user.user_permissions.all()) if change else []
        super().save_related(request, form, formsets, change)
        after_groups = _names(user.groups.all())
        after_perms = _names(user.user_permissions.all())
        if before_groups != after_groups:
            AuditEntry.objects.record(
                area=AuditEntry.Area.ACCOUNTS,
                action="role.groups",
                message=_("Groups of %(user)s: %(before)s → %(after)s.")
                % {
                    "user": user.get_username(),
                    "before": ", ".join(before_groups) or _("none"),
                    "after": ", ".join(after_groups) or _("none"),
                },
                user=request.user,
                obj=user,
                details={"before": before_groups, "after": after_groups},
            )
        if before_perms != after_perms:
            AuditEntry.objects.record(
                area=AuditEntry.Area.ACCOUNTS,
                action="role.permissions",
                message=_("Changed the own permissions of %(user)s.")
                % {"user": user.get_username()},
                user=request.user,
                obj=user,
                details={
                    "added": sorted(set(after_perms) - set(before_perms)),
                    "removed": sorted(set(before_perms) - set(after_perms)),
                },
            )


@admin.register(Group)
class AuditedGroupAdmin(ObjectAccessMixin, EditConflictMixin, GroupAdmin):
    """Django's group admin, recording what each role may do when it changes."""

    def save_related(self, request, form, formsets, change):
        group = form.instance
        before = _names(group.permissions.all()) if change else []
        super().save_related(request, form, formsets, change)
        after = _names(group.permissions.all())
        if before != after:
            AuditEntry.objects.record(
                area=AuditEntry.Area.ACCOUNTS,
                action="role.group_permissions",
                message=_("Changed what the group %(group)s may do.")
                % {"group": group.name},
                user=request.user,
                obj=group,
                details={
                    "added": sorted(set(after) - set(before)),
                    "removed": sorted(set(before) - set(after)),
                },
            )
