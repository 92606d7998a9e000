"""The verdict box, the phone outline, share links and the social card."""

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles.factchecks import social_cards as social
from articles.factchecks.publishing import cancel_scheduled
from factually.models import StoredFile
from tests.articles.factories import (
    ClaimFactory,
    RelatedQuestionFactory,
    build_article,
    published_article,
)

# What publishing does, not the review: each draft edited in code is
# published approved as it stands.
from tests.articles.factories import publish_approved as publish
from tests.roles import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    article = build_article(
        title="Fact check: Did the recount change the result?", claims=0
    )
    ClaimFactory(article=article, position=1, statement="The recount flipped it.")
    ClaimFactory(
        article=article, position=2, statement="Nobody watched.", rating="mostly-false"
    )
    publish(article=article, kind="first")
    return article


class TestVerdictBox:
    def test_each_rating_links_to_its_claim(self, client, article):
        html = client.get(article.get_absolute_url()).content.decode()
        box = html[html.index('class="verdict"') : html.index("</aside>")]
        assert "Our verdicts" in box
        assert 'rating rating--false">False</span>' in box
        assert '<a href="#claim-1">The recount flipped it.</a>' in box
        assert '<a href="#claim-2">Nobody watched.</a>' in box
        assert html.index('class="verdict"') < html.index('id="summary-heading"')

    def test_no_box_without_claims(self, client):
        article = published_article(claims=0)
        assert b'class="verdict"' not in client.get(article.get_absolute_url()).content


class TestOutline:
    def test_collapsible_outline_under_the_title(self, client, article):
        html = client.get(article.get_absolute_url()).content.decode()
        outline = html[html.index('<details class="outline">') :]
        outline = outline[: outline.index("</details>")]
        assert "<summary>On this page</summary>" in outline
        assert 'href="#section-1"' in outline and 'href="#claims"' in outline
        assert html.index("article-title") < html.index('<details class="outline">')


class TestShareLinks:
    def test_plain_links_and_no_third_party_script(self, client, article):
        response = client.get(article.get_absolute_url())
        html = response.content.decode()
        url = "http%3A%2F%2Ftestserver%2Ffact-checks%2F" + article.slug + "%2F"
        assert "https://bsky.app/intent/compose?text=" in html
        assert f"https://www.facebook.com/sharer/sharer.php?u={url}" in html
        assert "https://x.com/intent/post?text=" in html and f"url={url}" in html
        assert "https://mastodonshare.com/?text=" in html
        assert "mailto:?subject=Fact%20check%3A%20Did%20the%20recount" in html
        assert "data-copy-link" in html
        scripts = [chunk.split('"')[0] for chunk in html.split('<script src="')[1:]]
        assert scripts and all(src.startswith("/static/") for src in scripts)
        assert "bsky.app" not in response["Content-Security-Policy"]


class TestSocialCard:
    def test_card_is_drawn_once_at_publish_time(
        self, django_capture_on_commit_callbacks
    ):
        article = build_article()
        # The file is written once the publication commits.
        with django_capture_on_commit_callbacks(execute=True):
            publish(article=article, kind="first")
        publication = article.live_publication()
        assert publication.social_card.name == social.card_name(publication)
        with default_storage.open(publication.social_card.name) as card:
            image = Image.open(io.BytesIO(card.read()))
            assert image.size == (1200, 630)
            assert image.format == "PNG"

    def test_a_card_drawn_before_is_kept_and_stored_once(
        self, django_capture_on_commit_callbacks
    ):
        article = build_article()
        tomorrow = timezone.now() + timedelta(days=1)
        with django_capture_on_commit_callbacks(execute=True):
            scheduled = publish(article=article, kind="first", published_at=tomorrow)
        cancel_scheduled(article=article)
        # The same draft again: the same version, the same card name.
        with django_capture_on_commit_callbacks(execute=True):
            again = publish(article=article, kind="first", published_at=tomorrow)

        assert again.social_card.name == scheduled.social_card.name
        cards = StoredFile.objects.filter(name__startswith=f"social/{article.pk}-")
        assert list(cards.values_list("name", flat=True)) == [again.social_card.name]

    def test_meta_tags_point_at_it(self, client, article):
        publication = article.live_publication()
        html = client.get(article.get_absolute_url()).content.decode()
        image = f"http://testserver/media/{publication.social_card.name}"
        assert f'<meta property="og:image" content="{image}">' in html
        assert '<meta name="twitter:card" content="summary_large_image">' in html
        assert f'<meta name="twitter:image" content="{image}">' in html

    def test_each_version_gets_its_card(self, article):
        first = article.live_publication().social_card.name
        article.title = "Fact check: Did the hand recount change the result?"
        article.save()
        publish(article=article, kind="update", note="New title.")
        assert article.live_publication().social_card.name != first

    def test_a_failed_card_leaves_a_text_preview(self, client, monkeypatch):
        def broken(**kwargs):
            raise OSError("disk full")

        monkeypatch.setattr(social, "render_card", broken)
        article = published_article()
        assert not article.live_publication().social_card
        html = client.get(article.get_absolute_url()).content.decode()
        assert '<meta name="twitter:card" content="summary">' in html
        assert "og:image" not in html

    def test_long_titles_and_many_verdicts_fit(self):
        content = {
            "claims": [
                {"rating": rating, "rating_label": label}
                for rating, label in [
                    ("true", "True"),
                    ("mostly-true", "Mostly true"),
                    ("mixed", "Mixed"),
                    ("mostly-false", "Mostly false"),
                    ("false", "False"),
                    ("unsupported", "Unsupported"),
                ]
            ]
        }
        png = social.render_card(
            title="Fact check: " + "Very long words " * 30, content=content
        )
        assert Image.open(io.BytesIO(png)).size == (1200, 630)

    def test_verdicts_count_ratings_in_order(self):
        content = {
            "claims": [
                {"rating": "false", "rating_label": "False"},
                {"rating": "mixed", "rating_label": "Mixed"},
                {"rating": "false", "rating_label": "False"},
            ]
        }
        assert social.verdicts(content) == [
            ("false", "False", 2),
            ("mixed", "Mixed", 1),
        ]


class TestRelatedQuestions:
    def test_unanswered_question_searches_then_asks(self, client):
        article = build_article(title="Fact check: Who counted the votes?")
        RelatedQuestionFactory(
            article=article, position=1, question="Who pays for a unicorn recount?"
        )
        publish(article=article, kind="first")
        html = client.get(article.get_absolute_url()).content.decode()
        link = "/search/?q=Who+pays+for+a+unicorn+recount%3F&amp;from=related"
        assert link in html
        response = client.get(
            "/search/", {"q": "Who pays for a zebra parade?", "from": "related"}
        )
        assert response.status_code == 302
        assert response["Location"] == "/ask/?claim=Who+pays+for+a+zebra+parade%3F"
        asked = client.get(response["Location"])
        assert b"Who pays for a zebra parade?</textarea>" in asked.content

    def test_related_search_with_results_stays_on_search(self, client):
        published_article(title="Fact check: Who pays for a recount?")
        response = client.get(
            "/search/", {"q": "Who pays for a recount?", "from": "related"}
        )
        assert response.status_code == 200
        assert response.context["page_obj"].paginator.count == 1

    def test_search_without_results_offers_the_ask_form(self, client, db):
        response = client.get("/search/", {"q": "zebra parade"})
        assert b'href="/ask/?claim=zebra%20parade"' in response.content


class TestAdminSuggestions:
    def url(self, article):
        return reverse("admin:articles_article_related_suggestions", args=[article.pk])

    def test_suggests_live_fact_checks_for_a_question(self, client):
        answer = published_article(title="Fact check: Who pays for a recount?")
        article = build_article(title="Fact check: Did the recount change it?")
        published_article(title="Fact check: Something else entirely?")
        client.force_login(staff("Writer"))
        response = client.get(self.url(article), {"q": "Who pays for a recount?"})
        assert response.status_code == 200
        data = response.json()
        assert data["suggestions"][0] == {
            "id": answer.pk,
            "title": "Fact check: Who pays for a recount?",
            "url": answer.get_absolute_url(),
        }
        assert data["labels"]["link"] == "Link"

    def test_never_suggests_the_article_itself(self, client):
        article = published_article(title="Fact check: Who pays for a recount?")
        client.force_login(staff("Writer"))
        response = client.get(self.url(article), {"q": "recount"})
        assert response.json()["suggestions"] == []

    def test_needs_a_newsroom_role(self, client):
        article = build_article()
        assert client.get(self.url(article), {"q": "x"}).status_code == 302
        client.force_login(staff("Fundraising"))
        assert client.get(self.url(article), {"q": "x"}).status_code == 403

    def test_change_form_loads_the_script(self, client):
        article = build_article(related=1)
        client.force_login(staff("Writer"))
        response = client.get(
            reverse("admin:articles_article_change", args=[article.pk])
        )
        assert b"js/related-suggestions.js" in response.content
