import re
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

from django.core.management import call_command
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import get_resolver, reverse

from articles.factchecks.publishing import withdraw
from articles.models import PreviewLink
from tests.articles.factories import (
    AuthorFactory,
    TopicFactory,
    build_article,
    published_article,
)

# What publishing does, not the review: each draft edited in code is
# published approved as it stands.
from tests.articles.factories import publish_approved as publish
from tests.donations.factories import BannerMessageFactory, CampaignFactory
from tests.helpers import public_urls, url_patterns
from tests.roles import UserFactory


class CollectStaticTests(SimpleTestCase):
    def test_collectstatic_writes_hashed_compressed_files(self):
        with tempfile.TemporaryDirectory() as root:
            storages = {
                "staticfiles": {
                    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
                },
            }
            with override_settings(STATIC_ROOT=root, STORAGES=storages):
                call_command("collectstatic", "--noinput", verbosity=0)

            names = {path.name for path in Path(root, "css").iterdir()}
        hashed = [n for n in names if re.fullmatch(r"site\.[0-9a-f]{12}\.css", n)]
        self.assertEqual(len(hashed), 1, names)
        self.assertIn(hashed[0] + ".gz", names)


MANIFEST_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
STATIC_REFERENCE = re.compile(r'(?:href|src)="(/static/[^"]+)"')
HASHED = re.compile(r"\.[0-9a-f]{12}\.[a-z0-9]+$")


def staff_urls(objects):
    """
    Every admin URL that takes no argument or only an object id, with the id
    of an object of that model from `objects` (app_model -> pk).
    """
    urls = set()
    for name, converters in url_patterns(get_resolver().url_patterns):
        if not name.startswith("admin:"):
            continue
        if not converters:
            urls.add(reverse(name))
        elif set(converters) == {"object_id"}:
            for prefix, pk in objects.items():
                if name.startswith(f"admin:{prefix}_"):
                    urls.add(reverse(name, kwargs={"object_id": pk}))
    return sorted(urls)


@override_settings(DEBUG=False)
class HashedStaticPagesTests(TestCase):
    """
    Every page rendered as production renders it: debug off, after
    collectstatic, with the manifest storage, where a template naming a
    static file that does not exist is an error instead of a broken link.
    """

    @classmethod
    def setUpClass(cls):
        cls.static_root = tempfile.mkdtemp()
        cls.addClassCleanup(shutil.rmtree, cls.static_root)
        cls.enterClassContext(
            override_settings(STATIC_ROOT=cls.static_root, STORAGES=MANIFEST_STORAGES)
        )
        call_command("collectstatic", "--noinput", verbosity=0)
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        topic = TopicFactory(slug="elections")
        author = AuthorFactory(slug="ada-writer")
        article = build_article(slug="turnout-claims", related=1)
        article.topics.add(topic)
        article.authors.add(author)
        publish(article=article, kind="first")
        withdrawn = published_article(slug="withdrawn-claims")
        withdraw(article=withdrawn, note="Withdrawn for the test.")
        campaign = CampaignFactory(is_current=True)
        BannerMessageFactory(campaign=campaign, active=True)
        cls.shared_preview = PreviewLink.objects.create(
            article=article
        ).get_absolute_url()
        cls.urls = public_urls(
            {
                "articles:detail": {"slug": article.slug},
                "articles:topic": {"slug": topic.slug},
                "articles:author": {"slug": author.slug},
                "articles:preview": {"pk": article.pk},
            }
        ) + [
            cls.shared_preview,
            "/fact-checks/withdrawn-claims/",
            "/search/?q=turnout",
            "/no-such-page/",
        ]
        cls.superuser = UserFactory(is_staff=True, is_superuser=True)
        cls.staff_urls = staff_urls(
            {
                "articles_article": article.pk,
                "articles_topic": topic.pk,
                "articles_author": author.pk,
                "donations_campaign": campaign.pk,
            }
        )

    def get(self, path):
        response = self.client.get(path)
        self.assertLess(response.status_code, 500, path)
        return response

    def assert_static_files_are_hashed_and_served(self, pages):
        references = {
            reference
            for response in pages
            for reference in STATIC_REFERENCE.findall(response.content.decode())
        }
        self.assertTrue(references)
        for reference in sorted(references):
            with self.subTest(reference=reference):
                self.assertRegex(reference, HASHED)
                served = self.client.get(reference)
                self.assertEqual(served.status_code, 200)
                # Read through the client, which closes the file response
                # without closing the test's database connection.
                self.assertTrue(served.getvalue())

    def test_every_public_page_renders_with_hashed_static_files(self):
        pages = [self.get(path) for path in self.urls]

        statuses = dict(
            zip(self.urls, (page.status_code for page in pages), strict=True)
        )
        for path in [
            "/",
            "/fact-checks/turnout-claims/",
            "/topics/",
            "/topics/elections/",
            "/authors/ada-writer/",
            "/search/?q=turnout",
            "/about/methodology/",
            "/about/corrections/",
            "/about/funding/",
            "/about/team/",
            "/feed/",
            "/sitemap.xml",
            "/robots.txt",
            "/admin/login/",
            self.shared_preview,
        ]:
            self.assertEqual(statuses[path], 200, path)
        self.assertEqual(statuses["/no-such-page/"], 404)
        self.assertEqual(statuses["/fact-checks/withdrawn-claims/"], 410)
        self.assertContains(pages[self.urls.index("/")], "js/donations.")
        self.assert_static_files_are_hashed_and_served(pages)

    def test_every_staff_page_renders_with_hashed_static_files(self):
        self.client.force_login(self.superuser)

        pages = [self.get(path) for path in self.staff_urls]

        self.assertGreater(
            sum(page.status_code == 200 for page in pages), 30, self.staff_urls
        )
        self.assert_static_files_are_hashed_and_served(pages)

    def test_the_500_and_lockout_pages_render_with_hashed_static_files(self):
        for name, context in [
            ("500.html", {}),
            (
                "admin/lockout.html",
                {"failure_limit": 5, "cooloff_timedelta": timedelta(minutes=15)},
            ),
        ]:
            with self.subTest(template=name):
                html = render_to_string(name, context)
                self.assertRegex(html, r"/static/[^\"]+\.[0-9a-f]{12}\.(css|svg)")

    def test_a_template_naming_a_missing_static_file_fails(self):
        template = Template("{% load static %}{% static 'css/no-such-file.css' %}")

        with self.assertRaisesMessage(ValueError, "Missing staticfiles manifest entry"):
            template.render(Context())
