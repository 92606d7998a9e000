"""
Email to staff and readers, sent in the background through django.tasks, so
that a request never waits on the mail server nor fails with it: the act
that owes an email commits, and the email follows.

`send_later()` enqueues one message once the current transaction commits
(a refused or rolled-back act sends nothing). The task sends it through
Django's email framework; when the mail server refuses or cannot be
reached, `retry_later()` enqueues the task again with a growing delay, up
to MAX_ATTEMPTS tries. Donation emails keep their own recorded path
(donations/emails.py), which also survives a lost enqueue.
"""

import logging
from datetime import timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.tasks import default_task_backend, task
from django.utils import timezone

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def one_line(text: str) -> str:
    """A header value on one line, whatever the text it quotes holds."""
    return " ".join(str(text).split())


def retry_delay(attempt: int) -> timedelta:
    """1, 2, 4 … minutes after each failed try, at most an hour."""
    return timedelta(minutes=min(2 ** (attempt - 1), 60))


def retry_later(failed_task, attempt: int, error: Exception, **arguments) -> None:
    """
    Enqueue `failed_task` again after its `attempt`-th try failed, or log
    that it gave up. The caller re-raises, so the worker records the failure.
    """
    if attempt >= MAX_ATTEMPTS or not default_task_backend.supports_defer:
        logger.error("Gave up %s after %s tries: %s", failed_task.name, attempt, error)
        return
    logger.warning("%s failed, will retry: %s", failed_task.name, error)
    failed_task.using(run_after=timezone.now() + retry_delay(attempt)).enqueue(
        attempt=attempt + 1, **arguments
    )


@task()
def send_message(*, subject: str, body: str, to: list[str], attempt: int = 1) -> str:
    """Send one plain-text message. The task the worker runs."""
    try:
        send_mail(
            subject=one_line(subject),
            message=body,
            from_email=None,  # DEFAULT_FROM_EMAIL
            recipient_list=to,
            fail_silently=False,
        )
    except Exception as error:
        retry_later(send_message, attempt, error, subject=subject, body=body, to=to)
        raise
    return "sent"


def send_later(*, subject: str, body: str, to: list[str]) -> None:
    """Send a message in the background once the current transaction commits."""
    transaction.on_commit(
        lambda: send_message.enqueue(subject=subject, body=body, to=to), robust=True
    )
