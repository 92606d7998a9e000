"""
Telling staff what needs them: a notification in their admin, and an email.

`notify()` is what the workflow calls. Email goes out in the background
once the transaction commits (a refused or rolled-back act sends nothing),
through factually.mail, which retries while the mail server is down.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Notification
from factually import mail


def reviewers():
    """Active staff who may review fact checks (superusers aside)."""
    return (
        get_user_model()
        .objects.with_perm(
            "articles.review_article",
            include_superusers=False,
            # Permissions come from groups (ModelBackend); the login throttle's
            # backend holds none.
            backend="django.contrib.auth.backends.ModelBackend",
        )
        .filter(is_staff=True)
    )


def article_admin_url(article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def notify(*, recipients, actor, article, message: str, detail: str = "") -> list:
    """
    Notify each distinct recipient but the actor about `article`, in the
    admin and by email. Returns the notifications made.
    """
    seen = set()
    people = []
    for person in recipients:
        if person is None or not person.is_active or person.pk in seen:
            continue
        if actor is not None and person.pk == actor.pk:
            continue
        seen.add(person.pk)
        people.append(person)
    url = article_admin_url(article)
    made = Notification.objects.bulk_create(
        Notification(recipient=person, article=article, message=message, url=url)
        for person in people
    )
    for person in people:
        if person.email:
            send_email(to=person.email, message=message, detail=detail, url=url)
    return made


def send_email(*, to: str, message: str, detail: str = "", url: str = "") -> None:
    """Email one notification, in the background once the transaction commits."""
    lines = [message]
    if detail:
        lines += ["", detail]
    if url:
        lines += ["", _("Open it: %(url)s") % {"url": settings.SITE_URL + url}]
    mail.send_later(
        subject=_("[Factually] %(message)s") % {"message": message},
        body="\n".join(lines),
        to=[to],
    )


def mark_read(*, user, notifications) -> int:
    """Mark `user`'s own notifications among `notifications` read."""
    return notifications.filter(recipient=user).unread().update(read_at=timezone.now())
