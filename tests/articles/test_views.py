import datetime
import json
import re
from unittest import mock
from xml.etree import ElementTree

import time_machine
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse
from markdown_it import MarkdownIt

from articles.factchecks.publishing import withdraw
from articles.models import Publication
from factually import pagecache
from tests.articles.factories import (
    AuthorFactory,
    RelatedQuestionFactory,
    TopicFactory,
    build_article,
    edit_summary,
    published_article,
)

# What publishing does, not the review: each draft edited in code is
# published approved as it stands.
from tests.articles.factories import publish_approved as publish
from tests.donations.factories import (
    BannerMessageFactory,
    CampaignFactory,
    DonationFactory,
)

NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)
EARLIER = NOW - datetime.timedelta(days=10)


def detail_url(slug):
    return reverse("articles:detail", kwargs={"slug": slug})


def json_ld(response):
    scripts = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert len(scripts) == 1, scripts
    return json.loads(scripts[0])


class PublicPageTestCase(TestCase):
    def setUp(self):
        # The donation banner caches what it shows; start every test cold.
        cache.clear()
        traveller = time_machine.travel(NOW, tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)


class ArticleDetailViewTests(PublicPageTestCase):
    def test_shows_every_part_of_the_fact_check(self):
        article = published_article(
            title="Fact check: What evidence exists of the tally?",
            sections=2,
            citations=2,
            claims=1,
            related=1,
            published_at=EARLIER,
        )

        response = self.client.get(detail_url(article.slug))

        self.assertContains(
            response,
            '<h1 id="article-title">Fact check: What evidence exists of the tally?</h1>',
            html=True,
        )
        self.assertContains(
            response,
            'Checked on <time datetime="2026-11-02">November 2, 2026</time>',
            html=True,
        )
        self.assertContains(
            response, '<h2 id="section-1-heading">1. Part 1</h2>', html=True
        )
        self.assertContains(
            response, '<h2 id="section-2-heading">2. Part 2</h2>', html=True
        )
        self.assertContains(response, 'href="#source-1" id="cite-1-1"')
        self.assertContains(response, '<li id="source-1" value="1">')
        self.assertContains(response, 'href="#cite-1-1"')
        self.assertContains(response, "Our rating: False")
        self.assertContains(response, "Want to dive deeper?")
        self.assertContains(response, "Update history")
        self.assertNotContains(response, "Updated on")

    def test_updated_article_shows_update_date_and_history(self):
        article = published_article(published_at=EARLIER)
        edit_summary(article, "There were 200 witnesses.")
        publish(
            article=article,
            kind="correction",
            note="Corrected the number of witnesses from 150 to 200.",
            published_at=NOW - datetime.timedelta(days=1),
        )

        response = self.client.get(detail_url(article.slug))

        self.assertContains(
            response,
            'Updated on <time datetime="2026-11-19T12:00:00Z">November 19, 2026</time>',
            html=True,
        )
        # In the correction notice, the update history and the structured data.
        self.assertContains(
            response, "Corrected the number of witnesses from 150 to 200.", count=3
        )
        self.assertContains(response, "history__item--correction")
        self.assertContains(response, "notice--correction")

    def test_related_question_links_to_live_answer_or_to_search(self):
        answer = published_article(title="Fact check: Is the answer here?")
        article = build_article()
        RelatedQuestionFactory(
            article=article, position=1, question="Is the answer here?", answer=answer
        )
        RelatedQuestionFactory(
            article=article, position=2, question="What about unchecked things?"
        )
        publish(article=article, kind="first")

        response = self.client.get(detail_url(article.slug))

        answer_link = f"/answers/{answer.pk}/?q=Is+the+answer+here%3F&from=related"
        self.assertContains(
            response, f'<a href="{answer_link}">Is the answer here?</a>', html=True
        )
        self.assertRedirects(
            self.client.get(answer_link), detail_url(answer.slug), status_code=302
        )
        self.assertContains(
            response,
            '<a href="/search/?q=What+about+unchecked+things%3F&amp;from=related">'
            "What about unchecked things?</a>",
            html=True,
        )

    def test_answer_that_is_not_live_falls_back_to_search(self):
        draft_answer = build_article()
        article = build_article()
        RelatedQuestionFactory(
            article=article, position=1, question="Drafted?", answer=draft_answer
        )
        publish(article=article, kind="first")

        response = self.client.get(detail_url(article.slug))

        self.assertNotContains(response, detail_url(draft_answer.slug))
        link = f"/answers/{draft_answer.pk}/?q=Drafted%3F&from=related"
        self.assertContains(response, link.replace("&", "&amp;"))
        self.assertRedirects(
            self.client.get(link),
            "/search/?q=Drafted%3F&from=related",
            fetch_redirect_response=False,
        )

    def test_serving_the_page_renders_no_markdown_and_sanitises_nothing(self):
        article = published_article(sections=3, citations=3, claims=2)
        refuse = mock.Mock(side_effect=AssertionError("rendering at request time"))

        with (
            mock.patch.object(MarkdownIt, "render", refuse),
            mock.patch.object(MarkdownIt, "parse", refuse),
            mock.patch("articles.factchecks.markup._cleaner", mock.Mock(clean=refuse)),
        ):
            response = self.client.get(detail_url(article.slug))

        self.assertContains(response, 'href="#source-1"')
        refuse.assert_not_called()

    def test_sends_caching_headers(self):
        article = published_article(published_at=EARLIER)

        response = self.client.get(detail_url(article.slug))

        self.assertIn("public", response["Cache-Control"])
        self.assertIn("max-age=300", response["Cache-Control"])
        # The later of the publication and the site's last change (banner,
        # campaign): here the site generation, made by this first request.
        self.assertEqual(response["Last-Modified"], "Fri, 20 Nov 2026 12:00:00 GMT")
        self.assertTrue(response.has_header("ETag"))

    def test_unchanged_page_answers_304(self):
        article = published_article(published_at=EARLIER)
        first = self.client.get(detail_url(article.slug))

        again = self.client.get(
            detail_url(article.slug), headers={"if-none-match": first["ETag"]}
        )

        self.assertEqual(again.status_code, 304)

    def test_hostile_body_is_harmless_on_the_page(self):
        article = build_article(sections=1, citations=1)
        article.sections.update(
            body='<script>alert("x")</script><img src=x onerror=alert(1)> '
            '<a href="javascript:alert(1)">go</a> <svg onload=alert(1)></svg> ok [1]'
        )
        publish(article=article, kind="first")

        response = self.client.get(detail_url(article.slug))
        body = response.content.decode()

        self.assertNotIn('alert("x")', body)
        self.assertNotIn("onerror", body)
        self.assertNotIn("javascript:", body)
        self.assertNotIn("<svg", body)

    def test_old_slug_redirects_to_the_new_one(self):
        article = published_article(slug="old-address", published_at=EARLIER)
        article.slug = "new-address"
        article.save()
        publish(article=article, kind="details")

        response = self.client.get(detail_url("old-address"))

        self.assertRedirects(response, detail_url("new-address"), status_code=301)

    def test_old_slug_of_a_withdrawn_article_leads_to_its_410(self):
        article = published_article(slug="old-address", published_at=EARLIER)
        article.slug = "new-address"
        article.save()
        publish(article=article, kind="details")
        withdraw(article=article, note="Withdrawn after review.")

        response = self.client.get(detail_url("old-address"), follow=True)

        self.assertEqual(response.redirect_chain, [(detail_url("new-address"), 301)])
        self.assertEqual(response.status_code, 410)

    def test_no_donation_ask_article_has_no_banner(self):
        campaign = CampaignFactory(is_current=True, starts_at=EARLIER)
        BannerMessageFactory(campaign=campaign, headline="Keep Factually independent")
        asking = published_article()
        quiet = published_article(no_donation_ask=True)

        self.assertContains(
            self.client.get(detail_url(asking.slug)), "Keep Factually independent"
        )
        self.assertNotContains(
            self.client.get(detail_url(quiet.slug)), "Keep Factually independent"
        )


class HiddenArticleTests(PublicPageTestCase):
    def assert_same_as_missing(self, slug):
        missing = self.client.get(detail_url("no-such-article"))
        response = self.client.get(detail_url(slug))

        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.content, missing.content)

    def test_draft_answers_like_a_missing_slug(self):
        self.assert_same_as_missing(build_article().slug)

    def test_scheduled_article_answers_like_a_missing_slug_until_its_time(self):
        article = published_article(published_at=NOW + datetime.timedelta(hours=1))

        self.assert_same_as_missing(article.slug)
        with time_machine.travel(NOW + datetime.timedelta(hours=2), tick=False):
            self.assertEqual(self.client.get(detail_url(article.slug)).status_code, 200)

    def test_hidden_articles_stay_out_of_lists_feed_and_sitemap(self):
        draft = build_article(title="Fact check: Draft question here?")
        scheduled = published_article(
            title="Fact check: Scheduled question here?",
            published_at=NOW + datetime.timedelta(days=1),
        )
        withdrawn = published_article(
            title="Fact check: Withdrawn question here?", published_at=EARLIER
        )
        withdraw(article=withdrawn, note="Relied on a forged letter.")
        topic = TopicFactory()
        for article in (draft, scheduled, withdrawn):
            article.topics.add(topic)
        # A live fact check in the topic, so that its page is public.
        shown = build_article(title="Fact check: Shown question?")
        shown.topics.add(topic)
        publish(article=shown, kind="first")

        for url in (
            reverse("home"),
            reverse("feed"),
            reverse("sitemap"),
            topic.get_absolute_url(),
            reverse("search") + "?q=question",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                for article in (draft, scheduled, withdrawn):
                    self.assertNotContains(response, article.slug)
                    self.assertNotContains(response, article.title)

    def test_withdrawn_article_answers_410_with_the_note(self):
        article = published_article(published_at=EARLIER)
        withdraw(article=article, note="Relied on a forged letter.")

        response = self.client.get(detail_url(article.slug))

        self.assertEqual(response.status_code, 410)
        self.assertContains(response, "Relied on a forged letter.", status_code=410)
        self.assertContains(
            response, '<meta name="robots" content="noindex">', status_code=410
        )


class StructuredDataTests(PublicPageTestCase):
    def test_news_article_and_claim_reviews_are_valid(self):
        author = AuthorFactory(name="Ada Reporter", slug="ada")
        article = published_article(claims=2, published_at=EARLIER)
        article.authors.add(author)
        claim = article.claims.get(position=2)
        claim.rating = "unsupported"
        claim.appearance_url = "https://example.org/speech"
        claim.claimed_on = datetime.date(2026, 10, 1)
        claim.save()
        publish(article=article, kind="re-rating", note="Rated the second claim.")

        data = json_ld(self.client.get(detail_url(article.slug)))

        news, first, second = data
        url = f"http://testserver{detail_url(article.slug)}"
        self.assertEqual(news["@type"], "NewsArticle")
        self.assertEqual(news["url"], url)
        self.assertEqual(news["headline"], article.title)
        self.assertEqual(news["datePublished"], EARLIER.isoformat())
        self.assertEqual(news["dateModified"], NOW.isoformat())
        self.assertEqual(news["author"][0]["name"], "Ada Reporter")
        self.assertEqual(news["publisher"]["name"], "Factually")
        for review in (first, second):
            self.assertEqual(review["@type"], "ClaimReview")
            self.assertEqual(review["claimReviewed"], "Something was said.")
            self.assertEqual(review["author"]["@type"], "NewsMediaOrganization")
            self.assertEqual(review["itemReviewed"]["@type"], "Claim")
            self.assertEqual(review["itemReviewed"]["author"]["name"], "A. Speaker")
            self.assertIn("alternateName", review["reviewRating"])
            self.assertTrue(review["url"].startswith(url + "#claim-"))
        self.assertEqual(
            first["reviewRating"],
            {
                "@type": "Rating",
                "ratingValue": 1,
                "bestRating": 5,
                "worstRating": 1,
                "alternateName": "False",
            },
        )
        # "Unsupported" is not scored below "False": it has no number at all.
        self.assertEqual(
            second["reviewRating"], {"@type": "Rating", "alternateName": "Unsupported"}
        )
        self.assertEqual(news["mainEntity"], {"@id": first["@id"]})
        # Each review is dated by the version that set its rating.
        self.assertEqual(first["datePublished"], EARLIER.isoformat())
        self.assertEqual(second["datePublished"], NOW.isoformat())
        self.assertEqual(second["dateModified"], NOW.isoformat())
        self.assertNotIn("appearance", first["itemReviewed"])
        self.assertEqual(
            second["itemReviewed"]["appearance"]["url"], "https://example.org/speech"
        )
        self.assertEqual(second["itemReviewed"]["datePublished"], "2026-10-01")

    def test_publisher_is_a_news_organisation_with_its_policies(self):
        article = published_article(published_at=EARLIER)

        publisher = json_ld(self.client.get(detail_url(article.slug)))[0]["publisher"]

        self.assertEqual(publisher["@type"], "NewsMediaOrganization")
        for prop, path in [
            ("correctionsPolicy", "/about/corrections/"),
            ("verificationFactCheckingPolicy", "/about/methodology/"),
            ("ethicsPolicy", "/about/methodology/"),
            ("ownershipFundingInfo", "/about/funding/"),
            ("masthead", "/about/team/"),
            ("actionableFeedbackPolicy", "/about/corrections/"),
        ]:
            with self.subTest(prop=prop):
                self.assertEqual(publisher[prop], f"http://testserver{path}")

    def test_corrected_article_carries_its_corrections(self):
        article = published_article(published_at=EARLIER)
        edit_summary(article, "It was 200.")
        publish(article=article, kind="correction", note="It was 200, not 150.")

        news = json_ld(self.client.get(detail_url(article.slug)))[0]

        (correction,) = news["correction"]
        self.assertEqual(correction["@type"], "CorrectionComment")
        self.assertEqual(correction["text"], "It was 200, not 150.")
        self.assertEqual(
            correction["url"],
            f"http://testserver/fact-checks/{article.slug}/versions/2/changes/",
        )

    def test_headline_claim_is_the_main_entity_and_comes_first(self):
        article = build_article(claims=3)
        article.claims.filter(position=2).update(is_headline=True, statement="Main.")
        publish(article=article, kind="first")

        news, first, *_rest = json_ld(self.client.get(detail_url(article.slug)))

        self.assertEqual(first["claimReviewed"], "Main.")
        self.assertEqual(news["mainEntity"], {"@id": first["@id"]})

    def test_script_closing_text_cannot_break_out_of_json_ld(self):
        article = build_article(claims=1)
        article.claims.update(statement="</script><script>alert(1)</script> & <!--")
        publish(article=article, kind="first")

        response = self.client.get(detail_url(article.slug))
        body = response.content.decode()

        # The JSON-LD and the share links' own script (/static/js/share.js).
        self.assertEqual(body.count("</script>"), 2)
        self.assertEqual(body.count('<script src="/static/js/share.js" defer>'), 1)
        self.assertEqual(
            json_ld(response)[1]["claimReviewed"],
            "</script><script>alert(1)</script> & <!--",
        )

    def test_social_meta_tags_and_canonical_url(self):
        article = published_article()

        response = self.client.get(detail_url(article.slug))

        url = f"http://testserver{detail_url(article.slug)}"
        self.assertContains(response, f'<link rel="canonical" href="{url}">', html=True)
        self.assertContains(
            response, f'<meta property="og:url" content="{url}">', html=True
        )
        self.assertContains(
            response, f'<meta property="og:title" content="{article.title}">', html=True
        )
        self.assertContains(
            response,
            '<meta name="twitter:card" content="summary_large_image">',
            html=True,
        )


class ListPageTests(PublicPageTestCase):
    def test_home_lists_latest_fact_checks_with_topics(self):
        topic = TopicFactory(name="Space")
        older = published_article(published_at=EARLIER)
        newer = published_article(published_at=NOW - datetime.timedelta(days=1))
        newer.topics.add(topic)
        publish(article=newer, kind="details")

        response = self.client.get(reverse("home"))

        titles = [p.title for p in response.context["page_obj"]]
        self.assertEqual(titles, [newer.title, older.title])
        self.assertContains(
            response, f'<a href="{topic.get_absolute_url()}">Space</a>', html=True
        )
        self.assertContains(response, "The short answer.")

    def test_home_is_paginated(self):
        for day in range(14):
            published_article(published_at=EARLIER + datetime.timedelta(hours=day))

        first = self.client.get(reverse("home"))
        second = self.client.get(reverse("home") + "?page=2")

        self.assertEqual(len(first.context["page_obj"]), 12)
        self.assertEqual(len(second.context["page_obj"]), 2)
        self.assertContains(first, 'rel="next"')

    def test_topic_and_author_pages_list_their_fact_checks(self):
        topic = TopicFactory()
        author = AuthorFactory()
        mine = build_article()
        mine.topics.add(topic)
        mine.authors.add(author)
        publish(article=mine, kind="first")
        other = published_article()

        for url in (topic.get_absolute_url(), author.get_absolute_url()):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, mine.title)
                self.assertNotContains(response, other.title)

    def test_unknown_topic_is_404(self):
        self.assertEqual(self.client.get("/topics/nothing/").status_code, 404)


class QueryCountTests(PublicPageTestCase):
    """Public pages cost the same number of queries whatever their size."""

    def setUp(self):
        super().setUp()
        campaign = CampaignFactory(is_current=True, starts_at=EARLIER)
        BannerMessageFactory(campaign=campaign, headline="Keep Factually independent")
        DonationFactory.create_batch(3, received_at=NOW - datetime.timedelta(hours=1))

    def assert_detail_queries(self, size):
        article = published_article(
            sections=size, citations=size, claims=size, related=size
        )
        for question in article.related_questions.all():
            question.answer = published_article()
            question.save()
        publish(article=article, kind="update", note="Linked the answers.")
        url = detail_url(article.slug)
        self.client.get(url)  # Fill the cache the donation banner reads.
        with self.captureOnCommitCallbacks(execute=True):
            pagecache.invalidate(url)  # Render the page, not the cached copy.

        # The publication, its page rendered when published; the banner and
        # goal tracker come from the cache, related answers are followed
        # through /answers/<id>/ only when a reader clicks.
        with self.assertNumQueries(1):
            response = self.client.get(url)
        self.assertContains(response, 'id="section-1"')
        self.assertContains(response, f'id="section-{size}"')
        self.assertContains(response, "Goal: 1,000 supporters")
        self.assertContains(response, "<strong>3</strong> supporters so far")

    def test_article_page_with_3_parts(self):
        self.assert_detail_queries(3)

    def test_article_page_with_60_parts(self):
        self.assert_detail_queries(60)

    def test_list_pages_with_3_and_12_articles(self):
        for count in (3, 12):
            with self.subTest(count=count):
                Publication.objects.all().delete()
                topic = TopicFactory()
                author = AuthorFactory()
                for _ in range(count):
                    article = build_article()
                    article.topics.add(topic, TopicFactory())
                    article.authors.add(author)
                    publish(article=article, kind="first")
                for url, queries in [
                    # The count, the page (each card with its topics was
                    # rendered at publish time), and when the next scheduled
                    # one is due (the cached page expires then).
                    (reverse("home"), 3),
                    (topic.get_absolute_url(), 3),
                    (author.get_absolute_url(), 3),
                ]:
                    self.client.get(url)
                    with self.captureOnCommitCallbacks(execute=True):
                        pagecache.invalidate(url)
                    with self.assertNumQueries(queries):
                        response = self.client.get(url)
                    self.assertEqual(len(response.context["page_obj"]), count)
                    # Each card names both its topics.
                    self.assertContains(response, topic.get_absolute_url(), count)

    def test_corrections_log_with_2_and_10_corrections(self):
        for count in (2, 10):
            with self.subTest(count=count):
                for number in range(count - Publication.objects.corrections().count()):
                    article = published_article()
                    edit_summary(article)
                    publish(
                        article=article,
                        kind="correction",
                        note=f"Corrected figure {number}.",
                    )
                url = reverse("articles:corrections")
                self.client.get(url)
                with self.captureOnCommitCallbacks(execute=True):
                    pagecache.invalidate(url)
                # The count and the page: the ratings each changed come
                # from its frozen content, read with it.
                with self.assertNumQueries(2):
                    response = self.client.get(url)
                self.assertEqual(response["X-Page-Cache"], "miss")
                self.assertContains(response, "Corrected figure", count)


class FeedSitemapRobotsTests(PublicPageTestCase):
    def test_feed_lists_latest_publications(self):
        article = published_article(published_at=EARLIER)
        edit_summary(article)
        publish(article=article, kind="update", note="More.")

        response = self.client.get(reverse("feed"))

        self.assertEqual(
            response["Content-Type"], "application/atom+xml; charset=utf-8"
        )
        feed = ElementTree.fromstring(response.content)
        ns = {"atom": "http://www.w3.org/2005/Atom"}
        entries = feed.findall("atom:entry", ns)
        self.assertEqual(len(entries), 1)
        self.assertEqual(entries[0].find("atom:title", ns).text, article.title)
        self.assertEqual(
            entries[0].find("atom:updated", ns).text, "2026-11-20T12:00:00+00:00"
        )

    def test_sitemap_has_live_articles_with_last_modified(self):
        article = published_article(published_at=EARLIER)

        response = self.client.get(reverse("sitemap"))

        sitemap = ElementTree.fromstring(response.content)
        ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
        urls = {
            url.find("s:loc", ns).text: url.find("s:lastmod", ns)
            for url in sitemap.findall("s:url", ns)
        }
        article_url = f"http://testserver{detail_url(article.slug)}"
        self.assertIn(article_url, urls)
        self.assertEqual(urls[article_url].text, "2026-11-10")
        self.assertIn("http://testserver/about/methodology/", urls)

    def test_robots_txt_points_to_the_sitemap(self):
        response = self.client.get("/robots.txt")

        self.assertEqual(response["Content-Type"], "text/plain")
        self.assertContains(response, "Disallow: /admin/")
        self.assertContains(response, "Sitemap: http://testserver/sitemap.xml")
