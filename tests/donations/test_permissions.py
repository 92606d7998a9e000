from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import TestCase
from django.urls import reverse

from .factories import (
    BannerMessageFactory,
    CampaignFactory,
    DonationFactory,
    fundraiser,
    newsroom_editor,
)


class DonationPermissionTests(TestCase):
    """Donor data is personal data: only fundraising staff see any of it."""

    @classmethod
    def setUpTestData(cls):
        cls.campaign = CampaignFactory(is_current=True)
        cls.message = BannerMessageFactory(campaign=cls.campaign)
        cls.donation = DonationFactory(
            supporter__address="ada@example.org", provider_id="pi_secret"
        )
        cls.urls = [
            reverse("admin:app_list", args=["donations"]),
            reverse("admin:donations_campaign_changelist"),
            reverse("admin:donations_campaign_change", args=[cls.campaign.pk]),
            reverse("admin:donations_campaign_dashboard", args=[cls.campaign.pk]),
            reverse("admin:donations_campaign_current_dashboard"),
            reverse("admin:donations_bannermessage_changelist"),
            reverse("admin:donations_supporter_changelist"),
            reverse(
                "admin:donations_supporter_change", args=[cls.donation.supporter.pk]
            ),
            reverse("admin:donations_donation_changelist"),
            reverse("admin:donations_donation_change", args=[cls.donation.pk]),
            reverse("admin:donations_donation_add"),
            reverse("admin:donations_donation_import"),
            reverse("admin:donations_webhookevent_changelist"),
        ]

    def test_fundraising_group_holds_every_donations_permission_and_its_audit(self):
        group = Group.objects.get(name="Fundraising")

        self.assertEqual(
            set(group.permissions.all()),
            set(Permission.objects.filter(content_type__app_label="donations"))
            | {Permission.objects.get(codename="view_fundraising_entries")},
        )
        self.assertIn(
            "view_dashboard", group.permissions.values_list("codename", flat=True)
        )

    def test_fundraiser_sees_every_donations_page(self):
        self.client.force_login(fundraiser())

        for url in self.urls:
            with self.subTest(url=url):
                response = self.client.get(url, follow=True)
                self.assertEqual(response.status_code, 200)

    def test_writer_or_editor_sees_no_donations_page(self):
        self.client.force_login(newsroom_editor())

        for url in self.urls:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertIn(response.status_code, (403, 404))
                self.assertNotContains(
                    response, "pi_secret", status_code=response.status_code
                )

    def test_writer_or_editor_admin_index_lists_no_donations(self):
        self.client.force_login(newsroom_editor())

        response = self.client.get(reverse("admin:index"))

        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "/admin/donations/")

    def test_writer_or_editor_cannot_export_or_refund(self):
        self.client.force_login(newsroom_editor())

        for action in ("export_csv", "mark_refunded"):
            with self.subTest(action=action):
                response = self.client.post(
                    reverse("admin:donations_donation_changelist"),
                    {"action": action, "_selected_action": [self.donation.pk]},
                )
                self.assertEqual(response.status_code, 403)
        self.donation.refresh_from_db()
        self.assertIsNone(self.donation.refunded_at)

    def test_anonymous_reader_is_sent_to_the_login_page(self):
        for url in self.urls:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith(reverse("admin:login")))

    def test_dashboard_needs_its_own_permission(self):
        user = get_user_model().objects.create_user("viewer", is_staff=True)
        user.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label="donations", codename__startswith="view_"
            ).exclude(codename="view_dashboard")
        )
        self.client.force_login(user)

        dashboard = self.client.get(
            reverse("admin:donations_campaign_dashboard", args=[self.campaign.pk])
        )
        campaigns = self.client.get(reverse("admin:donations_campaign_changelist"))

        self.assertEqual(dashboard.status_code, 403)
        self.assertEqual(campaigns.status_code, 200)
        self.assertNotContains(campaigns, "Progress and pace")

    def test_viewing_without_adding_cannot_enter_or_import(self):
        user = get_user_model().objects.create_user("viewer", is_staff=True)
        user.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label="donations", codename="view_donation"
            )
        )
        self.client.force_login(user)

        for name in ("admin:donations_donation_add", "admin:donations_donation_import"):
            with self.subTest(name=name):
                self.assertEqual(self.client.get(reverse(name)).status_code, 403)
