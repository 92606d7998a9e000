"""
Emails to supporters and to fundraising staff, sent in the background.

A payment's webhook records what it owes (an OutgoingEmail row, once per
kind and cause) in the same transaction as the donation, and enqueues a
django.tasks task once that transaction has committed. The task claims the
row, renders the templates in templates/emails/donations/, and sends it
through Django's email framework (EMAIL_URL). A failed send goes back to
pending and is tried again later with a growing delay, so the webhook
answers Stripe at once, a mail outage loses nothing, and a redelivered
webhook (which records no second donation) owes no second email.

Delivery is at least once: a worker that dies after the mail server
accepted a message and before the row says so leaves it "sending", and
`send_pending_emails` tries it again after SENDING_TIMEOUT.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.tasks import default_task_backend, task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import supporters
from .models import Campaign, Donation, OutgoingEmail, format_amount

logger = logging.getLogger(__name__)

FUNDRAISING_GROUP = "Fundraising"
MAX_ATTEMPTS = 8
# A claim older than this belongs to a worker that died mid-send.
SENDING_TIMEOUT = timedelta(minutes=15)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after each failed try, at most an hour."""
    return timedelta(minutes=min(2 ** (attempts - 1), 60))


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


# What a payment owes


def owe_donation_emails(*, donation: Donation, first_gift: bool) -> None:
    """
    Record the emails a new Stripe donation owes: a receipt, a thank-you
    when it is the supporter's first gift, and an alert to staff when it is
    large. Call inside the transaction that records the donation.
    """
    to = donation.supporter.email
    if to:
        owe(
            kind=OutgoingEmail.Kind.RECEIPT,
            reference=f"donation:{donation.pk}",
            donation=donation,
            to=to,
        )
        if first_gift:
            owe(
                kind=OutgoingEmail.Kind.THANKS,
                reference=f"supporter:{donation.supporter_id}",
                donation=donation,
                to=to,
            )
    threshold = settings.DONATION_ALERT_AMOUNT
    if threshold and donation.amount >= threshold * 100:
        owe(
            kind=OutgoingEmail.Kind.LARGE_GIFT,
            reference=f"donation:{donation.pk}",
            donation=donation,
        )


def owe(*, kind, reference, to="", donation=None, context=None) -> bool:
    """
    Record one email and send it once the transaction commits. False when
    the same email (kind and reference) was already owed: nothing changes.
    """
    email, created = OutgoingEmail.objects.get_or_create(
        kind=kind,
        reference=reference,
        defaults={"to": to, "donation": donation, "context": context or {}},
    )
    if created:
        transaction.on_commit(lambda: enqueue(email.pk), robust=True)
    return created


def enqueue(email_id: int, *, delay: timedelta | None = None) -> None:
    run_after = timezone.now() + delay if delay else None
    if run_after is not None and not default_task_backend.supports_defer:
        # The immediate backend cannot wait: send_pending_emails retries.
        return
    send_email.using(run_after=run_after).enqueue(email_id)


class EmailNotSent(RuntimeError):
    """The mail server refused or could not be reached; the send is retried."""


@task()
def send_email(email_id: int) -> str:
    """Send one owed email, if it is still owed. The task the worker runs."""
    return deliver(email_id=email_id)


def deliver(*, email_id: int) -> str:
    """Claim the email, send it, and record the outcome. Returns what happened."""
    claimed = OutgoingEmail.objects.filter(
        pk=email_id, status=OutgoingEmail.Status.PENDING
    ).update(
        status=OutgoingEmail.Status.SENDING,
        attempts=F("attempts") + 1,
        claimed_at=timezone.now(),
    )
    if not claimed:
        return "not pending"
    email = OutgoingEmail.objects.select_related(
        "donation__supporter", "donation__banner_message"
    ).get(pk=email_id)
    try:
        message = build_message(email)
        if not message.to:
            raise EmailNotSent("nobody to send it to")
        message.send()
    except Exception as exc:
        gave_up = email.attempts >= MAX_ATTEMPTS
        OutgoingEmail.objects.filter(pk=email.pk).update(
            status=OutgoingEmail.Status.FAILED
            if gave_up
            else OutgoingEmail.Status.PENDING,
            last_error=f"{type(exc).__name__}: {exc}"[:300],
        )
        if gave_up:
            logger.error("Gave up sending %s: %s", email, exc)
        else:
            logger.warning("Could not send %s, will retry: %s", email, exc)
            enqueue(email.pk, delay=retry_delay(email.attempts))
        raise EmailNotSent(f"{email}: {exc}") from exc
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def send_pending() -> int:
    """
    Enqueue every email still owed, and release claims of workers that died
    mid-send. The safety net behind the retries; returns how many.
    """
    OutgoingEmail.objects.filter(
        status=OutgoingEmail.Status.SENDING,
        claimed_at__lt=timezone.now() - SENDING_TIMEOUT,
    ).update(status=OutgoingEmail.Status.PENDING)
    ids = list(OutgoingEmail.objects.pending().values_list("pk", flat=True))
    for email_id in ids:
        enqueue(email_id)
    return len(ids)


# Rendering


def campaign_for(donation: Donation) -> Campaign | None:
    return Campaign.objects.filter(
        starts_at__lte=donation.received_at, ends_at__gt=donation.received_at
    ).first()


def fundraising_recipients() -> list[str]:
    """The addresses of active Fundraising staff."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=FUNDRAISING_GROUP)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def build_message(email: OutgoingEmail) -> EmailMultiAlternatives:
    context = {
        "email": email,
        "site_url": absolute("/"),
        "manage_url": absolute(reverse("donations:manage")),
        "support_url": absolute(reverse("donations:support")),
        **email.context,
    }
    to = [email.to] if email.to else []
    if donation := email.donation:
        supporter = donation.supporter
        context.update(
            donation=donation,
            amount=donation.amount_display(),
            campaign=campaign_for(donation),
            monthly=donation.kind == Donation.Kind.RECURRING,
            remove_name_url=absolute(
                reverse(
                    "donations:remove-name",
                    kwargs={"token": supporters.remove_name_token(supporter)},
                )
            )
            if supporter.display_name
            else "",
            public_name=supporter.display_name,
        )
    if email.kind == OutgoingEmail.Kind.PAYMENT_FAILED:
        context["amount"] = format_amount(
            email.context.get("amount", 0), email.context.get("currency", "")
        )
    if email.kind in (OutgoingEmail.Kind.LARGE_GIFT, OutgoingEmail.Kind.DIGEST):
        to = fundraising_recipients()
    if email.kind == OutgoingEmail.Kind.DIGEST:
        context["dashboard_url"] = absolute(
            admin_view_url(Campaign, "current_dashboard")
        )
    if email.kind == OutgoingEmail.Kind.LARGE_GIFT:
        context["admin_url"] = absolute(
            admin_view_url(Donation, "change", email.donation_id)
        )
    return render_message(f"emails/donations/{email.kind}", context, to=to)


def admin_view_url(model, name, *args):
    """The path of one of the admin site's views of `model`, named from its _meta."""
    opts = model._meta
    return reverse(
        f"{admin.site.name}:{opts.app_label}_{opts.model_name}_{name}", args=args
    )


def render_message(template, context, *, to) -> EmailMultiAlternatives:
    """An email from `<template>_subject.txt`, `<template>.txt` and `.html`."""
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        to=to,
    )
    message.attach_alternative(
        render_to_string(f"{template}.html", context), "text/html"
    )
    return message


# Emails sent at once by the task, with nothing to record


@task()
def send_manage_link(address: str) -> str:
    """
    Email a link to manage a monthly gift, if the address belongs to a
    supporter Stripe knows. The page that asked answers the same either way,
    and runs this in the background so it also answers as fast.
    """
    supporter = supporters.find_by_email(address)
    if supporter is None or not supporter.stripe_customer_id:
        return "no such supporter"
    url = absolute(
        reverse(
            "donations:manage-open",
            kwargs={"token": supporters.manage_token(supporter)},
        )
    )
    context = {
        "url": url,
        "minutes": settings.DONATION_MANAGE_LINK_MINUTES,
        "site_url": absolute("/"),
    }
    render_message("emails/donations/manage_link", context, to=[address]).send()
    return "sent"
