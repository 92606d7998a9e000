"""
Readers' testimonials: given with consent from the thank-you page or the
manage page, approved by fundraisers, shown on /support/, removed at the
supporter's request.
"""

from django.db import IntegrityError
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision, Version

from donations import models, supporters, testimonials
from donations.models import Supporter
from donations.testimonial_views import TESTIMONIALS_PER_WINDOW
from factually import pagecache
from factually.models import Invalidation
from tests.roles import staff

from .factories import CampaignFactory, SupporterFactory, fundraiser
from .stripe_server import FakeStripeMixin

SUPPORT = reverse("donations:support")
THANKS = reverse("donations:thanks")
GIVE_FROM_THANKS = reverse("donations:testimonial-thanks")
CHANGELIST = reverse("admin:donations_testimonial_changelist")
WORDS = "I give because they show every source, and I can check them myself."


def support_generation():
    return pagecache.generations.cache().get(pagecache.path_key(SUPPORT))


def make_testimonial(**fields):
    supporter = fields.pop("supporter", None) or SupporterFactory()
    approved = fields.pop("approved", False)
    now = timezone.now()
    return models.Testimonial.objects.create(
        supporter=supporter,
        **{
            "text": WORDS,
            "signature": "Ana, Porto",
            "consented_at": now,
            "approved_at": now if approved else None,
            **fields,
        },
    )


class ThanksPageTestimonialTests(FakeStripeMixin, TestCase):
    """As the reader who has just paid."""

    @classmethod
    def setUpTestData(cls):
        CampaignFactory(is_current=True)

    def paid_session(self, email="ana@example.org"):
        self.client.post(SUPPORT, {"amount": "10", "frequency": "once"})
        [session_id] = self.stripe.sessions
        session = self.stripe.pay(session_id)
        session["customer_details"] = {"email": email, "name": ""}
        return session_id

    def give(self, session_id, **overrides):
        data = {
            "session_id": session_id,
            "text": WORDS,
            "signature": "Ana, Porto",
            "consent": "on",
            **overrides,
        }
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(GIVE_FROM_THANKS, data)

    def test_the_thank_you_page_offers_to_give_a_testimonial(self):
        session_id = self.paid_session()

        response = self.client.get(THANKS, {"session_id": session_id})

        self.assertContains(response, "Tell other readers why you give?")
        self.assertContains(
            response,
            f'<input type="hidden" name="session_id" value="{session_id}">',
            html=True,
        )
        self.assertContains(response, 'name="consent"')

    def test_reader_gives_a_testimonial_with_consent_which_waits_for_approval(self):
        session_id = self.paid_session("Ana@Example.org")
        before = support_generation()

        response = self.give(session_id)

        self.assertContains(response, "Thank you for your words.")
        given = models.Testimonial.objects.get()
        self.assertEqual(
            given.supporter.email_hash, Supporter.hash_email("ana@example.org")
        )
        self.assertEqual((given.text, given.signature), (WORDS, "Ana, Porto"))
        self.assertIsNotNone(given.consented_at)
        self.assertIs(given.is_approved(), False)
        [version] = Version.objects.get_for_object(given)
        self.assertEqual(
            version.revision.comment, "Given by the supporter on the thank-you page."
        )
        self.assertNotEqual(support_generation(), before)
        self.assertNotContains(Client().get(SUPPORT), "show every source")

    def test_the_testimonial_goes_to_the_supporter_the_webhook_records(self):
        existing = SupporterFactory(address="ana@example.org")

        self.give(self.paid_session("ana@example.org"))

        self.assertEqual(models.Testimonial.objects.get().supporter, existing)

    def test_giving_again_replaces_the_words_which_wait_for_approval_again(self):
        supporter = SupporterFactory(address="ana@example.org")
        make_testimonial(supporter=supporter, approved=True)

        self.give(self.paid_session(), text="Shorter words.")

        replaced = models.Testimonial.objects.get()
        self.assertEqual(replaced.text, "Shorter words.")
        self.assertIs(replaced.is_approved(), False)

    def test_bad_input_gets_a_clear_message_and_keeps_nothing(self):
        session_id = self.paid_session()
        cases = {
            "empty": ({"text": "   "}, "Write a few words first: the box is empty."),
            "too long": (
                {"text": "x" * 601},
                "Please keep it to 600 characters (it has 601).",
            ),
            "no consent": (
                {"consent": ""},
                "Tick the box to let us show your words; without it we keep nothing.",
            ),
        }
        for case, (overrides, message) in cases.items():
            with self.subTest(case):
                response = self.give(session_id, **overrides)

                self.assertContains(response, message, status_code=400)
                self.assertContains(response, "Nothing was saved", status_code=400)
                self.assertFalse(models.Testimonial.objects.exists())
                self.assertFalse(Supporter.objects.exists())
                self.assertFalse(Invalidation.objects.filter(paths=SUPPORT).exists())

    def test_an_unpaid_session_cannot_give_a_testimonial(self):
        self.client.post(SUPPORT, {"amount": "10", "frequency": "once"})
        [session_id] = self.stripe.sessions

        response = self.give(session_id)

        self.assertEqual(response.status_code, 404)
        self.assertFalse(models.Testimonial.objects.exists())

    def test_a_malformed_session_id_is_refused_without_asking_stripe(self):
        response = self.give("not-a-session")

        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.stripe.requests, [])
        self.assertFalse(models.Testimonial.objects.exists())

    def test_one_address_past_the_limit_gets_a_429_without_asking_stripe(self):
        session_id = self.paid_session()
        for _ in range(TESTIMONIALS_PER_WINDOW):
            self.assertEqual(self.give(session_id).status_code, 200)
        asked = len(self.stripe.requests)
        models.Testimonial.objects.all().delete()

        response = self.give(session_id)

        self.assertContains(response, "Too many attempts", status_code=429)
        self.assertEqual(len(self.stripe.requests), asked)
        self.assertFalse(models.Testimonial.objects.exists())

    def test_stripe_down_keeps_nothing_and_asks_to_retry(self):
        session_id = self.paid_session()
        self.stripe.failing = 500

        response = self.give(session_id)

        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "30")
        self.assertFalse(models.Testimonial.objects.exists())


class ManagePageTestimonialTests(TestCase):
    """As the supporter, through the link emailed to manage a gift."""

    @classmethod
    def setUpTestData(cls):
        cls.supporter = SupporterFactory(stripe_customer_id="cus_ana")

    def setUp(self):
        token = supporters.manage_token(self.supporter)
        self.manage = reverse("donations:manage-open", args=[token])
        self.give_url = reverse("donations:testimonial-give", args=[token])
        self.remove_url = reverse("donations:testimonial-remove", args=[token])

    def post(self, url, data=None):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(url, data or {})

    def test_the_manage_page_offers_a_testimonial_form(self):
        response = self.client.get(self.manage)

        self.assertContains(response, "Your words on our support page")
        self.assertContains(response, f'action="{self.give_url}"')

    def test_supporter_gives_a_testimonial_from_the_manage_page(self):
        response = self.post(
            self.give_url, {"text": WORDS, "signature": "", "consent": "on"}
        )

        self.assertContains(response, "Thank you for your words.")
        self.assertContains(response, "not shown yet")
        given = models.Testimonial.objects.get(supporter=self.supporter)
        self.assertEqual(given.signature, "")
        self.assertIs(given.is_approved(), False)

    def test_no_consent_on_the_manage_page_keeps_nothing(self):
        response = self.post(self.give_url, {"text": WORDS})

        self.assertContains(response, "Tick the box", status_code=400)
        self.assertFalse(models.Testimonial.objects.exists())

    def test_supporter_removes_a_shown_testimonial_which_is_gone_at_once(self):
        with self.captureOnCommitCallbacks(execute=True):
            shown = testimonials.give(
                supporter=self.supporter, text=WORDS, signature="", where="a test"
            )
            testimonials.approve(
                testimonials=models.Testimonial.objects.all(), user=None
            )
        self.assertEqual(Version.objects.get_for_object(shown).count(), 2)
        reader = Client()
        self.assertContains(reader.get(SUPPORT), "show every source")
        self.assertContains(self.client.get(self.manage), "These words are shown")
        before = support_generation()

        response = self.post(self.remove_url)

        self.assertContains(response, "your words are no longer shown")
        self.assertFalse(models.Testimonial.objects.exists())
        # Consent withdrawn: the words are kept nowhere, history included.
        self.assertFalse(Version.objects.get_for_object(shown).exists())
        self.assertFalse(Revision.objects.exists())
        self.assertNotEqual(support_generation(), before)
        self.assertTrue(Invalidation.objects.filter(paths=SUPPORT).exists())
        self.assertNotContains(reader.get(SUPPORT), "show every source")

    def test_removing_when_there_is_nothing_says_so(self):
        response = self.post(self.remove_url)

        self.assertContains(response, "there was nothing to take off")

    def test_a_forged_or_used_link_removes_nothing(self):
        make_testimonial(supporter=self.supporter, approved=True)
        forged = reverse("donations:testimonial-remove", args=["x" * 40])

        response = self.post(forged)

        self.assertContains(response, "This link is not valid.", status_code=400)
        self.assertTrue(models.Testimonial.objects.exists())

    def test_another_supporters_testimonial_is_untouched(self):
        other = make_testimonial(approved=True)

        self.post(self.remove_url)

        self.assertTrue(models.Testimonial.objects.filter(pk=other.pk).exists())


class TestimonialAdminTests(TestCase):
    """As the fundraiser."""

    @classmethod
    def setUpTestData(cls):
        cls.user = fundraiser()

    def setUp(self):
        self.client.force_login(self.user)

    def act(self, action, *objects):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(
                CHANGELIST,
                {"action": action, "_selected_action": [o.pk for o in objects]},
                follow=True,
            )

    def test_fundraiser_approves_a_testimonial_which_then_shows(self):
        waiting = make_testimonial()
        self.assertNotContains(Client().get(SUPPORT), "show every source")
        before = support_generation()

        response = self.act("approve", waiting)

        self.assertContains(response, "1 testimonial approved")
        waiting.refresh_from_db()
        self.assertIs(waiting.is_approved(), True)
        self.assertEqual(waiting.approved_by, self.user)
        [version] = Version.objects.get_for_object(waiting)
        self.assertEqual(version.revision.user, self.user)
        self.assertEqual(version.revision.comment, "Approved the testimonial.")
        self.assertNotEqual(support_generation(), before)
        reader = Client().get(SUPPORT)
        self.assertContains(reader, "show every source")
        self.assertContains(reader, "Ana, Porto")

    def test_fundraiser_withdraws_an_approval(self):
        shown = make_testimonial(approved=True)

        self.act("withdraw_approval", shown)

        shown.refresh_from_db()
        self.assertIs(shown.is_approved(), False)
        self.assertNotContains(Client().get(SUPPORT), "show every source")

    def test_the_list_filters_those_waiting_for_approval(self):
        make_testimonial(text="Waiting words.")
        make_testimonial(text="Shown words.", approved=True)

        response = self.client.get(CHANGELIST, {"approval": "waiting"})

        self.assertContains(response, "Waiting words.")
        self.assertNotContains(response, "Shown words.")

    def test_the_list_shows_the_words_and_fundraisers_cannot_add_or_edit_them(self):
        waiting = make_testimonial()

        listed = self.client.get(CHANGELIST)
        change = self.client.get(
            reverse("admin:donations_testimonial_change", args=[waiting.pk])
        )

        self.assertContains(listed, "show every source")
        self.assertEqual(
            self.client.get(reverse("admin:donations_testimonial_add")).status_code,
            403,
        )
        self.assertNotContains(change, 'name="text"')

    def test_editor_cannot_see_or_approve_testimonials(self):
        waiting = make_testimonial()
        self.client.force_login(staff("Editor"))

        self.assertEqual(self.client.get(CHANGELIST).status_code, 403)
        self.act("approve", waiting)

        waiting.refresh_from_db()
        self.assertIs(waiting.is_approved(), False)


class SupportPageTestimonialsTests(TestCase):
    """As the anonymous reader."""

    @classmethod
    def setUpTestData(cls):
        CampaignFactory(is_current=True)

    def test_only_approved_testimonials_are_shown_escaped(self):
        make_testimonial(text="Approved <script>alert(1)</script>", approved=True)
        make_testimonial(text="Waiting for a fundraiser.")

        response = self.client.get(SUPPORT)

        self.assertContains(response, "Why readers give")
        self.assertContains(response, "Approved &lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertNotContains(response, "Waiting for a fundraiser.")

    def test_an_unsigned_testimonial_reads_a_supporter(self):
        make_testimonial(signature="", approved=True)

        response = self.client.get(SUPPORT)

        self.assertContains(response, "<footer>A supporter</footer>", html=True)

    def test_no_section_without_approved_testimonials(self):
        make_testimonial()

        self.assertNotContains(self.client.get(SUPPORT), "Why readers give")

    def test_query_count_does_not_grow_with_the_testimonials(self):
        for size in (2, 20):
            with self.subTest(size=size):
                for _ in range(size):
                    make_testimonial(approved=True)

                # The campaign, the other ways to give, the testimonials.
                with self.assertNumQueries(3):
                    self.client.get(SUPPORT)


class TestimonialConstraintTests(TestCase):
    def test_the_database_refuses_empty_words(self):
        with self.assertRaises(IntegrityError):
            make_testimonial(text="  ")

    def test_the_database_refuses_words_past_the_limit(self):
        with self.assertRaises(IntegrityError):
            make_testimonial(text="x" * 601)
