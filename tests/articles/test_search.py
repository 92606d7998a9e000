"""
Search relevance on PostgreSQL (the fixture of 32 fact checks in
search_fixture.py) and the plain fallback on other databases.

The PostgreSQL tests skip on SQLite, which has no full-text search; CI runs
the suite on both, and under CI=true with PostgreSQL nothing here skips.
"""

import datetime
import importlib
import os

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from articles.factchecks.publishing import withdraw
from articles.models import Publication, SearchWord
from articles.readers import search
from tests.articles.factories import approve_as_is, published_article

# What publishing does, not the review: each draft edited in code is
# published approved as it stands.
from tests.articles.factories import publish_approved as publish
from tests.articles.search_fixture import NBH, load_search_fixture

ON_POSTGRESQL = connection.vendor == "postgresql"
postgresql = pytest.mark.skipif(
    not ON_POSTGRESQL, reason="PostgreSQL full-text search (CI runs it there)"
)
sqlite = pytest.mark.skipif(ON_POSTGRESQL, reason="the fallback for other databases")


def test_postgresql_tests_never_skip_under_ci_with_postgresql():
    if os.environ.get("CI") == "true" and "postgres" in os.environ.get(
        "DATABASE_URL", ""
    ):
        assert ON_POSTGRESQL


@pytest.fixture(scope="module")
def _fixture_once(django_db_setup, django_db_blocker):
    """
    The 32 fact checks, published once for the module inside a transaction
    rolled back at its end; each test runs in a savepoint within it.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_search_fixture()
        transaction.set_rollback(True)


@pytest.fixture
def fact_checks(_fixture_once, db):
    return _fixture_once


def slugs(query):
    return [p.slug for p in search.matching(Publication.objects.live(), query)]


class TestCleanQuery:
    def test_control_characters_are_dropped(self):
        assert search.clean_query("vote\x00 count\x1f") == "vote count"

    def test_typography_is_made_plain(self):
        assert search.clean_query(f"in{NBH}person “quoted” don’t a—b") == (
            'in-person "quoted" don\'t a b'
        )

    def test_ligatures_and_width_are_folded(self):
        assert search.clean_query("ﬁnance ＶＯＴＥ") == "finance VOTE"

    def test_length_is_capped(self):
        assert len(search.clean_query("word " * 100)) <= search.MAX_QUERY_LENGTH
        assert len(search.clean_query("x" * 300)) == search.MAX_QUERY_LENGTH

    def test_parse_splits_phrases_minus_words_and_prefix(self):
        parsed = search.parse('"hand recount" county -mail vot')
        assert parsed.phrases == ["hand recount"]
        assert parsed.excluded == ["mail"]
        assert parsed.words == ["county", "vot"]
        assert parsed.tsquery() == "'county' | 'vot':*"
        assert parsed.websearch() == '"hand recount" -mail'

    @pytest.mark.parametrize(
        "query", ["who won the election?", "who won the election ", "the election."]
    )
    def test_a_finished_last_word_is_no_prefix(self, query):
        parsed = search.parse(query)
        assert parsed.words[-1] == "election"
        assert not parsed.prefix
        assert parsed.tsquery().endswith("'election'")


@postgresql
class TestRelevance:
    @pytest.mark.parametrize(
        ("question", "slug"),
        [
            ("Did the recount change who won the election?", "recount"),
            ("is it true that the measles jab causes autism", "measles-vaccine"),
            ("Are waiting lists at hospitals longer than ever?", "hospital-waiting"),
            ("do cats kill more birds than wind farms", "wind-turbines-birds"),
            ("Has the price of groceries really doubled?", "inflation-groceries"),
            ("Why did so many cafes close after the rent law?", "cafe-closures"),
            ("Will AI take our jobs?", "ai-jobs"),
        ],
    )
    def test_question_as_a_sentence_finds_its_fact_check_first(
        self, fact_checks, question, slug
    ):
        assert slugs(question)[0] == slug

    @pytest.mark.parametrize(
        "query", ["in-person", "in person", f"in{NBH}person", "in–person"]
    )
    def test_hyphen_variants_match_non_breaking_hyphens(self, fact_checks, query):
        assert slugs(query)[0] == "in-person-voting"

    @pytest.mark.parametrize("query", ["face-to-face", "face to face classes"])
    def test_face_to_face(self, fact_checks, query):
        assert slugs(query)[0] == "face-to-face-teaching"

    @pytest.mark.parametrize(
        ("query", "slug"),
        [
            ("cafe", "cafe-closures"),
            ("café", "cafe-closures"),
            ("Zurich", "zurich-tap-water"),
            ("Zürich water", "zurich-tap-water"),
            ("Sao Paulo", "sao-paulo-drought"),
            ("naive investors", "naive-investors"),
            ("resume gaps", "resume-gaps"),
        ],
    )
    def test_accent_variants_match(self, fact_checks, query, slug):
        assert slugs(query)[0] == slug

    def test_curly_and_straight_apostrophes_match_alike(self, fact_checks):
        assert slugs("city’s cafés") == slugs("city's cafes")

    def test_not_every_word_is_required(self, fact_checks):
        assert "speed-cameras" in slugs("speed cameras unicorn")

    def test_last_word_matches_as_a_prefix(self, fact_checks):
        assert slugs("hyperact")[0] == "sugar-hyperactivity"
        assert slugs("deforest")[0] == "sao-paulo-drought"

    def test_quoted_phrase_must_occur(self, fact_checks):
        assert slugs('"rent control"') == ["rent-control"]

    def test_minus_word_excludes(self, fact_checks):
        with_vaccines = slugs("vaccines")
        assert {"measles-vaccine", "vaccine-schedule"} <= set(with_vaccines)
        assert "measles-vaccine" not in slugs("vaccines -autism")
        assert "vaccine-schedule" in slugs("vaccines -autism")

    def test_claims_are_searched(self, fact_checks):
        assert slugs("masts spread disease")[0] == "five-g-health"

    def test_stop_words_only_and_symbols_find_nothing(self, fact_checks):
        assert slugs("the of and") == []
        assert slugs("!!! ???") == []
        assert slugs("-autism") == []

    def test_title_outranks_body(self, fact_checks):
        assert slugs("homelessness")[0] == "homelessness-count"

    def test_withdrawn_fact_checks_are_not_found(self, fact_checks):
        withdraw(article=fact_checks["speed-cameras"], note="Withdrawn for review.")
        assert "speed-cameras" not in slugs("speed cameras")


@postgresql
class TestCommonWords:
    """With statistics (ANALYZE), words in most documents only rank."""

    @pytest.fixture
    def analysed(self, fact_checks, monkeypatch):
        # Thresholds for a 32-document archive (a small one has no common words).
        monkeypatch.setattr(search.ranking, "COMMON", 0.5)
        monkeypatch.setattr(search.ranking, "COMMON_MIN_DOCUMENTS", 10)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_publication")
        return fact_checks

    def test_small_archives_have_no_common_words(self, fact_checks):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_publication")
        assert search.word_kinds(["data"]) == {"data": "rare"}

    def test_kinds(self, analysed):
        assert search.word_kinds(["data", "measles", "the"]) == {
            "data": "common",  # Every fact check has "What the data say".
            "measles": "rare",
            "the": "stop",
        }

    def test_a_common_word_beside_a_rare_one_only_ranks(self, analysed):
        assert slugs("data measles") == ["measles-vaccine"]

    def test_common_words_alone_still_find(self, analysed):
        assert len(slugs("data")) == len(analysed)
        assert len(slugs("data say")) == len(analysed)

    def test_common_words_alone_rank_only_the_newest(self, analysed, monkeypatch):
        monkeypatch.setattr(search.ranking, "BROAD", 5)
        newest = Publication.objects.live().order_by("-pk")[:5]
        assert sorted(slugs("data")) == sorted(p.slug for p in newest)
        # A rare word beside them finds as before.
        assert slugs("data measles") == ["measles-vaccine"]

    def test_only_words_in_most_documents_are_bounded(self, analysed, monkeypatch):
        monkeypatch.setattr(search.ranking, "BROAD", 5)
        monkeypatch.setattr(search.ranking, "DENSE", 1.0)  # None is that common.
        assert len(slugs("data")) == len(analysed)

    def test_a_prefix_of_common_words_counts_as_one(self, analysed, monkeypatch):
        assert search.word_kinds(["dat"], prefix="dat") == {"dat": "broad"}
        assert search.word_kinds(["dat"]) == {"dat": "rare"}
        assert len(slugs("dat")) == len(analysed)
        monkeypatch.setattr(search.ranking, "BROAD", 5)
        assert len(slugs("dat")) == 5


@postgresql
class TestDidYouMean:
    @pytest.mark.parametrize(
        ("typo", "expected"),
        [
            ("vacine", "vaccine"),
            ("recont", "recount"),
            ("homelesness", "homelessness"),
            ("turbnes birds", "turbines birds"),
        ],
    )
    def test_offers_the_right_word(self, fact_checks, typo, expected):
        assert search.suggestion(typo) == expected

    def test_nothing_to_offer_for_known_words(self, fact_checks):
        assert search.suggestion("recount") is None

    def test_nothing_to_offer_for_gibberish(self, fact_checks):
        assert search.suggestion("qzxvw") is None

    def test_publishing_adds_words(self, db):
        assert not SearchWord.objects.filter(word="zeppelin").exists()
        published_article(title="Fact check: Did a zeppelin land in the park?")
        assert SearchWord.objects.filter(word="zeppelin").exists()

    def test_a_scheduled_version_lends_no_words(self, db):
        published_article(title="Fact check: Did a zeppelin land in the park?")
        published_article(
            title="Fact check: Did a zeppelinist land in the harbour?",
            published_at=timezone.now() + datetime.timedelta(days=1),
        )
        # Indexed when scheduled, yet neither known nor offered before its time.
        assert SearchWord.objects.filter(word="zeppelinist").exists()
        assert search.suggestion("zeppelinis") == "zeppelin"
        assert search.suggestion("zeppelinist") == "zeppelin"

    def test_a_withdrawn_fact_check_lends_no_words(self, db):
        article = published_article(title="Fact check: Did a dirigible land here?")
        assert search.suggestion("dirigibel") == "dirigible"

        withdraw(article=article, note="Withdrawn while we check it again.")

        assert search.suggestion("dirigibel") is None

    def test_a_superseded_version_lends_no_words(self, db):
        article = published_article(title="Fact check: Did a dirigible land here?")
        article.title = "Fact check: Did an airship land here?"
        article.save()
        approve_as_is(article)
        publish(article=article, kind="correction", note="It was an airship.")

        assert search.suggestion("dirigibel") is None
        assert search.suggestion("airshp") == "airship"

    def test_search_page_offers_the_suggestion(self, client, fact_checks):
        response = client.get(reverse("search"), {"q": "vacine autsm"})
        assert response.context["suggestion"] == "vaccine autism"
        assert b'href="/search/?q=vaccine+autism"' in response.content


@postgresql
class TestSnippets:
    def test_matches_are_marked_and_the_rest_escaped(self, fact_checks):
        article = published_article(
            title="Fact check: Is <b>bold</b> better?",
            summary="Bold claims & <script>alert(1)</script> about bold <i>type</i>.",
        )
        results = list(search.matching(Publication.objects.live(), "bold"))
        found = search.snippets(results, "bold")[article.live_publication().pk]
        assert "<mark>bold</mark>" in found["title"]
        assert "&lt;b&gt;" in found["title"]
        assert "<script" not in found["snippet"]
        assert "&amp;" in found["snippet"]
        assert "<mark>Bold</mark>" in found["snippet"]

    def test_accented_words_are_highlighted(self, fact_checks):
        results = list(search.matching(Publication.objects.live(), "cafe"))
        found = search.snippets(results[:1], "cafe")[results[0].pk]
        assert "<mark>cafés</mark>" in found["title"]

    def test_search_page_shows_highlights(self, client, fact_checks):
        response = client.get(reverse("search"), {"q": "measles autism"})
        assert b"<mark>autism</mark>" in response.content


class TestFilters:
    @postgresql
    def test_topic_rating_and_date(self, client, fact_checks):
        old = Publication.objects.get(slug="sea-level-rise")
        Publication.objects.filter(pk=old.pk).update(
            first_published_at=timezone.now() - datetime.timedelta(days=400)
        )
        url = reverse("search")
        climate = client.get(url, {"q": "water", "topic": "climate"})
        assert [p.slug for p in climate.context["page_obj"]] == ["sao-paulo-drought"]
        true_ish = client.get(
            url, {"q": "homelessness doubled", "rating": "mostly-true"}
        )
        assert [p.slug for p in true_ish.context["page_obj"]] == ["homelessness-count"]
        recent = client.get(
            url,
            {
                "q": "sea level",
                "since": (
                    timezone.localdate() - datetime.timedelta(days=30)
                ).isoformat(),
            },
        )
        assert "sea-level-rise" not in [p.slug for p in recent.context["page_obj"]]
        older = client.get(
            url,
            {
                "q": "sea level",
                "until": (
                    timezone.localdate() - datetime.timedelta(days=30)
                ).isoformat(),
            },
        )
        assert [p.slug for p in older.context["page_obj"]] == ["sea-level-rise"]

    def test_filters_alone_list_matching_fact_checks(self, client, db):
        published_article(title="Fact check: Rated mixed?", slug="mixed-one")
        article = published_article(title="Fact check: Rated true?", slug="true-one")
        article.claims.update(rating="true")
        publish(article=article, kind="re-rating", note="Rated it true.")
        response = client.get(reverse("search"), {"rating": "true"})
        assert [p.slug for p in response.context["page_obj"]] == ["true-one"]

    def test_bad_filter_values_get_a_message(self, client, db):
        response = client.get(
            reverse("search"), {"q": "x", "rating": "bogus", "since": "yesterday"}
        )
        assert response.status_code == 400
        assert b"Select a valid choice" in response.content
        assert b"Enter a valid date" in response.content

    def test_unknown_topic_is_an_error(self, client, db):
        response = client.get(reverse("search"), {"q": "x", "topic": "nope"})
        assert response.status_code == 400


@sqlite
class TestFallback:
    def test_every_word_must_occur_in_any_field(self, db):
        published_article(title="Fact check: Did the recount change it?", slug="a")
        published_article(title="Fact check: Who paid?", slug="b", summary="A recount.")
        assert slugs("recount") == ["b", "a"]
        assert slugs("recount change") == ["a"]
        assert slugs("recount nothing") == []

    def test_phrases_and_minus_words(self, db):
        published_article(title="Fact check: Is rent control good?", slug="a")
        published_article(title="Fact check: Does control of rent work?", slug="b")
        assert slugs('"rent control"') == ["a"]
        assert slugs("rent -good") == ["b"]

    def test_queries_are_cleaned(self, db):
        published_article(title="Fact check: In-person voting?", slug="a")
        assert slugs(f"in{NBH}person\x00") == ["a"]

    def test_no_suggestions_or_snippets(self, db):
        published_article(title="Fact check: Vaccines?", slug="a")
        assert search.suggestion("vacine") is None
        assert (
            search.snippets(
                list(search.matching(Publication.objects.live(), "vaccines")),
                "vaccines",
            )
            == {}
        )

    def test_filters_work(self, db, client):
        published_article(title="Fact check: Vaccines?", slug="a")
        response = client.get(reverse("search"), {"q": "vaccines", "rating": "false"})
        assert [p.slug for p in response.context["page_obj"]] == ["a"]
        response = client.get(reverse("search"), {"q": "vaccines", "rating": "true"})
        assert list(response.context["page_obj"]) == []


class TestQueriesPerSearch:
    """A search costs the same queries whatever the number of results."""

    def search_page(self, client, query, queries, django_assert_num_queries):
        with django_assert_num_queries(queries) as captured:
            response = client.get(reverse("search"), {"q": query})
        # The topics to filter by come in one plain query, not through a
        # server-side cursor (declare, fetch, close: three round trips).
        assert not [q for q in captured.captured_queries if "DECLARE" in q["sql"]]
        return response.context["page_obj"]

    def test_one_result_or_pages_of_them(
        self, client, fact_checks, django_assert_num_queries
    ):
        client.get(reverse("search"), {"q": "warm-up"})  # Statistics, cached.
        # The words' kinds (PostgreSQL), the capped count, the page, its
        # topics, its snippets (PostgreSQL), the topics to filter by.
        queries = 6 if ON_POSTGRESQL else 4
        one = self.search_page(client, "measles", queries, django_assert_num_queries)
        full = self.search_page(client, "data", queries, django_assert_num_queries)
        assert len(one) == 1
        assert full.paginator.count == len(fact_checks) > len(full)

    def test_no_results_read_no_page(
        self, client, fact_checks, django_assert_num_queries
    ):
        client.get(reverse("search"), {"q": "warm-up"})
        # The count and the topics; on PostgreSQL also the word's kind and
        # "did you mean": the words known, the closest to the one unknown.
        queries = 5 if ON_POSTGRESQL else 2
        page = self.search_page(client, "qzxvw", queries, django_assert_num_queries)
        assert not page.object_list


@postgresql
class TestPagesFromCandidates:
    """
    Pages are read from the best candidates, superseded versions included,
    then checked for being current: exact, whatever the candidates hold.
    """

    def test_pages_follow_the_ranking(self, client, fact_checks):
        shown = []
        for number in (1, 2, 3):
            response = client.get(reverse("search"), {"q": "data", "page": number})
            shown += [p.slug for p in response.context["page_obj"]]
        assert shown == slugs("data")

    @pytest.fixture
    def superseded(self, db):
        """A version whose title matched best, replaced by one that matches less."""
        corrected = published_article(
            title="Fact check: Do lighthouse lighthouse keepers still exist?",
            summary="A few do.",
        )
        corrected.title = "Fact check: Do keepers still exist?"
        corrected.summary = "A few lighthouse keepers do."
        corrected.save()
        approve_as_is(corrected)
        publish(article=corrected, kind="update", note="Retitled.")
        other = published_article(title="Fact check: Is the old lighthouse for sale?")
        return corrected, other

    def live_results(self, client):
        response = client.get(reverse("search"), {"q": "lighthouse"})
        return [p.pk for p in response.context["page_obj"]]

    def test_superseded_candidates_are_never_shown(self, client, superseded):
        corrected, other = superseded
        first = Publication.objects.get(article=corrected, version=1)
        assert slugs("lighthouse") == [other.slug, corrected.slug]
        shown = self.live_results(client)
        assert shown == [other.live_publication().pk, corrected.live_publication().pk]
        assert first.pk not in shown

    def test_a_short_page_is_read_again_from_the_results(
        self, client, superseded, monkeypatch, django_assert_num_queries
    ):
        corrected, other = superseded
        # Only the best candidate, the superseded version: the page is short.
        monkeypatch.setattr(search.ResultsPaginator, "CANDIDATES_PER_ROW", 0)
        monkeypatch.setattr(search.ResultsPaginator, "CANDIDATE_SLACK", 1)
        expected = [other.live_publication().pk, corrected.live_publication().pk]
        client.get(reverse("search"), {"q": "warm-up"})
        with django_assert_num_queries(7):  # One more: the page read again.
            assert self.live_results(client) == expected


@postgresql
def test_migration_fills_documents_as_publishing_does(db):
    migration = importlib.import_module("articles.migrations.0016_reader_search")
    assert migration.REPLACED == search.text._REPLACED + search.text._DROPPED
    assert migration.REPLACEMENTS == search.text._REPLACEMENTS
    article = published_article(
        title=f"Fact check: Is in{NBH}person voting at the café “safe”?",
        summary="Yes — mostly.",
    )
    rows = Publication.objects.filter(article=article)
    published = rows.values_list("search_head", "search_document").get()
    rows.update(search_head=None, search_document=None)
    with connection.cursor() as cursor:
        cursor.execute(
            migration.DOCUMENT_SQL,
            {"from": migration.REPLACED, "to": migration.REPLACEMENTS},
        )
    assert rows.values_list("search_head", "search_document").get() == published
