"""Readers asking us to check a claim: the form's abuse paths, triage, email."""

import datetime
import io

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from articles.factchecks.publishing import publish
from articles.models import Article, ReaderQuestion
from articles.readers import asking
from tests.articles.factories import SectionFactory, approve_as_is, published_article
from tests.roles import staff

pytestmark = pytest.mark.django_db

ASK = "/ask/"
GOOD = {
    "claim": "A senator said that crime doubled in our city last year.",
    "seen_at": "https://example.org/video",
    "email": "",
    "website": "",
}


def post(client, **changes):
    return client.post(ASK, {**GOOD, **changes}, REMOTE_ADDR="203.0.113.5")


class TestForm:
    def test_get_prefills_the_claim(self, client):
        response = client.get(ASK, {"claim": "Who pays for a recount?"})
        assert response.status_code == 200
        assert b"Who pays for a recount?</textarea>" in response.content
        assert b"180 days at most" in response.content

    def test_a_good_question_is_stored_and_thanked(self, client):
        response = post(client, email="reader@example.com", consent="on")
        assert response.status_code == 302
        assert response["Location"] == reverse("articles:ask_thanks")
        question = ReaderQuestion.objects.get()
        assert question.claim == GOOD["claim"]
        assert question.email == "reader@example.com"
        assert question.consent is True
        assert question.status == ReaderQuestion.Status.NEW
        assert client.get(response["Location"]).status_code == 200

    def test_honeypot_stores_nothing(self, client):
        response = post(client, website="http://spam.example")
        assert response.status_code == 400
        assert b"This form looks automated" in response.content
        assert not ReaderQuestion.objects.exists()

    def test_email_without_consent_is_refused(self, client):
        response = post(client, email="reader@example.com")
        assert response.status_code == 400
        assert b"Tick the box" in response.content
        assert not ReaderQuestion.objects.exists()

    def test_consent_without_email_is_refused(self, client):
        response = post(client, consent="on")
        assert response.status_code == 400
        assert b"Give the email" in response.content
        assert not ReaderQuestion.objects.exists()

    def test_bad_email_is_refused(self, client):
        response = post(client, email="not-an-email", consent="on")
        assert response.status_code == 400
        assert b"Enter a valid email address" in response.content
        assert not ReaderQuestion.objects.exists()

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("claim", "x" * 2001, b"at most 2000 characters"),
            ("seen_at", "x" * 501, b"at most 500 characters"),
            ("claim", "too short", b"at least 10 characters"),
            ("claim", "", b"This field is required"),
        ],
    )
    def test_size_limits(self, client, field, value, message):
        response = post(client, **{field: value})
        assert response.status_code == 400
        assert message in response.content
        assert not ReaderQuestion.objects.exists()

    def test_recent_duplicate_is_refused(self, client):
        assert post(client).status_code == 302
        response = post(
            client, claim="a SENATOR said that crime doubled in our city, last year!"
        )
        assert response.status_code == 400
        assert b"already received this claim" in response.content
        assert ReaderQuestion.objects.count() == 1

    def test_old_duplicate_is_accepted(self, client):
        with time_machine.travel(timezone.now() - datetime.timedelta(days=40)):
            assert post(client).status_code == 302
        assert post(client).status_code == 302
        assert ReaderQuestion.objects.count() == 2

    def test_rate_limit_per_client(self, client):
        for number in range(asking.RATE_LIMIT):
            assert (
                post(client, claim=f"Claim number {number} was said.").status_code
                == 302
            )
        response = post(client, claim="One claim too many was said.")
        assert response.status_code == 429
        assert response["Retry-After"] == str(asking.RATE_WINDOW_SECONDS)
        assert b"wait an hour" in response.content
        assert ReaderQuestion.objects.count() == asking.RATE_LIMIT
        other = client.post(
            ASK, {**GOOD, "claim": "Another reader asks."}, REMOTE_ADDR="198.51.100.7"
        )
        assert other.status_code == 302

    @override_settings(TRUSTED_PROXIES=["127.0.0.1"])
    def test_rate_limit_per_reader_behind_the_trusted_proxy(self, client):
        def ask_through_proxy(reader, claim):
            return client.post(
                ASK,
                {**GOOD, "claim": claim},
                REMOTE_ADDR="127.0.0.1",
                HTTP_X_REAL_IP=reader,
            )

        for number in range(asking.RATE_LIMIT):
            response = ask_through_proxy("198.51.100.1", f"Claim {number} was said.")
            assert response.status_code == 302
        assert ask_through_proxy("198.51.100.1", "One too many.").status_code == 429
        assert ask_through_proxy("198.51.100.2", "Another reader.").status_code == 302

    def test_a_client_naming_new_addresses_is_still_limited(self, client):
        for number in range(asking.RATE_LIMIT + 1):
            response = client.post(
                ASK,
                {**GOOD, "claim": f"Claim number {number} was said."},
                REMOTE_ADDR="203.0.113.5",
                HTTP_X_REAL_IP=f"192.0.2.{number}",
                HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
            )
        assert response.status_code == 429
        assert ReaderQuestion.objects.count() == asking.RATE_LIMIT

    def test_other_methods_are_refused(self, client):
        assert client.put(ASK).status_code == 405


def make_publishable(article, **fields):
    """What a writer does to the accepted draft before an editor publishes it."""
    for name, value in {
        "summary": "The short answer.",
        "checked_on": datetime.date(2026, 11, 2),
        **fields,
    }.items():
        setattr(article, name, value)
    article.save()
    SectionFactory(article=article, position=1, heading="What we found", body="Text.")
    # And the review that approves it (articles/workflow.py).
    approve_as_is(article)


@pytest.fixture
def question():
    return asking.submit(
        claim="The mayor said the bridge money was stolen.",
        email="asker@example.com",
        consent=True,
    )


class TestTriage:
    def test_accept_creates_a_linked_draft(self, question):
        editor = staff("Editor")
        article = asking.accept(question=question, user=editor)
        question.refresh_from_db()
        assert question.status == ReaderQuestion.Status.ACCEPTED
        assert question.fact_check == article
        assert question.triaged_by == editor
        assert (
            article.title == "Fact check: The mayor said the bridge money was stolen?"
        )
        assert article.publication_state().ever_published is False

    def test_cannot_triage_twice(self, question):
        editor = staff("Editor")
        asking.decline(question=question, user=editor)
        with pytest.raises(Exception, match="already triaged"):
            asking.accept(question=question, user=editor)
        assert not Article.objects.exists()

    def test_publishing_the_linked_fact_check_emails_consenting_askers(
        self, question, django_capture_on_commit_callbacks
    ):
        article = asking.accept(question=question, user=staff("Editor"))
        quiet = asking.submit(claim="Someone asked without an email.")
        ReaderQuestion.objects.filter(pk=quiet.pk).update(
            status="accepted", fact_check=article
        )
        make_publishable(
            article, title="Fact check: Was the bridge repair money stolen?"
        )
        with (
            override_settings(SITE_URL="https://factually.example"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            publish(article=article, kind="first")
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["asker@example.com"]
        assert "https://factually.example/fact-checks/" in message.body
        assert "Was the bridge repair money stolen?" in message.body
        question.refresh_from_db()
        assert question.notified_at is not None
        assert question.email == ""
        article.title = "Fact check: Was the bridge money stolen, really?"
        article.save()
        approve_as_is(article)
        with django_capture_on_commit_callbacks(execute=True):
            publish(article=article, kind="update", note="Sharper title.")
        assert len(mail.outbox) == 1

    def test_scheduled_publication_emails_no_one_yet(
        self, question, django_capture_on_commit_callbacks
    ):
        article = asking.accept(question=question, user=staff("Editor"))
        make_publishable(article)
        with django_capture_on_commit_callbacks(execute=True):
            publish(
                article=article,
                kind="first",
                published_at=timezone.now() + datetime.timedelta(days=1),
            )
        assert mail.outbox == []

    def test_duplicate_of_a_live_fact_check_emails_at_once(
        self, question, django_capture_on_commit_callbacks
    ):
        live = published_article(title="Fact check: Was the bridge money stolen?")
        with django_capture_on_commit_callbacks(execute=True):
            asking.mark_duplicate(
                question=question, fact_check=live, user=staff("Writer")
            )
        question.refresh_from_db()
        assert question.status == ReaderQuestion.Status.DUPLICATE
        assert question.fact_check == live
        assert len(mail.outbox) == 1

    def test_failed_email_is_logged_and_kept(
        self, question, monkeypatch, caplog, django_capture_on_commit_callbacks
    ):
        article = published_article()
        ReaderQuestion.objects.filter(pk=question.pk).update(
            status="accepted", fact_check=article
        )

        def broken(**kwargs):
            raise OSError("SMTP down")

        monkeypatch.setattr(asking, "send_answer_email", broken)
        with django_capture_on_commit_callbacks(execute=True):
            assert asking.notify_askers(publication=article.live_publication()) == 1
        question.refresh_from_db()
        assert question.email == "asker@example.com"
        assert question.notified_at is None
        assert "SMTP down" in caplog.text


class TestTriageAdmin:
    url = "/admin/articles/readerquestion/"

    def test_writer_sees_the_list_without_emails(self, client, question):
        client.force_login(staff("Writer"))
        response = client.get(self.url)
        assert response.status_code == 200
        assert b"The mayor said the bridge money" in response.content
        assert b"asker@example.com" not in response.content

    def test_writer_accepts_by_action(self, client, question):
        client.force_login(staff("Writer"))
        response = client.post(
            self.url,
            {"action": "accept", "_selected_action": [question.pk]},
            follow=True,
        )
        assert b"1 question accepted" in response.content
        question.refresh_from_db()
        assert question.status == "accepted"
        assert question.fact_check is not None

    def test_editor_declines_and_a_second_triage_is_refused(self, client, question):
        client.force_login(staff("Editor"))
        client.post(self.url, {"action": "decline", "_selected_action": [question.pk]})
        question.refresh_from_db()
        assert question.status == "declined"
        assert question.email == ""  # We will never write: the address goes now.
        response = client.post(
            self.url,
            {"action": "accept", "_selected_action": [question.pk]},
            follow=True,
        )
        assert b"already triaged" in response.content
        assert not Article.objects.exists()

    def test_duplicate_by_choosing_the_fact_check(self, client, question):
        live = published_article()
        client.force_login(staff("Editor"))
        response = client.post(
            f"{self.url}{question.pk}/change/", {"fact_check": live.pk}, follow=True
        )
        assert b"Marked as a duplicate" in response.content
        question.refresh_from_db()
        assert question.status == "duplicate"
        assert question.fact_check == live

    def test_fundraising_and_anonymous_cannot_see_questions(self, client, question):
        assert client.get(self.url).status_code == 302
        client.force_login(staff("Fundraising"))
        assert client.get(self.url).status_code == 403

    def test_writer_without_add_article_cannot_accept(self, client, question):
        writer = staff("Writer")
        writer.groups.clear()
        writer.groups.add(Group.objects.get(name="Writer"))
        group = Group.objects.create(name="Triage only")
        group.permissions.set(
            Group.objects.get(name="Writer").permissions.filter(
                codename__endswith="readerquestion"
            )
        )
        writer.groups.set([group])
        client.force_login(writer)
        response = client.post(
            self.url, {"action": "accept", "_selected_action": [question.pk]}
        )
        question.refresh_from_db()
        assert question.status == "new"
        assert response.status_code in (200, 302)


class TestPurgeCommand:
    def test_deletes_only_expired_emails(self, question):
        fresh = asking.submit(
            claim="A fresh question about something.",
            email="fresh@example.com",
            consent=True,
        )
        ReaderQuestion.objects.filter(pk=question.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=181)
        )
        out = io.StringIO()
        call_command("purge_reader_emails", "--dry-run", "-v", "2", stdout=out)
        assert "1 email addresses would be deleted" in out.getvalue()
        assert f"Question {question.pk}" in out.getvalue()
        question.refresh_from_db()
        assert question.email == "asker@example.com"

        out = io.StringIO()
        call_command("purge_reader_emails", stdout=out)
        assert "1 email addresses deleted" in out.getvalue()
        question.refresh_from_db()
        fresh.refresh_from_db()
        assert question.email == "" and question.consent is False
        assert fresh.email == "fresh@example.com"
