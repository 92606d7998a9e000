"""Managing a monthly gift without an account, and the supporters page."""

import re

import time_machine
from django.core import mail
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from donations import supporters, tracker
from donations.models import Supporter

from .factories import DonationFactory, SupporterFactory
from .stripe_server import FakeStripeMixin

MANAGE = reverse("donations:manage")


def link_in(message):
    return re.search(r"https?://\S+/support/manage/\S+/", message.body).group(0)


def path_of(url):
    return url[url.index("/support/") :]


class ManageDonationTests(FakeStripeMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.supporter = SupporterFactory(
            address="ada@example.org",
            email="ada@example.org",
            stripe_customer_id="cus_ada",
        )

    def ask(self, email):
        return self.client.post(MANAGE, {"email": email})

    def test_a_known_supporter_gets_a_single_use_link_by_email(self):
        response = self.ask("Ada@Example.org")

        self.assertContains(response, "If that address belongs to a supporter")
        [message] = mail.outbox
        self.assertEqual(message.to, ["Ada@Example.org"])
        self.assertIn("works once, for\n60 minutes", message.body)
        self.assertIn("Open my donation", message.alternatives[0].content)

    def test_the_reply_is_the_same_whether_or_not_the_email_is_known(self):
        known = self.ask("ada@example.org")
        unknown = self.ask("nobody@example.org")
        no_customer = SupporterFactory(address="bo@example.org", email="bo@example.org")
        offline_only = self.ask("bo@example.org")

        self.assertEqual(known.status_code, unknown.status_code)
        self.assertEqual(known.content, unknown.content)
        self.assertEqual(known.content, offline_only.content)
        self.assertEqual([m.to for m in mail.outbox], [["ada@example.org"]])
        self.assertIsNotNone(no_customer.pk)

    def test_a_bad_address_gets_a_form_error(self):
        response = self.ask("not an address")

        self.assertContains(response, "Enter a valid email address.", status_code=400)
        self.assertEqual(mail.outbox, [])

    def test_one_address_gets_at_most_three_links_an_hour(self):
        for _ in range(5):
            response = self.ask("ada@example.org")
            self.assertEqual(response.status_code, 200)

        self.assertEqual(len(mail.outbox), 3)

    def test_the_link_asks_before_it_opens_the_portal(self):
        self.ask("ada@example.org")
        path = path_of(link_in(mail.outbox[0]))

        response = self.client.get(path)

        self.assertContains(response, "Open my donation")
        self.assertEqual(self.stripe.requests, [])

    def test_the_link_opens_a_portal_session_for_that_supporter(self):
        self.ask("ada@example.org")
        path = path_of(link_in(mail.outbox[0]))

        response = self.client.post(path)

        [request] = self.stripe.api_requests()
        self.assertEqual(request.path, "/v1/billing_portal/sessions")
        self.assertEqual(request.params["customer"], "cus_ada")
        self.assertEqual(request.params["return_url"], "http://testserver/support/")
        self.assertRedirects(
            response,
            f"{self.stripe.base_url}/portal/bps_fake00001",
            fetch_redirect_response=False,
        )

    def test_the_link_works_once(self):
        self.ask("ada@example.org")
        path = path_of(link_in(mail.outbox[0]))
        self.client.post(path)

        again = self.client.post(path)

        self.assertContains(again, "This link has already been used.", status_code=400)
        self.assertEqual(len(self.stripe.api_requests()), 1)

    def test_using_a_link_retires_the_links_sent_before_it(self):
        self.ask("ada@example.org")
        with time_machine.travel(timezone.now() + timezone.timedelta(seconds=5)):
            self.ask("ada@example.org")
            first, second = (path_of(link_in(m)) for m in mail.outbox)
            self.assertNotEqual(first, second)  # Signed at different moments.

        self.client.post(second)

        self.assertContains(
            self.client.post(first), "already been used", status_code=400
        )

    def test_the_link_expires(self):
        self.ask("ada@example.org")
        path = path_of(link_in(mail.outbox[0]))

        with time_machine.travel(timezone.now() + timezone.timedelta(minutes=61)):
            response = self.client.post(path)

        self.assertContains(response, "This link has expired.", status_code=400)
        self.assertEqual(self.stripe.requests, [])

    def test_a_forged_link_is_refused(self):
        response = self.client.post(
            reverse("donations:manage-open", kwargs={"token": "eyJzIjoxfQ:forged"})
        )

        self.assertContains(response, "This link is not valid.", status_code=400)
        self.assertEqual(self.stripe.requests, [])

    def test_stripe_down_keeps_the_link_usable(self):
        self.ask("ada@example.org")
        path = path_of(link_in(mail.outbox[0]))
        self.stripe.failing = 500

        failed = self.client.post(path)
        self.stripe.failing = None
        worked = self.client.post(path)

        self.assertEqual(failed.status_code, 503)
        self.assertEqual(worked.status_code, 302)


class SupporterWallTests(TestCase):
    url = reverse("donations:supporters")

    def named(self, name, **donation):
        supporter = SupporterFactory(
            display_name=name, display_name_consented_at=timezone.now()
        )
        DonationFactory(supporter=supporter, **donation)
        return supporter

    def test_lists_consenting_supporters_as_they_asked_newest_first(self):
        with time_machine.travel("2026-11-01"):
            self.named("Ana G.")
        with time_machine.travel("2026-11-02"):
            self.named("The Okafor family")
        DonationFactory()  # Anonymous.

        response = self.client.get(self.url)

        self.assertEqual(
            [s.display_name for s in response.context["page_obj"]],
            ["The Okafor family", "Ana G."],
        )
        self.assertContains(response, "<li>The Okafor family</li>", html=True)

    def test_names_of_refunded_or_excluded_gifts_are_not_shown(self):
        self.named("Refunded", refunded_at=timezone.now())
        self.named("Political PAC", excluded_reason="political organisation")

        response = self.client.get(self.url)

        self.assertNotContains(response, "Refunded")
        self.assertNotContains(response, "Political PAC")
        self.assertContains(response, "No one has asked to be named yet.")

    def test_names_are_escaped(self):
        self.named("<script>alert(1)</script>")

        response = self.client.get(self.url)

        self.assertNotContains(response, "<script>alert(1)</script>")
        self.assertContains(response, "&lt;script&gt;")

    def test_the_page_costs_the_same_queries_whatever_its_length(self):
        self.client.get(self.url)  # Warms the banner's cache.
        for size in (3, 30):
            with self.subTest(size=size):
                for index in range(size):
                    self.named(f"Supporter {index}")
                tracker.invalidate()  # As every donation path does.

                # Count, the current campaign (the tracker is rebuilt after a
                # donation), page, supporting organisations.
                with self.assertNumQueries(4):
                    self.client.get(self.url)

    def test_the_page_is_publicly_cacheable(self):
        response = self.client.get(self.url)

        self.assertIn("public", response["Cache-Control"])

    def test_the_removal_link_asks_then_removes_the_name(self):
        supporter = self.named("Ana G.")
        path = reverse(
            "donations:remove-name",
            kwargs={"token": supporters.remove_name_token(supporter)},
        )

        asked = self.client.get(path)
        self.assertContains(asked, "The supporters page shows you as “Ana G.”.")
        self.assertEqual(Supporter.objects.get().display_name, "Ana G.")
        done = self.client.post(path)

        self.assertContains(done, "your name is no longer shown")
        supporter.refresh_from_db()
        self.assertEqual(supporter.display_name, "")
        self.assertIsNone(supporter.display_name_consented_at)
        self.assertNotContains(self.client.get(self.url), "Ana G.")

    def test_a_forged_removal_link_is_404(self):
        supporter = self.named("Ana G.")

        response = self.client.post(
            reverse("donations:remove-name", kwargs={"token": f"{supporter.pk}:x"})
        )

        self.assertEqual(response.status_code, 404)
        supporter.refresh_from_db()
        self.assertEqual(supporter.display_name, "Ana G.")


@override_settings(DONATION_MANAGE_LINK_MINUTES=5)
class ManageLinkSettingTests(TestCase):
    def test_the_lifetime_is_a_setting(self):
        supporter = SupporterFactory(stripe_customer_id="cus_1")
        token = supporters.manage_token(supporter)

        with (
            time_machine.travel(timezone.now() + timezone.timedelta(minutes=6)),
            self.assertRaisesMessage(supporters.LinkInvalid, "expired"),
        ):
            supporters.supporter_for_manage_token(token)
