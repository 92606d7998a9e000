"""Supporting organisations: added by fundraisers, listed on /supporters/ by tier."""

import os
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, TestCase
from django.urls import reverse
from PIL import Image
from reversion.models import Version

from donations import models, tracker
from donations.models import Organisation
from factually.models import Invalidation, StoredFile
from tests.roles import staff

from .factories import fundraiser

SUPPORTERS = reverse("donations:supporters")
ADD = reverse("admin:donations_organisation_add")


def image_bytes(format="PNG", size=(240, 80), **save):
    buffer = BytesIO()
    Image.new("RGB", size, (20, 60, 120)).save(buffer, format=format, **save)
    return buffer.getvalue()


def upload(name="logo.png", content=None):
    return SimpleUploadedFile(name, image_bytes() if content is None else content)


def organisation(**fields):
    return Organisation.objects.create(
        **{"name": "Open Data Foundation", "consents_to_be_shown": True, **fields}
    )


class OrganisationAdminTests(TestCase):
    """As the fundraiser."""

    @classmethod
    def setUpTestData(cls):
        cls.user = fundraiser()

    def setUp(self):
        self.client.force_login(self.user)

    def add(self, **overrides):
        form = {
            "name": "Civic Trust",
            "url": "https://civic-trust.example/",
            "tier": "1",
            "consents_to_be_shown": "on",
            "position": "0",
            **overrides,
        }
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(ADD, form)

    def assert_nothing_changed(self):
        self.assertFalse(Organisation.objects.exists())
        self.assertFalse(StoredFile.objects.exists())
        self.assertFalse(Invalidation.objects.filter(paths=SUPPORTERS).exists())

    def test_fundraiser_adds_an_organisation_with_a_logo_in_the_default_storage(self):
        response = self.add(logo=upload("Civic Logo.PNG"))

        self.assertEqual(response.status_code, 302)
        added = Organisation.objects.get()
        self.assertEqual(added.logo.name, "organisations/civic-trust.png")
        self.assertEqual((added.logo_width, added.logo_height), (240, 80))
        stored = StoredFile.objects.get(name=added.logo.name)
        self.assertEqual(bytes(stored.content), image_bytes())
        self.assertEqual(stored.content_type, "image/png")
        [version] = Version.objects.get_for_object(added)
        self.assertEqual(version.revision.user, self.user)
        self.assertTrue(Invalidation.objects.filter(paths=SUPPORTERS).exists())

    def test_the_change_form_previews_the_logo_scaled_without_inline_style(self):
        self.add(logo=upload())
        added = Organisation.objects.get()

        response = self.client.get(
            reverse("admin:donations_organisation_change", args=[added.pk])
        )

        self.assertContains(
            response,
            f'<img src="{added.logo.url}" width="192" height="64" alt="Civic Trust">',
            html=True,
        )

    def test_the_logo_is_served_at_its_url(self):
        self.add(logo=upload())
        added = Organisation.objects.get()

        response = Client().get(added.logo.url)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertEqual(response.content, image_bytes())

    def test_a_file_that_is_not_an_image_is_refused_and_nothing_changes(self):
        response = self.add(logo=upload("logo.png", b"<svg onload=alert(1)>"))

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Upload a valid image.")
        self.assert_nothing_changed()

    def test_an_image_in_another_format_is_refused_with_the_formats_allowed(self):
        response = self.add(logo=upload("logo.gif", image_bytes("GIF")))

        self.assertContains(response, "The logo must be a PNG, JPEG or WebP image.")
        self.assert_nothing_changed()

    def test_a_logo_over_a_megabyte_is_refused_saying_its_size(self):
        noise = Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3))
        big = BytesIO()
        noise.save(big, format="PNG")
        self.assertGreater(len(big.getvalue()), 1024 * 1024)

        response = self.add(logo=upload("big.png", big.getvalue()))

        self.assertContains(response, "the largest accepted is 1 MB")
        self.assert_nothing_changed()

    def test_a_logo_too_many_pixels_wide_is_refused(self):
        wide = image_bytes(size=(4001, 1))

        response = self.add(logo=upload("wide.png", wide))

        self.assertContains(response, "it may be at most 4000 pixels a side")
        self.assert_nothing_changed()

    def test_a_link_that_is_not_http_is_refused(self):
        response = self.add(url="javascript:alert(1)")

        self.assertContains(response, "Enter a valid URL.")
        self.assert_nothing_changed()

    def test_changing_an_organisation_retires_the_cached_supporters_page(self):
        existing = organisation(name="Civic Trust")
        reader = Client()
        reader.get(SUPPORTERS)  # Learns the tracker's generation key.
        reader.get(SUPPORTERS)  # Stored.
        self.assertEqual(reader.get(SUPPORTERS)["X-Page-Cache"], "hit")

        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("admin:donations_organisation_change", args=[existing.pk]),
                {"name": "Civic Trust", "tier": "1", "position": "0"},
            )

        response = reader.get(SUPPORTERS)
        self.assertEqual(response["X-Page-Cache"], "miss")
        self.assertNotContains(response, "Civic Trust")


class OrganisationPermissionTests(TestCase):
    def test_editor_cannot_add_or_change_organisations(self):
        existing = organisation()
        self.client.force_login(staff("Editor"))
        change = reverse("admin:donations_organisation_change", args=[existing.pk])

        self.assertEqual(self.client.get(ADD).status_code, 403)
        response = self.client.post(change, {"name": "Hijacked", "tier": "1"})

        self.assertEqual(response.status_code, 403)
        existing.refresh_from_db()
        self.assertEqual(existing.name, "Open Data Foundation")

    def test_fundraising_group_may_add_change_view_and_delete_organisations(self):
        user = fundraiser()

        for action in ("add", "change", "view", "delete"):
            with self.subTest(action=action):
                self.assertTrue(user.has_perm(f"donations.{action}_organisation"))


class SupportersPageOrganisationsTests(TestCase):
    """As the anonymous reader."""

    def test_organisations_are_grouped_by_tier_in_order_without_unconsented_ones(self):
        organisation(name="Small Press Fund", tier=Organisation.Tier.SUPPORTING)
        organisation(name="Lantern Foundation", tier=Organisation.Tier.PRINCIPAL)
        organisation(name="Civic Trust", tier=Organisation.Tier.MAJOR, position=2)
        organisation(name="Open Data Co", tier=Organisation.Tier.MAJOR, position=1)
        organisation(name="Not Yet Agreed", consents_to_be_shown=False)

        response = self.client.get(SUPPORTERS)

        content = response.content.decode()
        order = [
            "Principal partners",
            "Lantern Foundation",
            "Major supporters",
            "Open Data Co",
            "Civic Trust",
            "Supporting organisations",
            "Small Press Fund",
        ]
        positions = [content.index(text) for text in order]
        self.assertEqual(positions, sorted(positions))
        self.assertNotContains(response, "Not Yet Agreed")

    def test_a_logo_is_shown_with_its_size_and_the_name_as_alt_text(self):
        logo = Organisation(name="Lantern & Co", consents_to_be_shown=True)
        logo.url = "https://lantern.example/"
        logo.logo.save("lantern.png", upload(), save=True)

        response = self.client.get(SUPPORTERS)

        self.assertContains(
            response,
            f'<a href="https://lantern.example/" rel="sponsored noopener">'
            f'<img src="/media/{logo.logo.name}" width="240" height="80" '
            f'alt="Lantern &amp; Co" loading="lazy" decoding="async"></a>',
            html=True,
        )

    def test_without_a_logo_the_name_is_shown_as_text(self):
        organisation(name="<b>Civic</b> Trust")

        response = self.client.get(SUPPORTERS)

        self.assertContains(
            response,
            '<span class="organisation__name">&lt;b&gt;Civic&lt;/b&gt; Trust</span>',
            html=True,
        )

    def test_no_section_without_organisations(self):
        organisation(consents_to_be_shown=False)

        response = self.client.get(SUPPORTERS)

        self.assertNotContains(response, "Organisations that support us")

    def test_the_page_costs_the_same_queries_whatever_the_organisations(self):
        self.client.get(SUPPORTERS)  # Warms the banner's cache.
        for size in (2, 20):
            with self.subTest(size=size):
                for index in range(size):
                    organisation(name=f"Org {size} {index}", tier=1 + index % 3)
                tracker.invalidate()  # Retires the cached page.

                # The named supporters' count (none, so no page of them),
                # the current campaign (the tracker is rebuilt), organisations.
                with self.assertNumQueries(3):
                    response = self.client.get(SUPPORTERS)

                self.assertContains(response, f"Org {size} {size - 1}")


class DemoSupportingTests(TestCase):
    def test_demo_loads_organisations_and_testimonials_once(self):
        call_command("load_demo_donations", verbosity=0)
        call_command("load_demo_supporting", verbosity=0)
        call_command("load_demo_supporting", verbosity=0)

        shown = list(Organisation.objects.shown())
        self.assertEqual(len(shown), 4)
        self.assertEqual(shown[0].tier, Organisation.Tier.PRINCIPAL)
        self.assertTrue(all(o.url.endswith(".example/") or not o.url for o in shown))
        with_logos = [o for o in shown if o.logo]
        self.assertEqual(len(with_logos), 3)
        for organisation in with_logos:
            self.assertTrue(StoredFile.objects.filter(name=organisation.logo.name))
        self.assertEqual(models.Testimonial.objects.shown().count(), 3)
        self.assertEqual(models.Testimonial.objects.awaiting_approval().count(), 1)
        response = Client().get(reverse("donations:support"))
        self.assertContains(response, "Every source is linked")
