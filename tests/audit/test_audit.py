"""The audit trail: append-only, each area for its own staff, every act recorded."""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from articles.factchecks.publishing import publish, withdraw
from articles.factchecks.shape import load
from articles.newsroom import approvals, workflow
from articles.newsroom import restoring as history
from audit.models import AuditEntry
from tests.articles.factories import build_article, published_article
from tests.donations.factories import CampaignFactory
from tests.donations.test_imports import csv_file
from tests.roles import UserFactory, create_roles, staff

Area = AuditEntry.Area
CHANGELIST = reverse("admin:audit_auditentry_changelist")


def entry(area, message, **fields):
    return AuditEntry.objects.record(
        area=area, action=fields.pop("action", "test"), message=message, **fields
    )


class AuditEntryTests(TestCase):
    def test_an_entry_cannot_be_changed_or_deleted(self):
        made = entry(Area.NEWSROOM, "Published.")

        made.message = "Something else."
        with self.assertRaisesMessage(ValidationError, "cannot be changed"):
            made.save()
        with self.assertRaisesMessage(ValidationError, "cannot be deleted"):
            made.delete()
        self.assertEqual(AuditEntry.objects.get().message, "Published.")

    def test_the_actor_s_name_outlives_the_user(self):
        user = UserFactory(username="gone")
        made = entry(Area.NEWSROOM, "x", user=user)

        user.delete()

        made.refresh_from_db()
        self.assertIsNone(made.actor)
        self.assertEqual(made.actor_name, "gone")


class AuditAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        create_roles()
        cls.writer = staff("Writer")
        cls.editor = staff("Editor")
        cls.fundraiser = staff("Fundraising")
        cls.superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
        cls.article = build_article(title="Fact check: Audited?")
        cls.newsroom = entry(
            Area.NEWSROOM, "Published version 1.", obj=cls.article, action="published"
        )
        cls.fundraising = entry(
            Area.FUNDRAISING, "Goal changed 1000 → 1500.", action="campaign.changed"
        )
        cls.accounts = entry(Area.ACCOUNTS, "Groups of ana: none → Editor.")

    def page(self, user, **query):
        self.client.force_login(user)
        return self.client.get(CHANGELIST, query)

    def test_editor_reads_newsroom_entries_only(self):
        response = self.page(self.editor)

        self.assertContains(response, "Published version 1.")
        self.assertNotContains(response, "Goal changed")
        self.assertNotContains(response, "Groups of ana")

    def test_writer_reads_newsroom_entries_too(self):
        response = self.page(self.writer)

        self.assertContains(response, "Published version 1.")
        self.assertNotContains(response, "Goal changed")

    def test_fundraiser_reads_fundraising_entries_only(self):
        response = self.page(self.fundraiser)

        self.assertContains(response, "Goal changed")
        self.assertNotContains(response, "Published version 1.")
        self.client.force_login(self.fundraiser)
        detail = reverse("admin:audit_auditentry_change", args=[self.newsroom.pk])
        hidden = self.client.get(detail, follow=True)
        self.assertContains(hidden, "doesn’t exist")
        self.assertNotContains(hidden, "Published version 1.")

    def test_anonymous_is_sent_to_login(self):
        response = self.client.get(CHANGELIST)

        self.assertRedirects(response, f"/admin/login/?next={CHANGELIST}")

    def test_staff_without_an_area_sees_no_trail(self):
        nobody = UserFactory(is_staff=True)

        self.assertEqual(self.page(nobody).status_code, 403)

    def test_editors_filter_by_action(self):
        entry(Area.NEWSROOM, "Withdrawn: wrong.", action="withdrawn")

        response = self.page(self.editor, action="withdrawn")

        self.assertContains(response, "Withdrawn: wrong.")
        self.assertNotContains(response, "Published version 1.")

    def test_entry_links_to_its_object(self):
        self.client.force_login(self.editor)

        response = self.client.get(
            reverse("admin:audit_auditentry_change", args=[self.newsroom.pk])
        )

        self.assertContains(
            response,
            f'<a href="{reverse("admin:articles_article_change", args=[self.article.pk])}">'
            "Fact check: Audited?</a>",
            html=True,
        )

    def test_no_role_adds_changes_or_deletes_entries_superusers_included(self):
        for user in (self.editor, self.fundraiser, self.superuser):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(
                    self.client.get(reverse("admin:audit_auditentry_add")).status_code,
                    403,
                )
                pk = (self.fundraising if user == self.fundraiser else self.newsroom).pk
                change = reverse("admin:audit_auditentry_change", args=[pk])
                self.client.post(change, {"message": "Rewritten."})
                delete = reverse("admin:audit_auditentry_delete", args=[pk])
                self.assertEqual(
                    self.client.post(delete, {"post": "yes"}).status_code, 403
                )
                response = self.client.post(
                    CHANGELIST,
                    {"action": "delete_selected", "_selected_action": [pk]},
                )
                self.assertNotEqual(response.status_code, 500)
        self.assertEqual(AuditEntry.objects.count(), 3)
        self.assertEqual(
            set(AuditEntry.objects.values_list("message", flat=True)),
            {self.newsroom.message, self.fundraising.message, self.accounts.message},
        )

    def test_superuser_reads_every_area(self):
        response = self.page(self.superuser)

        for message in ("Published version 1.", "Goal changed", "Groups of ana"):
            self.assertContains(response, message)


class RecordedActsTests(TestCase):
    """Each act the issue names leaves an entry naming who, what and which revision."""

    @classmethod
    def setUpTestData(cls):
        create_roles()
        cls.editor = staff("Editor")
        cls.fundraiser = staff("Fundraising")
        cls.superuser = UserFactory(username="root", is_staff=True, is_superuser=True)

    def actions(self):
        return list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))

    def test_publish_withdraw_schedule_cancel(self):
        article = build_article()
        publish(article=article, kind="first", user=self.editor)
        withdraw(article=article, note="Retracted.", user=self.editor)
        other = build_article()
        publish(
            article=other,
            kind="first",
            user=self.editor,
            published_at=timezone.now() + timedelta(days=1),
        )
        from articles.factchecks.publishing import cancel_scheduled

        cancel_scheduled(article=other, user=self.editor)

        self.assertEqual(
            self.actions(),
            ["published", "withdrawn", "scheduled", "scheduled.cancelled"],
        )
        self.assertEqual(
            set(AuditEntry.objects.values_list("actor", flat=True)), {self.editor.pk}
        )
        self.assertEqual(
            set(AuditEntry.objects.values_list("area", flat=True)), {Area.NEWSROOM}
        )

    def test_revert_links_the_new_revision(self):
        import reversion
        from reversion.models import Version

        article = published_article()
        with reversion.create_revision():
            article.save()
        revision = Version.objects.get_for_object(article).get().revision

        history.revert(article=article, revision=revision, user=self.editor)

        reverted = AuditEntry.objects.get(action="reverted")
        self.assertEqual(reverted.details["reverted_to"], revision.pk)
        latest = Version.objects.get_for_object(article).first().revision
        self.assertEqual(reverted.revision, latest)
        self.client.force_login(self.editor)
        detail = self.client.get(
            reverse("admin:audit_auditentry_change", args=[reverted.pk])
        )
        history_url = reverse("admin:articles_article_history", args=[article.pk])
        self.assertContains(detail, f'href="{history_url}#revision-{latest.pk}"')
        history_page = self.client.get(history_url)
        self.assertContains(history_page, f'id="revision-{latest.pk}"')

    def test_review_transitions(self):
        article = build_article(approved=False)
        writer = staff("Writer")
        workflow.submit(article=article, user=writer)
        workflow.request_changes(article=article, user=self.editor, note="More.")
        workflow.submit(article=article, user=writer)
        approvals.approve(
            article=article,
            user=self.editor,
            expected_digest=load(article).digest(),
        )

        self.assertEqual(
            self.actions(),
            [
                "review.submitted",
                "review.changes_requested",
                "review.submitted",
                "review.approved",
            ],
        )

    def test_group_change_in_the_user_admin_is_a_role_change(self):
        ana = UserFactory(username="ana", is_staff=True)
        self.client.force_login(self.superuser)
        url = reverse("admin:auth_user_change", args=[ana.pk])

        response = self.client.post(
            url,
            {
                "username": "ana",
                "is_active": "on",
                "is_staff": "on",
                "groups": [Group.objects.get(name="Editor").pk],
                "date_joined_0": "2026-01-01",
                "date_joined_1": "00:00:00",
            },
        )

        self.assertEqual(response.status_code, 302, response.content[:2000])
        role = AuditEntry.objects.get(action="role.groups")
        self.assertEqual(role.message, "Groups of ana: none → Editor.")
        self.assertEqual(role.actor, self.superuser)
        self.assertEqual(role.area, Area.ACCOUNTS)

    def test_a_save_that_keeps_the_groups_records_nothing(self):
        ana = UserFactory(username="ana", is_staff=True)
        self.client.force_login(self.superuser)

        self.client.post(
            reverse("admin:auth_user_change", args=[ana.pk]),
            {
                "username": "ana",
                "first_name": "Ana",
                "is_active": "on",
                "is_staff": "on",
                "date_joined_0": "2026-01-01",
                "date_joined_1": "00:00:00",
            },
        )

        self.assertFalse(AuditEntry.objects.exists())

    def test_group_permission_change_is_a_role_change(self):
        group = Group.objects.get(name="Writer")
        kept = list(group.permissions.values_list("pk", flat=True))
        self.client.force_login(self.superuser)

        self.client.post(
            reverse("admin:auth_group_change", args=[group.pk]),
            {"name": "Writer", "permissions": kept[1:]},
        )

        role = AuditEntry.objects.get(action="role.group_permissions")
        self.assertEqual(len(role.details["removed"]), 1)

    def test_goal_change_is_recorded_with_its_revision(self):
        campaign = CampaignFactory(goal=1000, name="Autumn")
        self.client.force_login(self.fundraiser)
        now = timezone.now()

        self.client.post(
            reverse("admin:donations_campaign_change", args=[campaign.pk]),
            {
                "name": "Autumn",
                "goal_kind": "supporters",
                "goal": "1500",
                "currency": "USD",
                "banner_views_per_day": "0",
                "starts_at_0": (now - timedelta(days=1)).strftime("%Y-%m-%d"),
                "starts_at_1": "00:00:00",
                "ends_at_0": (now + timedelta(days=30)).strftime("%Y-%m-%d"),
                "ends_at_1": "00:00:00",
                "donate_url": "https://buy.stripe.com/test_1",
            },
        )

        change = AuditEntry.objects.get(action="campaign.goal_changed")
        self.assertIn("1000 → 1500", change.message)
        self.assertEqual(change.area, Area.FUNDRAISING)
        self.assertEqual(change.revision.version_set.get().field_dict["goal"], 1500)

    def test_making_a_campaign_current_is_recorded(self):
        campaign = CampaignFactory()
        self.client.force_login(self.fundraiser)

        self.client.post(
            reverse("admin:donations_campaign_changelist"),
            {"action": "make_current", "_selected_action": [campaign.pk]},
        )

        self.assertEqual(self.actions(), ["campaign.made_current"])

    def test_csv_import_in_the_admin_and_by_command(self):
        self.client.force_login(self.fundraiser)
        self.client.post(
            reverse("admin:donations_donation_import"),
            {
                "file": SimpleUploadedFile(
                    "bank.csv",
                    csv_file("bank-1,ada@example.org,25.00,USD,2026-01-05,,,"),
                )
            },
        )
        imported = AuditEntry.objects.get(action="donations.imported")
        self.assertEqual(imported.actor, self.fundraiser)
        self.assertEqual(imported.details["imported"], 1)
        self.assertIn("bank.csv", imported.message)

    def test_a_dry_run_import_records_nothing(self):
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "gifts.csv"
            path.write_bytes(csv_file("bank-9,ada@example.org,5.00,USD,2026-01-05,,,"))
            call_command("import_donations", path, "--dry-run", verbosity=0)
            self.assertFalse(AuditEntry.objects.exists())
            call_command("import_donations", path, verbosity=0)

        imported = AuditEntry.objects.get()
        self.assertIsNone(imported.actor)
        self.assertIn("gifts.csv", imported.message)
