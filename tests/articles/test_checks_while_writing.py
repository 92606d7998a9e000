from django.test import TestCase

from articles.factchecks.shape import load
from articles.newsroom.writing_warnings import strip_heading_number, warnings
from tests.articles.factories import CitationFactory, SectionFactory, build_article


def messages(article):
    return [(w.field, w.message) for w in warnings(load(article))]


class WarningTests(TestCase):
    def test_unknown_marker_is_named_next_to_its_text(self):
        article = build_article(sections=1, citations=1, summary="See [1] and [3].")

        self.assertIn(
            ("summary", "[3] points to no citation (this article has 1)."),
            messages(article),
        )

    def test_range_counts_as_citing_each_number(self):
        article = build_article(sections=1, citations=3, summary="All [1–3].")

        self.assertEqual([m for m in messages(article) if "not cited" in m[1]], [])

    def test_backward_range_is_pointed_out(self):
        article = build_article(sections=1, citations=3, summary="Odd [3-1] [1][2][3].")

        self.assertIn("[3-1] is not read as a citation", messages(article)[0][1])

    def test_uncited_citation_empty_section_and_numbered_heading(self):
        article = build_article(sections=0, citations=0, summary="Text.")
        CitationFactory(article=article, position=1)
        SectionFactory(article=article, position=1, heading="1. One", body="")

        self.assertEqual(
            messages(article),
            [
                (
                    "sections-0-heading",
                    "Starts with a number, and the page numbers sections itself "
                    "(“1. 1. …”). Saving removes it.",
                ),
                ("sections-0-body", "This section has no text yet."),
                ("citations-0-source", "Citation 1 is not cited anywhere in the text."),
            ],
        )

    def test_long_paragraph_is_pointed_out(self):
        article = build_article(sections=1, citations=1, summary="word " * 300 + "[1]")

        self.assertIn(
            (
                "summary",
                "A paragraph of 301 words: on a phone that is several screens. "
                "Consider splitting it.",
            ),
            messages(article),
        )

    def test_markers_in_code_and_number_links_are_not_read(self):
        article = build_article(
            sections=1, citations=1, summary="Type `[7]` or see [2](https://x.org) [1]."
        )

        self.assertEqual([m for m in messages(article) if "points to" in m[1]], [])

    def test_clean_draft_has_no_warnings(self):
        self.assertEqual(messages(build_article(sections=2, citations=2)), [])


class HeadingNumberTests(TestCase):
    def test_pasted_numbers_are_removed_but_a_number_alone_stays(self):
        self.assertEqual(strip_heading_number("1. 1. The tally"), "The tally")
        self.assertEqual(strip_heading_number("2) Counting"), "Counting")
        self.assertEqual(strip_heading_number("1999"), "1999")
        self.assertEqual(strip_heading_number("1999 in review"), "1999 in review")
