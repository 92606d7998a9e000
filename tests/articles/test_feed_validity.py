"""Both feeds are valid Atom (RFC 4287), checked element by element."""

import datetime
import xml.etree.ElementTree as ET

import time_machine
from django.test import TestCase
from django.urls import reverse

from articles.factchecks.publishing import publish
from tests.articles.factories import edit_summary, published_article

NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)
ATOM = "{http://www.w3.org/2005/Atom}"


def parse_date(text):
    """An RFC 3339 date-time (RFC 4287, 3.3), or ValueError."""
    moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone")
    return moment


@time_machine.travel(NOW, tick=False)
class AtomValidityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with time_machine.travel(NOW - datetime.timedelta(days=9), tick=False):
            article = published_article(slug="counted")
        for days, kind in ((5, "correction"), (3, "clarification")):
            with time_machine.travel(NOW - datetime.timedelta(days=days), tick=False):
                edit_summary(article, f"Text as of {days} days ago.")
                publish(article=article, kind=kind, note=f"A {kind}.")

    def assertValidAtom(self, url, *, entries):
        response = self.client.get(url)
        self.assertEqual(
            response["Content-Type"], "application/atom+xml; charset=utf-8"
        )
        feed = ET.fromstring(response.content)
        self.assertEqual(feed.tag, f"{ATOM}feed")
        # 4.1.1: exactly one id, title and updated; an author unless every
        # entry has one; a link with rel="self" is recommended.
        for name in ("id", "title", "updated"):
            self.assertEqual(len(feed.findall(f"{ATOM}{name}")), 1, name)
        parse_date(feed.findtext(f"{ATOM}updated"))
        self.assertIsNotNone(feed.find(f"{ATOM}author/{ATOM}name"))
        rels = {link.get("rel"): link.get("href") for link in feed.iter(f"{ATOM}link")}
        self.assertTrue(rels["self"].startswith("http://testserver/"))
        found = feed.findall(f"{ATOM}entry")
        self.assertEqual(len(found), entries)
        ids = set()
        for entry in found:
            # 4.1.2: exactly one id, title and updated each; an alternate
            # link since there is no content; dates in RFC 3339.
            for name in ("id", "title", "updated"):
                self.assertEqual(
                    len(entry.findall(f"{ATOM}{name}")), 1, f"entry {name}"
                )
                self.assertTrue(entry.findtext(f"{ATOM}{name}").strip())
            updated = parse_date(entry.findtext(f"{ATOM}updated"))
            published = entry.findtext(f"{ATOM}published")
            if published is not None:
                self.assertLessEqual(parse_date(published), updated)
            alternate = [
                link
                for link in entry.findall(f"{ATOM}link")
                if link.get("rel", "alternate") == "alternate"
            ]
            self.assertEqual(len(alternate), 1)
            self.assertTrue(alternate[0].get("href").startswith("http://testserver/"))
            ids.add(entry.findtext(f"{ATOM}id"))
        self.assertEqual(len(ids), entries, "entry ids must be unique")
        return found

    def test_corrections_feed_is_valid_atom(self):
        found = self.assertValidAtom(reverse("articles:corrections_feed"), entries=2)

        # Each entry was last updated when its correction was published.
        self.assertEqual(
            [parse_date(entry.findtext(f"{ATOM}updated")).date() for entry in found],
            [datetime.date(2026, 11, 17), datetime.date(2026, 11, 15)],
        )

    def test_latest_fact_checks_feed_is_valid_atom(self):
        self.assertValidAtom(reverse("feed"), entries=1)
