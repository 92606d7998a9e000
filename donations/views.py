import logging
import re

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import (
    require_http_methods,
    require_safe,
)

from factually import pagecache
from factually.clients import client_over_limit, over_limit

from . import checkout, emails, matching, supporters, tracker
from .forms import ManageDonationForm, SupportForm
from .models import Campaign, Donation, GivingMethod, Supporter
from .testimonials import TestimonialForm, manage_context

logger = logging.getLogger(__name__)

RATE_WINDOW = 10 * 60
# Checkout Sessions one client address may start in each RATE_WINDOW: a
# reader who changes their mind a few times is never stopped, a script
# creating sessions at Stripe is (the limit is per address, as on /ask/).
CHECKOUTS_PER_WINDOW = 10
# "Manage my donation" emails to one address in an hour.
MANAGE_LINKS_PER_HOUR = 3
CHECKOUT_SESSION_ID = re.compile(r"cs_[A-Za-z0-9_]{1,250}")


def text_response(message, status=200, **kwargs):
    return HttpResponse(
        message + "\n", status=status, content_type="text/plain", **kwargs
    )


# Served from the page cache when warm (from each process's memory, like a
# cached article), before the session, CSRF and auth middleware run and with
# no query; exact, because the cached answer hangs on the tracker's
# generation, which every donation path bumps and announces.
@csrf_exempt
@require_safe
@pagecache.public(max_age=30, s_maxage=5, stale_while_revalidate=30)
def goal(request):
    """The tracker's figures, for the script that refreshes cached pages."""
    current = tracker.current()
    if current is None:
        response = JsonResponse({"error": "No campaign is running."}, status=404)
    else:
        response = JsonResponse(
            {
                "campaign": current.campaign.name,
                "goal": current.goal,
                "goal_kind": current.campaign.goal_kind,
                "currency": current.campaign.currency,
                "supporters": current.supporters,
                "raised": current.raised,
                "percent": current.percent,
                "ends_at": current.campaign.ends_at,
                "match": matching.figures(current.running_match()),
            }
        )
    response.page_cache_generation_key = tracker.GENERATION_KEY
    return response


# The support page and what follows it


def support_campaign():
    """The campaign readers give to now, or None when none is running."""
    campaign = (
        Campaign.objects.current()
        .annotate(matching_now=matching.is_matching_now())
        .first()
    )
    if campaign is None or not campaign.is_running():
        return None
    return campaign


def support_limited(request):
    """The 429 page for a client that started too many Checkout Sessions."""
    response = render(
        request,
        "donations/support_limited.html",
        {"minutes": RATE_WINDOW // 60},
        status=429,
    )
    response["Retry-After"] = str(RATE_WINDOW)
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def support(request):
    """Choose an amount, once or monthly, then pay through Stripe Checkout."""
    campaign = support_campaign()
    symbol = tracker.CURRENCY_SYMBOLS.get(campaign.currency if campaign else "USD", "$")
    status = 200
    if request.method == "POST" and campaign and checkout.is_configured():
        form = SupportForm(request.POST, currency_symbol=symbol)
        if form.is_valid():
            # Counted only when a session would be created: that is what
            # costs something at Stripe.
            if client_over_limit(
                request, "checkout", limit=CHECKOUTS_PER_WINDOW, window=RATE_WINDOW
            ):
                return support_limited(request)
            data = form.cleaned_data
            variant = (
                campaign.banner_messages.filter(pk=data["variant"]).first()
                if data["variant"]
                else None
            )
            try:
                url = checkout.create_checkout_session(
                    campaign=campaign,
                    amount=data["amount_minor"],
                    monthly=form.monthly,
                    banner_message=variant,
                    public_name=data["public_name"],
                    # From SITE_URL, never from the request's Host header,
                    # which the client chooses.
                    success_url=emails.absolute(reverse("donations:thanks"))
                    + "?session_id={CHECKOUT_SESSION_ID}",
                    cancel_url=emails.absolute(reverse("donations:support"))
                    + "?cancelled=1",
                )
            except checkout.CheckoutUnavailable as exc:
                logger.error("Could not create a Checkout Session: %s", exc)
                form.add_error(
                    None,
                    _(
                        "Our payment provider could not be reached, and nothing "
                        "was charged. Please try again in a moment."
                    ),
                )
                status = 503
            else:
                return redirect(url, permanent=False)
        else:
            status = 400
    else:
        initial = {"variant": request.GET.get("variant", "")}
        if not re.fullmatch(r"[0-9]{1,18}", initial["variant"]):
            initial = {}
        form = SupportForm(initial=initial, currency_symbol=symbol)
    return render(
        request,
        "donations/support.html",
        {
            "campaign": campaign,
            "form": form,
            "checkout_configured": checkout.is_configured(),
            "cancelled": request.GET.get("cancelled") == "1",
            "max_amount": settings.DONATION_MAX_AMOUNT,
            "currency_symbol": symbol,
            "giving_methods": GivingMethod.objects.shown(),
            # Asked only while a match runs: the page costs no more without.
            "match": campaign.matching_pledges.running().first()
            if campaign and campaign.matching_now
            else None,
        },
        status=status,
    )


@require_safe
@never_cache
def thanks(request):
    """Thank the reader once Stripe confirms that the session was paid."""
    session_id = request.GET.get("session_id", "")
    if not CHECKOUT_SESSION_ID.fullmatch(session_id):
        return render(request, "donations/thanks_unknown.html", status=400)
    try:
        session = checkout.retrieve_checkout_session(session_id)
    except checkout.CheckoutUnavailable as exc:
        logger.error("Could not retrieve Checkout Session %s: %s", session_id, exc)
        response = render(
            request, "donations/thanks_unknown.html", {"unavailable": True}, status=503
        )
        response["Retry-After"] = "30"
        return response
    if session is None or not session.paid:
        return render(request, "donations/thanks_unknown.html", status=404)
    return render(
        request,
        "donations/thanks.html",
        {
            "session": session,
            "amount": tracker.reader_amount(session.amount, session.currency),
            "campaign_id": session.campaign_id,
            "testimonial_form": TestimonialForm(),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def manage(request):
    """
    Ask for a link to manage a monthly gift. The reply is the same whether
    or not the address is known, and as fast: the lookup and the email
    happen in the background task.
    """
    if request.method == "POST":
        form = ManageDonationForm(request.POST)
        if form.is_valid():
            address = form.cleaned_data["email"]
            limited = False
            try:
                key = "donations:manage:" + Supporter.hash_email(address)
                limited = over_limit(key, MANAGE_LINKS_PER_HOUR, 60 * 60)
            except Exception:
                logger.exception("Cache unavailable for manage-link limits")
            if not limited:
                emails.send_manage_link.enqueue(address)
            return render(
                request,
                "donations/manage_sent.html",
                {"minutes": settings.DONATION_MANAGE_LINK_MINUTES},
            )
        status = 400
    else:
        form = ManageDonationForm()
        status = 200
    return render(request, "donations/manage.html", {"form": form}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def manage_open(request, token):
    """
    Open the Stripe customer portal from a manage link. GET only shows a
    button: mail scanners that fetch links must not spend a single-use one.
    """
    try:
        supporter = supporters.supporter_for_manage_token(token)
        if request.method == "POST":
            url = supporters.open_portal(
                token=token,
                return_url=emails.absolute(reverse("donations:support")),
            )
            return redirect(url, permanent=False)
    except supporters.LinkInvalid as exc:
        return render(
            request,
            "donations/manage.html",
            {"form": ManageDonationForm(), "link_error": str(exc)},
            status=400,
        )
    except checkout.CheckoutUnavailable as exc:
        logger.error("Could not open the customer portal: %s", exc)
        response = render(
            request, "donations/manage_open.html", {"unavailable": True}, status=503
        )
        response["Retry-After"] = "30"
        return response
    return render(
        request, "donations/manage_open.html", manage_context(supporter, token)
    )


@require_safe
@pagecache.public(query=("page",))
def supporter_list(request):
    """
    Supporters who asked to be named, as they asked, newest first. Cached
    like goal.json: keyed on the tracker's generation, which every donation
    path bumps.
    """
    named = Supporter.objects.named().filter(
        Exists(Donation.objects.counted().filter(supporter=OuterRef("pk")))
    )
    page = Paginator(named.only("display_name"), 200).get_page(request.GET.get("page"))
    response = render(request, "donations/supporter_list.html", {"page_obj": page})
    response.page_cache_generation_key = tracker.GENERATION_KEY
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def remove_name(request, token):
    """Take a supporter's name off the supporters page, from a receipt's link."""
    try:
        supporter = supporters.supporter_for_remove_name_token(token)
    except supporters.LinkInvalid as exc:
        raise Http404(str(exc)) from None
    removed = False
    if request.method == "POST":
        supporters.remove_name(supporter=supporter)
        removed = True
    return render(
        request,
        "donations/remove_name.html",
        {"supporter": supporter, "removed": removed},
    )


def content_length(request):
    # Django reads an unparsable Content-Length as an empty body; so does this.
    try:
        return int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return 0
