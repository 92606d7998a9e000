import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import SimpleTestCase, TestCase

from sources.models import Source, normalize_url
from tests.sources.factories import SourceFactory


class NormalizeUrlTests(SimpleTestCase):
    def test_same_document_gets_the_same_key(self):
        variants = [
            "https://www.example.org/report/",
            "http://example.org/report",
            "HTTPS://Example.org:443/report#page=2",
            "https://example.org/report?utm_source=mail&fbclid=abc",
        ]

        self.assertEqual(
            {normalize_url(url) for url in variants}, {"example.org/report"}
        )

    def test_meaningful_query_and_port_are_kept(self):
        self.assertEqual(
            normalize_url("https://example.org:8443/data?b=2&a=1"),
            "example.org:8443/data?a=1&b=2",
        )


class SourceTests(TestCase):
    def test_same_document_cannot_be_entered_twice(self):
        SourceFactory(url="https://www.example.org/report/")

        with self.assertRaises(IntegrityError):
            SourceFactory(url="http://example.org/report?utm_campaign=x")

    def test_duplicate_gets_a_readable_form_error_naming_the_original(self):
        SourceFactory(title="The annual report", url="https://example.org/report")
        duplicate = Source(title="Copy", url="https://www.example.org/report/")

        with self.assertRaises(ValidationError) as caught:
            duplicate.full_clean()

        self.assertEqual(
            caught.exception.message_dict["url"],
            [
                "This document is already a source: “The annual report”. Cite that one instead."
            ],
        )

    def test_only_web_addresses_are_accepted(self):
        for url in (
            "javascript:alert(1)",
            "ftp://example.org/file",
            "data:text/html,x",
        ):
            with self.subTest(url=url):
                source = Source(title="Bad", url=url)
                with self.assertRaises(ValidationError) as caught:
                    source.full_clean()
                self.assertIn("url", caught.exception.message_dict)

    def test_database_refuses_a_non_web_address(self):
        with self.assertRaises(IntegrityError):
            Source.objects.create(title="Bad", url="javascript:alert(1)")

    def test_date_is_shown_at_its_precision(self):
        day = datetime.date(2021, 3, 14)
        cases = [("day", "March 14, 2021"), ("month", "March 2021"), ("year", "2021")]
        for precision, expected in cases:
            with self.subTest(precision=precision):
                source = Source(published_on=day, date_precision=precision)
                self.assertEqual(source.display_date(), expected)
