"""
Readers asking us to check a claim: the abuse checks on /ask/, staff triage
(accept into a draft fact check, mark as a duplicate of one, decline), and
telling consenting askers when the fact check is out.

Email goes through Django's email framework, from DEFAULT_FROM_EMAIL, in
`send_answer_email()` only, run in the background by the `email_answer`
task, which retries while the mail server is down (factually.mail).
"""

import hashlib
import logging
import re
import unicodedata
from datetime import timedelta

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.tasks import task
from django.utils import timezone
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _

from articles.factchecks.models import Article
from articles.factchecks.publications import Publication
from factually import clients, mail

from .models import ReaderQuestion

logger = logging.getLogger(__name__)

# We keep an asker's email for at most this long (stated on the form).
EMAIL_RETENTION_DAYS = 180
# A claim received again within this many days is a duplicate.
DUPLICATE_WINDOW_DAYS = 30
MIN_CLAIM_LENGTH = 10
# Submissions (valid or not) one client may make per window.
RATE_LIMIT = 5
RATE_WINDOW_SECONDS = 60 * 60

Status = ReaderQuestion.Status


def fingerprint(claim: str) -> str:
    """The claim reduced to its words, lower-case and unaccented, hashed."""
    folded = unicodedata.normalize("NFKD", claim.casefold())
    words = re.findall(
        r"\w+", "".join(c for c in folded if not unicodedata.combining(c))
    )
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


def recent_duplicate(claim: str) -> ReaderQuestion | None:
    """A question with the same words received in the last few weeks."""
    since = timezone.now() - timedelta(days=DUPLICATE_WINDOW_DAYS)
    return ReaderQuestion.objects.filter(
        fingerprint=fingerprint(claim), created_at__gte=since
    ).first()


def over_rate_limit(request) -> bool:
    """
    Count one submission from this client (factually.clients, shared with
    every per-client limit) and say whether it is over RATE_LIMIT.
    """
    return clients.client_over_limit(
        request, "ask", limit=RATE_LIMIT, window=RATE_WINDOW_SECONDS
    )


def submit(*, claim: str, seen_at: str = "", email: str = "", consent=False):
    """Store a reader's question (already validated by `AskForm`)."""
    return ReaderQuestion.objects.create(
        claim=claim,
        seen_at=seen_at,
        email=email if consent else "",
        consent=bool(consent and email),
        fingerprint=fingerprint(claim),
    )


def _check_new(question):
    if question.status != Status.NEW:
        raise ValidationError(
            _("This question was already triaged (%(status)s).")
            % {"status": question.get_status_display().lower()}
        )


def _draft_title(claim: str) -> str:
    title = _("Fact check: %(claim)s") % {"claim": claim.rstrip(" .?!")}
    return Truncator(title).chars(Article._meta.get_field("title").max_length - 1) + "?"


def _unique_slug(text: str) -> str:
    base = slugify(text)[:80].strip("-") or "reader-question"
    slug, number = base, 1
    while Article.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def accept(*, question: ReaderQuestion, user) -> Article:
    """Accept a new question: a draft fact check is created for it, linked."""
    with transaction.atomic():
        question = ReaderQuestion.objects.select_for_update().get(pk=question.pk)
        _check_new(question)
        with reversion.create_revision():
            article = Article.objects.create(
                title=_draft_title(question.claim),
                slug=_unique_slug(question.claim),
                # Whoever accepts it owns the draft until they assign it.
                assigned_writer=user,
            )
            reversion.set_user(user)
            reversion.set_comment(
                _("Created from reader question %(id)s.") % {"id": question.pk}
            )
        _triaged(question, user, Status.ACCEPTED, article)
    return article


def mark_duplicate(*, question: ReaderQuestion, fact_check: Article, user) -> None:
    """
    A new question that an existing fact check answers. If that fact check
    is live, a consenting asker is told at once.
    """
    with transaction.atomic():
        question = ReaderQuestion.objects.select_for_update().get(pk=question.pk)
        _check_new(question)
        _triaged(question, user, Status.DUPLICATE, fact_check)
    with transaction.atomic():
        # A publication under way holds this lock: waiting for it means
        # seeing it here, if `publish()` read its askers before this one.
        Article.objects.select_for_update().filter(pk=fact_check.pk).first()
        live = fact_check.live_publication()
    if live is not None:
        notify_askers(publication=live)


def decline(*, question: ReaderQuestion, user) -> None:
    """Decline a new question; we will never write, so its email goes now."""
    with transaction.atomic():
        question = ReaderQuestion.objects.select_for_update().get(pk=question.pk)
        _check_new(question)
        _triaged(question, user, Status.DECLINED, None)
        ReaderQuestion.objects.filter(pk=question.pk).update(email="", consent=False)


def _triaged(question, user, status, fact_check):
    question.status = status
    question.fact_check = fact_check
    question.triaged_at = timezone.now()
    question.triaged_by = user
    question.save(update_fields=["status", "fact_check", "triaged_at", "triaged_by"])


def waiting(fact_check_id=None, *, pk=None):
    """
    The consenting askers of a fact check (or the one question `pk`) who
    have not been told yet.
    """
    found = ReaderQuestion.objects.filter(
        status__in=[Status.ACCEPTED, Status.DUPLICATE],
        consent=True,
        notified_at=None,
    ).exclude(email="")
    if pk is not None:
        return found.filter(pk=pk)
    return found.filter(fact_check_id=fact_check_id)


def askers_waiting_sql():
    """
    SQL: whether an article has askers waiting. `publish()` reads it with
    the article it locks, and asks `notify_askers()` to look them up only
    when there are some.
    """
    return Exists(waiting(OuterRef("pk")))


def notify_askers(*, publication: Publication, anyone_waiting=True) -> int:
    """
    Email, in the background once the transaction commits, every consenting
    asker whose question this publication answers and who has not been
    told yet; each address is forgotten once its email is sent. Called once
    by `publish()`, which says whether `anyone_waiting` at all. A scheduled
    or withdrawn publication tells no one. Returns how many were enqueued.
    """
    if publication.is_withdrawn() or publication.is_scheduled():
        return 0
    if not anyone_waiting:
        return 0
    questions = list(waiting(publication.article_id).values_list("pk", flat=True))
    for question_id in questions:
        transaction.on_commit(
            lambda question_id=question_id: email_answer.enqueue(
                question_id=question_id, publication_id=publication.pk
            ),
            robust=True,
        )
    return len(questions)


@task()
def email_answer(*, question_id: int, publication_id: int, attempt: int = 1) -> str:
    """Tell one asker their fact check is out, then forget their address."""
    question = waiting(pk=question_id).first()
    if question is None:
        return "nobody waiting"
    publication = Publication.objects.get(pk=publication_id)
    try:
        send_answer_email(question=question, publication=publication)
    except Exception as error:
        mail.retry_later(
            email_answer,
            attempt,
            error,
            question_id=question_id,
            publication_id=publication_id,
        )
        raise
    ReaderQuestion.objects.filter(pk=question.pk).update(
        notified_at=timezone.now(), email="", consent=False
    )
    return "sent"


def send_answer_email(*, question, publication) -> None:
    url = settings.SITE_URL.rstrip("/") + publication.get_absolute_url()
    send_mail(
        subject=_("We checked the claim you sent us"),
        message=_(
            "Hello,\n\nYou asked us to check this claim:\n\n“%(claim)s”\n\n"
            "Our fact check is published: %(title)s\n%(url)s\n\n"
            "We have now deleted your email address.\n\nFactually"
        )
        % {"claim": question.claim, "title": publication.title, "url": url},
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[question.email],
    )


def expired_emails(*, now=None):
    """Questions whose email is past the retention period."""
    cutoff = (now or timezone.now()) - timedelta(days=EMAIL_RETENTION_DAYS)
    return ReaderQuestion.objects.filter(created_at__lt=cutoff).exclude(email="")


def purge_expired_emails() -> int:
    return expired_emails().update(email="", consent=False)
