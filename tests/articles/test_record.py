"""The public record: every version readable, every change visible."""

import datetime

import feedparser
import time_machine
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils.html import strip_tags

from articles.factchecks.publishing import remove_version, withdraw
from articles.models import Claim, Publication, VersionRemoval
from factually import pagecache
from tests.articles.factories import (
    approve_as_is,
    build_article,
    edit_summary,
    published_article,
)

# What publishing does, not the review: each draft edited in code is
# published approved as it stands.
from tests.articles.factories import publish_approved as publish
from tests.roles import create_roles, staff

NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)


def version_url(slug, version):
    return reverse("articles:version", kwargs={"slug": slug, "version": version})


def changes_url(slug, version):
    return reverse("articles:changes", kwargs={"slug": slug, "version": version})


def days_ago(days):
    return NOW - datetime.timedelta(days=days)


@time_machine.travel(NOW, tick=False)
class VersionPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with time_machine.travel(days_ago(10), tick=False):
            cls.article = published_article(
                slug="observers", summary="About 150 observers watched.", claims=1
            )
        with time_machine.travel(days_ago(5), tick=False):
            cls.article.summary = "About 200 observers watched."
            cls.article.save()
            Claim.objects.filter(article=cls.article).update(rating="mostly-false")
            publish(
                article=cls.article,
                kind="correction",
                note="Corrected the number of observers from 150 to 200.",
            )
        with time_machine.travel(days_ago(1), tick=False):
            withdraw(article=cls.article, note="Withdrawn: a source was forged.")

    def test_each_version_reads_as_published_and_is_marked(self):
        first = self.client.get(version_url("observers", 1))
        second = self.client.get(version_url("observers", 2))

        self.assertContains(first, "About 150 observers watched.")
        self.assertContains(second, "About 200 observers watched.")
        self.assertContains(first, "This is version 1 of")
        self.assertContains(first, "The fact check has since been withdrawn.")
        for response in (first, second):
            self.assertEqual(response["X-Robots-Tag"], "noindex")
            self.assertContains(
                response,
                '<link rel="canonical" href="http://testserver/fact-checks/observers/">',
            )
            self.assertContains(response, '<meta name="robots" content="noindex">')

    def test_withdrawal_version_shows_its_note(self):
        response = self.client.get(version_url("observers", 3))

        self.assertContains(response, "Withdrawn: a source was forged.")
        self.assertNotContains(response, "observers watched")

    def test_withdrawn_page_links_to_every_version(self):
        response = self.client.get(reverse("articles:detail", args=["observers"]))

        for version in (1, 2):
            self.assertContains(
                response, f'href="{version_url("observers", version)}"', status_code=410
            )

    def test_changes_page_marks_words_and_calls_out_the_rating(self):
        response = self.client.get(changes_url("observers", 2))

        self.assertContains(response, "Ratings changed")
        self.assertContains(
            response, "rated <del>False</del>, now <ins>Mostly false</ins>"
        )
        self.assertContains(response, "<del>150</del><ins>200</ins>", html=False)
        self.assertContains(response, "Corrected the number of observers")
        self.assertEqual(response["X-Robots-Tag"], "noindex")

    def test_first_and_withdrawal_versions_have_no_changes_page(self):
        for version in (1, 3):
            with self.subTest(version=version):
                self.assertEqual(
                    self.client.get(changes_url("observers", version)).status_code, 404
                )

    def test_scheduled_and_draft_versions_answer_like_a_missing_page(self):
        live = published_article(slug="live-one", published_at=days_ago(3))
        edit_summary(live)
        publish(
            article=live,
            kind="update",
            note="Later.",
            published_at=NOW + datetime.timedelta(days=1),
        )
        build_article(slug="only-a-draft")
        missing = self.client.get(version_url("no-such-article", 2))

        for url in (
            version_url("live-one", 2),
            changes_url("live-one", 2),
            version_url("only-a-draft", 1),
            version_url("observers", 9),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.content, missing.content)

    def test_version_at_an_old_slug_moves_to_the_current_one(self):
        article = published_article(slug="old-name", published_at=days_ago(3))
        article.slug = "new-name"
        article.save()
        publish(article=article, kind="details")

        response = self.client.get(version_url("old-name", 1))

        self.assertRedirects(response, version_url("new-name", 1), status_code=301)

    def test_removed_version_leaves_a_tombstone(self):
        first = Publication.objects.get(article=self.article, version=1)

        remove_version(publication=first, note="Removed by court order.")

        response = self.client.get(version_url("observers", 1))
        self.assertContains(response, "Removed by court order.", status_code=410)
        self.assertNotContains(response, "About 150 observers", status_code=410)
        self.assertEqual(self.client.get(version_url("observers", 2)).status_code, 200)


@time_machine.travel(NOW, tick=False)
@time_machine.travel(NOW, tick=False)
class ReadableChangesTests(TestCase):
    """Changes read as the page does: rating labels and dates written out."""

    @classmethod
    def setUpTestData(cls):
        create_roles()
        cls.editor = staff("Editor")
        cls.article = published_article(slug="labels", published_at=days_ago(9))
        cls.article.checked_on = datetime.date(2026, 11, 19)
        cls.article.save()
        Claim.objects.filter(article=cls.article).update(
            rating="mostly-false", claimed_on=datetime.date(2026, 10, 1)
        )
        approve_as_is(cls.article)

    def test_changes_page_shows_rating_labels_and_written_dates(self):
        publish(article=self.article, kind="correction", note="Checked again.")

        response = self.client.get(changes_url("labels", 2))

        html = response.content.decode()
        self.assertIn("<del>False</del><ins>Mostly false</ins>", html)
        self.assertIn("November <del>2</del><ins>19</ins>, 2026", html)
        self.assertIn("<ins>October 1, 2026</ins>", html)
        # What readers read of the page (the inline stylesheet names ratings).
        text = strip_tags(html.split('class="wrap prose changes-page"')[1])
        for internal in ("mostly-false", "2026-11-19", "2026-10-01"):
            self.assertNotIn(internal, text)

    def test_admin_comparison_shows_them_the_same_way(self):
        self.client.force_login(self.editor)

        response = self.client.get(
            reverse("admin:articles_article_compare", args=[self.article.pk])
        )

        self.assertContains(response, "<del>False</del><ins>Mostly false</ins>")
        self.assertContains(response, "November <del>2</del><ins>19</ins>, 2026")
        self.assertNotContains(response, "mostly-false")


class RemoveVersionTests(TestCase):
    def test_live_version_cannot_be_removed(self):
        article = published_article(published_at=days_ago(2))
        live = Publication.objects.get(article=article)

        with self.assertRaisesMessage(ValidationError, "withdraw the fact check"):
            remove_version(publication=live, note="Court order.")
        self.assertIs(VersionRemoval.objects.exists(), False)

    def test_removal_needs_a_note(self):
        article = published_article(published_at=days_ago(2))
        edit_summary(article)
        publish(article=article, kind="update", note="More.")
        first = Publication.objects.get(article=article, version=1)

        with self.assertRaisesMessage(ValidationError, "Write the public note"):
            remove_version(publication=first, note="  ")

    def test_only_editors_may_remove_in_the_admin(self):
        create_roles()
        article = published_article(published_at=days_ago(2))
        edit_summary(article)
        publish(article=article, kind="update", note="More.")
        first = Publication.objects.get(article=article, version=1)
        url = reverse("admin:articles_publication_remove", args=[first.pk])

        self.client.force_login(staff("Writer"))
        self.assertEqual(self.client.post(url, {"note": "x"}).status_code, 403)
        self.client.force_login(staff("Editor"))
        response = self.client.post(url, {"note": "Court order 12/2026."})

        self.assertEqual(response.status_code, 302)
        self.assertEqual(first.removal.note, "Court order 12/2026.")


@time_machine.travel(NOW, tick=False)
class CorrectionsOnThePageTests(TestCase):
    def correct(self, article, number, *, kind="correction", days=1):
        with (
            time_machine.travel(days_ago(days), tick=False),
            self.captureOnCommitCallbacks(execute=True),
        ):
            edit_summary(article, f"Fix {number}.")
            publish(article=article, kind=kind, note=f"Fix number {number}.")

    def test_every_correction_stays_listed_newest_first_and_links_to_its_changes(self):
        article = published_article(slug="fixed", published_at=days_ago(20))
        self.correct(article, 1, days=10)
        self.correct(article, 2, kind="clarification", days=8)
        self.correct(article, 3, days=6)
        with time_machine.travel(days_ago(4), tick=False):
            edit_summary(article, "More context.")
            publish(article=article, kind="update", note="Added context.")

        response = self.client.get(reverse("articles:detail", args=["fixed"]))

        notice = response.content.decode().split('class="notice notice--correction')[1]
        notice = notice.split("</section>")[0]
        self.assertLess(notice.index("Fix number 3."), notice.index("Fix number 2."))
        self.assertLess(notice.index("Fix number 2."), notice.index("<details>"))
        self.assertLess(notice.index("<details>"), notice.index("Fix number 1."))
        self.assertIn("1 earlier correction", notice)
        self.assertIn(f'href="{changes_url("fixed", 4)}"', notice)
        self.assertNotIn("Added context.", notice)

    def test_article_page_costs_one_query_whatever_the_number_of_versions(self):
        article = published_article(slug="many", published_at=days_ago(30), related=1)
        article.related_questions.update(answer=published_article())
        url = reverse("articles:detail", args=["many"])
        for number in range(1, 7):
            self.correct(article, number, days=20 - number)
            self.client.get(url)  # Warm the banner's cache.
            with self.captureOnCommitCallbacks(execute=True):
                pagecache.invalidate(url)  # Render the page, not its cached copy.
            with self.subTest(versions=number + 1), self.assertNumQueries(1):
                response = self.client.get(url)
            self.assertContains(response, f"Fix number {number}.")


@time_machine.travel(NOW, tick=False)
class CorrectionsLogTests(TestCase):
    def test_log_lists_corrections_and_clarifications_across_the_site(self):
        one = published_article(title="Fact check: One?", published_at=days_ago(9))
        two = published_article(title="Fact check: Two?", published_at=days_ago(9))
        for article, kind, days in [(one, "correction", 5), (two, "clarification", 3)]:
            with time_machine.travel(days_ago(days), tick=False):
                edit_summary(article)
                publish(article=article, kind=kind, note=f"A {kind}.")
        with time_machine.travel(days_ago(2), tick=False):
            edit_summary(one, "Again.")
            publish(article=one, kind="update", note="An update.")

        response = self.client.get(reverse("articles:corrections"))

        items = [p.note for p in response.context["page_obj"]]
        self.assertEqual(items, ["A clarification.", "A correction."])
        self.assertContains(response, changes_url(one.slug, 2))

    def test_corrections_feed_is_valid_atom(self):
        article = published_article(published_at=days_ago(9))
        edit_summary(article)
        publish(article=article, kind="correction", note="Fixed <b>one</b> figure.")

        parsed = feedparser.parse(
            self.client.get(reverse("articles:corrections_feed")).content
        )

        self.assertFalse(parsed.bozo)
        (entry,) = parsed.entries
        self.assertEqual(entry.summary_detail.type, "text/plain")
        self.assertEqual(entry.summary, "Fixed <b>one</b> figure.")
        self.assertEqual(entry.link, f"http://testserver{changes_url(article.slug, 2)}")

    def test_policy_page_links_to_the_log(self):
        response = self.client.get(reverse("corrections"))

        self.assertContains(response, f'href="{reverse("articles:corrections")}"')


@time_machine.travel(NOW, tick=False)
class FeedTests(TestCase):
    def test_entry_id_is_stable_across_versions_and_links_are_absolute(self):
        article = published_article(published_at=days_ago(9))
        before = feedparser.parse(self.client.get(reverse("feed")).content).entries[0]
        with (
            time_machine.travel(days_ago(1), tick=False),
            self.captureOnCommitCallbacks(execute=True),
        ):
            edit_summary(article)
            publish(article=article, kind="update", note="More.")

        parsed = feedparser.parse(self.client.get(reverse("feed")).content)

        (after,) = parsed.entries
        self.assertEqual(after.id, before.id)
        self.assertEqual(after.id, f"tag:testserver,2026-11-11:fact-check-{article.pk}")
        self.assertTrue(after.link.startswith("http://testserver/fact-checks/"))
        self.assertEqual(after.updated, "2026-11-19T12:00:00+00:00")
        self.assertEqual(after.published, "2026-11-11T12:00:00+00:00")

    def test_markup_in_a_summary_stays_text_in_a_feed_reader(self):
        published_article(
            published_at=days_ago(2),
            summary=r"Posts showed \<img src=x onerror=alert(1)\> as text.",
        )

        parsed = feedparser.parse(self.client.get(reverse("feed")).content)

        (entry,) = parsed.entries
        self.assertEqual(entry.summary_detail.type, "text/plain")
        self.assertIn("<img src=x onerror=alert(1)>", entry.summary)
