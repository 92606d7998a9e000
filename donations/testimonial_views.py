"""
The pages where a supporter gives a testimonial or takes it off: from the
thank-you page (the paid Checkout Session says who they are) and from the
manage page (the emailed manage link does).
"""

import logging

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from factually.clients import client_over_limit

from . import checkout, supporters, testimonials, tracker
from .forms import ManageDonationForm
from .models import Supporter
from .testimonials import TestimonialForm, manage_context
from .views import CHECKOUT_SESSION_ID, RATE_WINDOW, text_response

# Testimonials one client address may send from thank-you pages in each
# RATE_WINDOW: a reader correcting their words a few times is never stopped.
TESTIMONIALS_PER_WINDOW = 10

logger = logging.getLogger(__name__)


def _manage_supporter(request, token):
    """The supporter the manage link is for, or the page saying why it fails."""
    try:
        return supporters.supporter_for_manage_token(token), None
    except supporters.LinkInvalid as exc:
        return None, render(
            request,
            "donations/manage.html",
            {"form": ManageDonationForm(), "link_error": str(exc)},
            status=400,
        )


@require_POST
@never_cache
def give_from_manage(request, token):
    """Give (or replace) a testimonial from the manage page."""
    supporter, refusal = _manage_supporter(request, token)
    if refusal:
        return refusal
    form = TestimonialForm(request.POST)
    if not form.is_valid():
        context = manage_context(supporter, token, testimonial_form=form)
        return render(request, "donations/manage_open.html", context, status=400)
    testimonials.give(
        supporter=supporter,
        text=form.cleaned_data["text"],
        signature=form.cleaned_data["signature"],
        where="the manage page",
    )
    context = manage_context(supporter, token, testimonial_given=True)
    return render(request, "donations/manage_open.html", context)


@require_POST
@never_cache
def remove_from_manage(request, token):
    """Take the supporter's testimonial off /support/ and delete it, at once."""
    supporter, refusal = _manage_supporter(request, token)
    if refusal:
        return refusal
    removed = testimonials.remove(supporter=supporter)
    context = manage_context(
        supporter, token, testimonial_removed=removed, testimonial_missing=not removed
    )
    return render(request, "donations/manage_open.html", context)


@require_POST
@never_cache
def give_from_thanks(request):
    """
    Give a testimonial from the thank-you page. The Checkout Session is read
    from Stripe again: only a paid one names a supporter, by the email
    address they paid with, as the webhook does.
    """
    session_id = request.POST.get("session_id", "")
    if not CHECKOUT_SESSION_ID.fullmatch(session_id):
        return render(request, "donations/thanks_unknown.html", status=400)
    # Each attempt asks Stripe: a script trying session ids is stopped.
    if client_over_limit(
        request, "testimonial", limit=TESTIMONIALS_PER_WINDOW, window=RATE_WINDOW
    ):
        return text_response(
            "Too many attempts from this address; try again later.",
            status=429,
            headers={"Retry-After": str(RATE_WINDOW)},
        )
    try:
        session = checkout.retrieve_checkout_session(session_id)
    except checkout.CheckoutUnavailable as exc:
        logger.error("Could not retrieve Checkout Session %s: %s", session_id, exc)
        response = render(
            request, "donations/thanks_unknown.html", {"unavailable": True}, status=503
        )
        response["Retry-After"] = "30"
        return response
    if session is None or not session.paid or not session.email:
        return render(request, "donations/thanks_unknown.html", status=404)
    form = TestimonialForm(request.POST)
    context = {
        "session": session,
        "amount": tracker.reader_amount(session.amount, session.currency),
        "campaign_id": session.campaign_id,
        "testimonial_form": form,
    }
    if not form.is_valid():
        return render(request, "donations/thanks.html", context, status=400)
    supporter, _created = Supporter.objects.get_or_create(
        email_hash=Supporter.hash_email(session.email)
    )
    testimonials.give(
        supporter=supporter,
        text=form.cleaned_data["text"],
        signature=form.cleaned_data["signature"],
        where="the thank-you page",
    )
    context["testimonial_given"] = True
    return render(request, "donations/thanks.html", context)
