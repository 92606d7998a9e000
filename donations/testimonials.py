"""
Readers' testimonials: a supporter gives one, with consent, from the
thank-you page or the manage page; fundraising staff approve it in the
admin; the supporter takes it off from the manage page.

Every change retires the cached copies of /support/, which lists the
approved ones, when its transaction commits.
"""

import reversion
from django import forms
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from reversion.models import Revision, Version

from factually import pagecache

from .models import TESTIMONIAL_MAX_LENGTH, Supporter, Testimonial


class TestimonialForm(forms.Form):
    text = forms.CharField(
        label=_("Why do you give?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TESTIMONIAL_MAX_LENGTH,
        help_text=_(
            "A sentence or two, at most 600 characters, shown as you write it."
        ),
        error_messages={
            "required": _("Write a few words first: the box is empty."),
            "max_length": _(
                "Please keep it to %(limit_value)d characters (it has %(show_value)d)."
            ),
        },
    )
    signature = forms.CharField(
        label=_("Sign it as (optional)"),
        max_length=100,
        required=False,
        help_text=_("For example “Ana, teacher, Porto”. Left empty: “A supporter”."),
    )
    consent = forms.BooleanField(
        label=_(
            "Factually may show these words, signed as above, on its support "
            "page. I can take them off at any time."
        ),
        error_messages={
            "required": _(
                "Tick the box to let us show your words; without it we keep nothing."
            )
        },
    )


def manage_context(supporter: Supporter, token: str, **extra) -> dict:
    """What the manage page shows of the supporter's testimonial."""
    testimonial = Testimonial.objects.filter(supporter=supporter).first()
    return {
        "testimonial": testimonial,
        "testimonial_form": TestimonialForm(),
        "testimonial_action": reverse("donations:testimonial-give", args=[token]),
        "testimonial_remove": reverse("donations:testimonial-remove", args=[token]),
        **extra,
    }


def invalidate_support_page():
    pagecache.invalidate(reverse("donations:support"))


def give(*, supporter: Supporter, text: str, signature: str, where: str) -> Testimonial:
    """
    Record the supporter's testimonial, consented to now, from `where` (the
    page they gave it on, for the revision's comment). One per supporter:
    giving another replaces the words, which then wait for approval again.
    """
    with transaction.atomic(), reversion.create_revision():
        testimonial, _created = Testimonial.objects.update_or_create(
            supporter=supporter,
            defaults={
                "text": text,
                "signature": signature,
                "consented_at": timezone.now(),
                "approved_at": None,
                "approved_by": None,
            },
        )
        reversion.set_comment(f"Given by the supporter on {where}.")
        # Replaced words may have been shown.
        invalidate_support_page()
    return testimonial


def _set_approval(testimonials, *, user, approved: bool, comment: str) -> int:
    with transaction.atomic(), reversion.create_revision():
        # Locked by id: the admin's queryset joins the approving user, and
        # PostgreSQL locks no row on the nullable side of an outer join.
        changed = list(
            Testimonial.objects.select_for_update().filter(
                pk__in=testimonials.values("pk"), approved_at__isnull=approved
            )
        )
        for testimonial in changed:
            testimonial.approved_at = timezone.now() if approved else None
            testimonial.approved_by = user if approved else None
            testimonial.save(update_fields=["approved_at", "approved_by"])
        reversion.set_user(user)
        reversion.set_comment(comment)
        if changed:
            invalidate_support_page()
    return len(changed)


def approve(*, testimonials: QuerySet[Testimonial], user) -> int:
    """Show these testimonials on /support/ from now on; returns how many changed."""
    return _set_approval(
        testimonials, user=user, approved=True, comment="Approved the testimonial."
    )


def withdraw_approval(*, testimonials: QuerySet[Testimonial], user) -> int:
    """Take these testimonials off /support/; they wait for approval again."""
    return _set_approval(
        testimonials,
        user=user,
        approved=False,
        comment="Withdrew the testimonial's approval.",
    )


def remove(*, supporter: Supporter) -> bool:
    """
    Delete the supporter's testimonial at their request, with its revision
    history: consent withdrawn means the words are kept nowhere. False if
    there was none.
    """
    with transaction.atomic():
        testimonial = (
            Testimonial.objects.select_for_update().filter(supporter=supporter).first()
        )
        if testimonial is None:
            return False
        versions = Version.objects.get_for_object(testimonial)
        revisions = list(versions.values_list("revision_id", flat=True))
        versions.delete()
        Revision.objects.filter(pk__in=revisions, version__isnull=True).delete()
        testimonial.delete()
        invalidate_support_page()
    return True
