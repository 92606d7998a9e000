from django.test import SimpleTestCase, TestCase

from articles.models import Publication
from articles.readers.search import MAX_QUERY_LENGTH, clean_query, matching
from tests.articles.factories import published_article


class CleanReaderQueryTests(SimpleTestCase):
    def test_nul_and_other_control_characters_become_spaces(self):
        self.assertEqual(clean_query("a\x00b\x1b[31mc\r\nd"), "a b [31mc d")

    def test_invisible_format_characters_and_surrogates_become_spaces(self):
        self.assertEqual(clean_query("vote\u200bfraud\u202e \ud800x"), "vote fraud x")

    def test_compatibility_characters_are_folded(self):
        self.assertEqual(clean_query("ﬁnd Ｖｏｔｅｓ"), "find Votes")

    def test_length_is_capped_after_collapsing_whitespace(self):
        query = clean_query("  word " * 1_000)

        self.assertEqual(len(query), MAX_QUERY_LENGTH - 1)  # The trailing space goes.
        self.assertTrue(query.startswith("word word"))

    def test_only_rubbish_leaves_nothing(self):
        self.assertEqual(clean_query("\x00\x00\u200b \t"), "")


class SearchHostileQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        published_article(title="Fact check: Did turnout double?", slug="turnout")

    def test_a_nul_between_words_still_finds_them(self):
        found = matching(Publication.objects.live(), "turnout\x00double")

        self.assertEqual([p.slug for p in found], ["turnout"])

    def test_a_query_of_nul_characters_finds_nothing(self):
        self.assertQuerySetEqual(matching(Publication.objects.live(), "\x00\x00"), [])

    def test_the_search_page_refuses_a_nul_with_a_reason(self):
        response = self.client.get("/search/?q=%00")

        self.assertEqual(response.status_code, 400)
        self.assertTrue(response.context["form"].errors["q"])
