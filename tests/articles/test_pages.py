import datetime

import time_machine
from django.test import TestCase
from django.urls import reverse
from reversion.models import Version

from articles.models import Page
from tests.articles.factories import AuthorFactory, published_article
from tests.donations.factories import DonationFactory, SupporterFactory
from tests.roles import create_roles, staff

NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)


class AboutPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        create_roles()

    def test_pages_start_with_the_texts_they_had(self):
        for name, text in [
            ("methodology", "Every Factually piece starts with a question"),
            ("corrections", "We make mistakes."),
            ("funding", "paid for by the people who read it"),
            ("team", "A small newsroom of researchers and editors."),
        ]:
            with self.subTest(page=name):
                self.assertContains(self.client.get(reverse(name)), text)

    def test_editor_edits_a_page_with_its_history_kept(self):
        page = Page.objects.get(slug="methodology")
        self.client.force_login(staff("Editor"))

        response = self.client.post(
            reverse("admin:articles_page_change", args=[page.pk]),
            {
                "title": page.title,
                "description": page.description,
                "lede": page.lede,
                "body": "## Sources first\n\nWe read the **primary** source.",
                "change_note": "Rewrote the method around primary sources.",
            },
        )

        self.assertEqual(response.status_code, 302)
        public = self.client.get(reverse("methodology"))
        self.assertContains(public, "<h2>Sources first</h2>", html=True)
        self.assertContains(public, "<strong>primary</strong>", html=True)
        self.assertEqual(Version.objects.get_for_object(page).count(), 1)

    def test_page_body_is_sanitised(self):
        page = Page.objects.get(slug="team")
        page.body = "Hello <script>alert(1)</script><a href='javascript:x'>x</a>"
        page.save()

        response = self.client.get(reverse("team"))

        self.assertNotContains(response, "alert(1)")
        self.assertNotContains(response, "javascript:")

    def test_writers_and_fundraisers_cannot_edit_pages(self):
        page = Page.objects.get(slug="funding")
        url = reverse("admin:articles_page_change", args=[page.pk])
        for role in ("Writer", "Fundraising"):
            with self.subTest(role=role):
                self.client.force_login(staff(role))
                response = self.client.post(url, {"title": "Hacked", "body": "x"})
                self.assertEqual(response.status_code, 403)
        page.refresh_from_db()
        self.assertEqual(page.title, "Who funds us")

    def test_team_page_lists_authors_with_their_fact_checks(self):
        author = AuthorFactory(
            name="Ada Reporter", role="Senior researcher", bio="Ada checks numbers."
        )
        article = published_article(title="Fact check: Is it so?")
        article.authors.add(author)
        article.publications.get().authors.add(author)

        response = self.client.get(reverse("team"))

        self.assertContains(response, "Ada Reporter")
        self.assertContains(response, "Senior researcher")
        self.assertContains(response, "Ada checks numbers.")
        self.assertContains(response, "Fact check: Is it so?")


@time_machine.travel(NOW, tick=False)
class FundingPageTests(TestCase):
    def test_figures_are_computed_from_donations(self):
        named = SupporterFactory(
            display_name="The Smith Family", display_name_consented_at=NOW
        )
        shy = SupporterFactory()
        DonationFactory(
            supporter=named, amount=150_000, received_at=NOW.replace(month=3)
        )
        DonationFactory(supporter=shy, amount=200_000, received_at=NOW.replace(month=3))
        DonationFactory(amount=50_000, received_at=NOW.replace(month=10))
        DonationFactory(
            amount=900_000,
            received_at=NOW.replace(month=10),
            excluded_reason="Political organisation (we take no money from political groups)",
        )
        DonationFactory(amount=9_999, received_at=NOW.replace(year=2025))

        response = self.client.get(reverse("funding"))

        figures = response.context["figures"]
        self.assertEqual(figures.supporters, 3)
        (usd,) = figures.currencies
        self.assertEqual(usd.total, 400_000)
        self.assertEqual(usd.largest_share_percent, "50")
        self.assertEqual([amount for _month, amount in usd.by_month], [350_000, 50_000])
        self.assertEqual(figures.political_gifts_refused, 1)
        self.assertEqual(figures.named_donors, ["The Smith Family"])
        self.assertContains(response, "4,000.00 USD raised")
        self.assertContains(response, "refused or returned 1 gift")
        self.assertContains(response, "The Smith Family")
