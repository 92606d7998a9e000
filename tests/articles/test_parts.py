"""
One declaration per part (`articles.factchecks.shape.PARTS`): what readers see of each
part is editable in the admin or deliberately left out, and the admin, the
typo-fix rules and the rendering read the same declaration.
"""

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.test import RequestFactory, TestCase

from articles.factchecks.frozen_content import render_draft
from articles.factchecks.shape import ARTICLE_FIELDS, FIXED, PARTS, SPELLING, load
from articles.models import Article, Claim
from tests.articles.factories import ClaimFactory, build_article
from tests.roles import create_roles, staff

from .test_admin import AdminTestCase, change_form_data


def editor_request():
    request = RequestFactory().get("/admin/")
    request.user = staff("Editor")
    return request


class ReadersFieldsAreEditableTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        create_roles()

    def setUp(self):
        self.request = editor_request()
        self.article_admin = admin.site.get_model_admin(Article)
        self.article = build_article()

    def inline_fields(self):
        """{part's model: the fields its inline shows an editor}."""
        return {
            inline.model: set(
                flatten_fieldsets(inline.get_fieldsets(self.request, self.article))
            )
            for inline in self.article_admin.get_inline_instances(
                self.request, self.article
            )
        }

    def test_every_field_readers_see_of_a_part_is_editable_or_excluded(self):
        inline_fields = self.inline_fields()

        for part in PARTS:
            with self.subTest(part=part.name):
                self.assertIn(part.model, inline_fields)
                missing = set(part.fields) - inline_fields[part.model]
                self.assertEqual(missing, set(part.not_edited))

    def test_every_exclusion_says_why(self):
        for part in PARTS:
            for name, reason in part.not_edited.items():
                with self.subTest(part=part.name, field=name):
                    self.assertIn(name, part.fields)
                    self.assertTrue(reason.strip())

    def test_every_field_readers_see_of_the_article_is_editable(self):
        fields = set(
            flatten_fieldsets(
                self.article_admin.get_fieldsets(self.request, self.article)
            )
        )

        self.assertEqual(set(ARTICLE_FIELDS) - fields, set())

    def test_the_headline_claim_is_in_the_claims_inline(self):
        self.assertIn("is_headline", self.inline_fields()[Claim])


class DeclarationDrivesEveryUseTests(TestCase):
    def test_typo_rules_read_the_declaration(self):
        claims = next(part for part in PARTS if part.name == "claims")
        citations = next(part for part in PARTS if part.name == "citations")

        self.assertEqual(claims.typo_rule("rating"), FIXED)
        self.assertEqual(claims.typo_rule("is_headline"), FIXED)
        self.assertEqual(claims.typo_rule("explanation"), SPELLING)
        self.assertEqual(citations.typo_rule("note"), FIXED)

    def test_every_claim_field_is_rendered_for_readers(self):
        article = build_article(claims=2)
        claims = next(part for part in PARTS if part.name == "claims")

        rendered = render_draft(load(article)).content["claims"][0]

        for name in claims.fields:
            with self.subTest(field=name):
                self.assertTrue(name in rendered or f"{name}_html" in rendered)


class HeadlineClaimInAdminTests(AdminTestCase):
    def setUp(self):
        self.article = build_article(claims=1)
        ClaimFactory(article=self.article, position=2, claimant="B. Speaker")

    def claim(self, position):
        return self.article.claims.get(position=position)

    def test_editor_chooses_the_headline_claim(self):
        response = self.save_in_admin(
            self.editor, self.article, **{"claims-1-is_headline": "on"}
        )

        self.assertEqual(response.status_code, 302)
        self.assertIs(self.claim(2).is_headline, True)
        self.assertIs(self.claim(1).is_headline, False)

    def test_the_headline_moves_from_one_claim_to_another_in_one_save(self):
        Claim.objects.filter(pk=self.claim(1).pk).update(is_headline=True)

        response = self.save_in_admin(
            self.editor,
            self.article,
            **{"claims-0-is_headline": "", "claims-1-is_headline": "on"},
        )

        self.assertEqual(response.status_code, 302)
        self.assertIs(self.claim(1).is_headline, False)
        self.assertIs(self.claim(2).is_headline, True)

    def test_two_headline_claims_are_refused_with_a_clear_message(self):
        self.client.force_login(self.writer)
        data = change_form_data(
            self.article,
            **{"claims-0-is_headline": "on", "claims-1-is_headline": "on"},
        )

        response = self.client.post(self.change_url(self.article), data)

        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response, "Tick “headline claim” on one claim only: 2 are ticked (1, 2)."
        )
        self.assertEqual(self.article.claims.filter(is_headline=True).count(), 0)

    def test_readers_see_the_chosen_headline_claim(self):
        self.save_in_admin(self.editor, self.article, **{"claims-1-is_headline": "on"})

        rendered = render_draft(load(self.article)).content["claims"]

        self.assertEqual([c["is_headline"] for c in rendered], [False, True])
