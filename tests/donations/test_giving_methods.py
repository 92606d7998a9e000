"""Other ways to give than a card: edited by fundraisers, listed on /support/."""

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from reversion.models import Version

from donations.models import GivingMethod
from factually import pagecache
from factually.models import Invalidation
from tests.roles import staff

from .factories import CampaignFactory, fundraiser

SUPPORT = reverse("donations:support")
ADD = reverse("admin:donations_givingmethod_add")


def method(**fields):
    return GivingMethod.objects.create(
        **{
            "name": "Bank transfer",
            "kind": GivingMethod.Kind.BANK_TRANSFER,
            "instructions": "IBAN: XX00 DEMO 0000 0000",
            **fields,
        }
    )


def support_generation():
    return pagecache.generations.cache().get(pagecache.path_key(SUPPORT))


class GivingMethodAdminTests(TestCase):
    """As the fundraiser."""

    @classmethod
    def setUpTestData(cls):
        cls.user = fundraiser()

    def setUp(self):
        self.client.force_login(self.user)

    def form(self, **overrides):
        return {
            "name": "Cheque",
            "kind": "cheque",
            "instructions": "Factually\r\nPO Box 000\r\nExample City",
            "position": "2",
            "is_shown": "on",
            **overrides,
        }

    def test_fundraiser_adds_a_method_with_a_revision_and_retires_support_page(self):
        before = support_generation()

        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(ADD, self.form())

        self.assertEqual(response.status_code, 302)
        added = GivingMethod.objects.get()
        self.assertEqual(added.instructions, "Factually\r\nPO Box 000\r\nExample City")
        [version] = Version.objects.get_for_object(added)
        self.assertEqual(version.revision.user, self.user)
        self.assertTrue(Invalidation.objects.filter(paths=SUPPORT).exists())
        self.assertNotEqual(support_generation(), before)

    def test_fundraiser_changes_a_method_with_a_revision_and_retires_support_page(
        self,
    ):
        existing = method()
        before = support_generation()

        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("admin:donations_givingmethod_change", args=[existing.pk]),
                self.form(name="Cheque by post", is_shown=""),
            )

        self.assertEqual(response.status_code, 302)
        existing.refresh_from_db()
        self.assertEqual(existing.name, "Cheque by post")
        self.assertFalse(existing.is_shown)
        self.assertEqual(Version.objects.get_for_object(existing).count(), 1)
        self.assertNotEqual(support_generation(), before)
        # Hidden at once: the next reader sees the page without it.
        self.assertNotContains(self.client.get(SUPPORT), "Cheque by post")

    def test_method_without_instructions_is_refused_and_nothing_changes(self):
        response = self.client.post(ADD, self.form(instructions=""))

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "This field is required.")
        self.assertFalse(GivingMethod.objects.exists())
        self.assertFalse(Invalidation.objects.filter(paths=SUPPORT).exists())


class GivingMethodPermissionTests(TestCase):
    def test_editor_cannot_see_add_or_change_methods(self):
        existing = method()
        self.client.force_login(staff("Editor"))
        change = reverse("admin:donations_givingmethod_change", args=[existing.pk])

        self.assertEqual(self.client.get(ADD).status_code, 403)
        self.assertEqual(self.client.get(change).status_code, 403)
        response = self.client.post(change, {"name": "Hijacked", "kind": "other"})

        self.assertEqual(response.status_code, 403)
        existing.refresh_from_db()
        self.assertEqual(existing.name, "Bank transfer")

    def test_fundraising_group_may_add_change_and_view_methods(self):
        user = fundraiser()

        for action in ("add", "change", "view"):
            with self.subTest(action=action):
                self.assertTrue(user.has_perm(f"donations.{action}_givingmethod"))


class SupportPageMethodsTests(TestCase):
    """As the reader."""

    @classmethod
    def setUpTestData(cls):
        CampaignFactory(is_current=True, currency="USD")

    def test_methods_are_listed_in_the_order_staff_chose_without_hidden_ones(self):
        method(name="Cheque", kind="cheque", instructions="PO Box 000", position=2)
        method(name="Bank transfer", instructions="IBAN: XX00\nBIC: DEMO", position=1)
        method(name="Old fund", kind="daf", position=0, is_shown=False)

        response = self.client.get(SUPPORT)

        self.assertContains(response, "Other ways to give")
        self.assertContains(response, "it counts toward the goal like any other")
        content = response.content.decode()
        self.assertLess(content.index("Bank transfer"), content.index("Cheque"))
        self.assertNotContains(response, "Old fund")
        # Line breaks kept, the text escaped.
        self.assertContains(response, "<p>IBAN: XX00<br>BIC: DEMO</p>", html=True)

    def test_instructions_are_escaped(self):
        method(instructions="<script>alert(1)</script>")

        response = self.client.get(SUPPORT)

        self.assertNotContains(response, "<script>alert(1)")
        self.assertContains(response, "&lt;script&gt;alert(1)")

    def test_no_section_when_no_method_is_shown(self):
        method(is_shown=False)

        response = self.client.get(SUPPORT)

        self.assertNotContains(response, 'aria-labelledby="other-ways"')
        self.assertNotContains(response, "Other ways to give")

    def test_query_count_does_not_grow_with_the_methods(self):
        for position in range(5):
            method(name=f"Way {position}", position=position)
        self.client.get(SUPPORT)

        # The campaign, the methods and the testimonials, one query each.
        with self.assertNumQueries(3):
            response = self.client.get(SUPPORT)

        self.assertContains(response, "Way 4")


class DemoGivingMethodsTests(TestCase):
    def test_demo_loads_three_plainly_fake_methods_once(self):
        call_command("load_demo_donations", verbosity=0)
        call_command("load_demo_donations", verbosity=0)

        methods = list(GivingMethod.objects.shown())
        self.assertEqual(
            [m.kind for m in methods],
            [
                GivingMethod.Kind.BANK_TRANSFER,
                GivingMethod.Kind.CHEQUE,
                GivingMethod.Kind.DONOR_ADVISED_FUND,
            ],
        )
        self.assertIn("XX00 DEMO", methods[0].instructions)
        self.assertIn("Example City", methods[1].instructions)
        self.assertIn("example.org", methods[2].instructions)
