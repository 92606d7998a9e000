"""
What supporters do without an account: manage a monthly gift through a
link sent by email, and take their name off the supporters page.

Both links are signed with the project's secret key (django.core.signing),
so they need no table. The manage link is short-lived and single-use: it
carries the moment the supporter last opened the portal, and opening it
moves that moment on, which retires every link sent before.
"""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import checkout
from .models import Supporter

MANAGE_SALT = "donations.supporters.manage"
REMOVE_NAME_SALT = "donations.supporters.remove-name"


class LinkInvalid(ValueError):
    """A link that is forged, expired or already used. The message says which."""


def find_by_email(address: str) -> Supporter | None:
    try:
        email_hash = Supporter.hash_email(address)
    except ValueError:
        return None
    return Supporter.objects.filter(email_hash=email_hash).first()


def _used_marker(supporter: Supporter) -> str:
    used = supporter.portal_link_used_at
    return used.isoformat() if used else ""


def manage_token(supporter: Supporter) -> str:
    return signing.dumps(
        {"s": supporter.pk, "u": _used_marker(supporter)}, salt=MANAGE_SALT
    )


def supporter_for_manage_token(token: str) -> Supporter:
    """The supporter a manage link is for; raises LinkInvalid if it cannot be used."""
    try:
        data = signing.loads(
            token,
            salt=MANAGE_SALT,
            max_age=settings.DONATION_MANAGE_LINK_MINUTES * 60,
        )
    except signing.SignatureExpired:
        raise LinkInvalid(_("This link has expired.")) from None
    except signing.BadSignature:
        raise LinkInvalid(_("This link is not valid.")) from None
    supporter = Supporter.objects.filter(pk=data.get("s")).first()
    if supporter is None or not supporter.stripe_customer_id:
        raise LinkInvalid(_("This link is not valid."))
    if data.get("u") != _used_marker(supporter):
        raise LinkInvalid(_("This link has already been used."))
    return supporter


def open_portal(*, token: str, return_url: str) -> str:
    """
    Use a manage link: retire it and return the URL of a Stripe customer
    portal session for its supporter. Raises LinkInvalid, or
    checkout.CheckoutUnavailable (the link then stays usable).
    """
    supporter = supporter_for_manage_token(token)
    with transaction.atomic():
        # The conditional update makes two clicks racing on one link use it once.
        used = Supporter.objects.filter(
            pk=supporter.pk, portal_link_used_at=supporter.portal_link_used_at
        ).update(portal_link_used_at=timezone.now())
        if not used:
            raise LinkInvalid(_("This link has already been used."))
        # Raising here rolls the update back, so a Stripe outage spends no link.
        return checkout.create_portal_session(
            customer_id=supporter.stripe_customer_id, return_url=return_url
        )


def remove_name_token(supporter: Supporter) -> str:
    return signing.dumps({"s": supporter.pk}, salt=REMOVE_NAME_SALT)


def supporter_for_remove_name_token(token: str) -> Supporter:
    try:
        data = signing.loads(token, salt=REMOVE_NAME_SALT)
    except signing.BadSignature:
        raise LinkInvalid(_("This link is not valid.")) from None
    supporter = Supporter.objects.filter(pk=data.get("s")).first()
    if supporter is None:
        raise LinkInvalid(_("This link is not valid."))
    return supporter


def remove_name(*, supporter: Supporter) -> bool:
    """Take the supporter's name off the supporters page. False if it was not there."""
    removed = (
        Supporter.objects.filter(pk=supporter.pk)
        .exclude(display_name="")
        .update(display_name="", display_name_consented_at=None)
    )
    supporter.display_name = ""
    supporter.display_name_consented_at = None
    return bool(removed)
