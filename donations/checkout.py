"""
Stripe Checkout and the Billing customer portal, through the stripe library.

Every call goes through one client built from the settings, so tests point
STRIPE_API_BASE at a local fake and exercise the library for real. Money is
in minor units throughout, as Stripe wants it.
"""

from dataclasses import dataclass

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from .models import BannerMessage, Campaign


class CheckoutUnavailable(RuntimeError):
    """Stripe could not be reached or refused the request; the reader may retry."""


@dataclass(frozen=True)
class PaidSession:
    """A Checkout Session as Stripe reports it to the thank-you page."""

    id: str
    paid: bool
    amount: int
    currency: str
    monthly: bool
    campaign_id: str
    # The address the reader paid with: who they are, as the webhook sees it.
    email: str = ""


def is_configured() -> bool:
    """Whether the site can create Checkout Sessions (it has a secret key)."""
    return bool(settings.STRIPE_SECRET_KEY)


def client() -> stripe.StripeClient:
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        # A reader is waiting: fail fast and let them press the button again.
        max_network_retries=1,
    )


def create_checkout_session(
    *,
    campaign: Campaign,
    amount: int,
    monthly: bool,
    banner_message: BannerMessage | None,
    public_name: str,
    success_url: str,
    cancel_url: str,
) -> str:
    """
    Create a Checkout Session for a gift of `amount` minor units in the
    campaign's currency, once or monthly, and return the URL to send the
    reader to. The metadata carries the campaign, the banner variant and
    the public name the reader consented to, for the webhook to record.
    """
    metadata = {
        "campaign": str(campaign.pk),
        "banner_variant": str(banner_message.pk) if banner_message else "",
        "public_name": public_name,
    }
    price_data = {
        "currency": campaign.currency.lower(),
        "unit_amount": amount,
        "product_data": {
            "name": _("Monthly gift to Factually")
            if monthly
            else _("Gift to Factually")
        },
    }
    params = {
        "mode": "subscription" if monthly else "payment",
        "line_items": [{"quantity": 1, "price_data": price_data}],
        "success_url": success_url,
        "cancel_url": cancel_url,
        "metadata": metadata,
        "submit_type": None if monthly else "donate",
    }
    if monthly:
        price_data["recurring"] = {"interval": "month"}
        params["subscription_data"] = {"metadata": metadata}
    else:
        # A customer lets the supporter come back through the portal later.
        params["customer_creation"] = "always"
        params["payment_intent_data"] = {"metadata": metadata}
    params = {key: value for key, value in params.items() if value is not None}
    try:
        session = client().v1.checkout.sessions.create(params=params)
    except stripe.StripeError as exc:
        raise CheckoutUnavailable(str(exc)) from exc
    return session.url


def retrieve_checkout_session(session_id: str) -> PaidSession | None:
    """The session with that id as Stripe has it, or None when Stripe knows none."""
    try:
        session = client().v1.checkout.sessions.retrieve(session_id)
    except stripe.InvalidRequestError:
        return None
    except stripe.StripeError as exc:
        raise CheckoutUnavailable(str(exc)) from exc
    data = session.to_dict()
    metadata = data.get("metadata") or {}
    return PaidSession(
        id=data["id"],
        paid=data.get("status") == "complete"
        and data.get("payment_status") in ("paid", "no_payment_required"),
        amount=data.get("amount_total") or 0,
        currency=(data.get("currency") or "").upper(),
        monthly=data.get("mode") == "subscription",
        campaign_id=str(metadata.get("campaign", "")),
        email=(data.get("customer_details") or {}).get("email") or "",
    )


def create_portal_session(*, customer_id: str, return_url: str) -> str:
    """A Billing customer portal session for that customer; returns its URL."""
    try:
        session = client().v1.billing_portal.sessions.create(
            params={"customer": customer_id, "return_url": return_url}
        )
    except stripe.StripeError as exc:
        raise CheckoutUnavailable(str(exc)) from exc
    return session.url
