"""A draft shared with a link, as the person given the link sees it."""

import pytest
from django.utils import timezone

from articles.models import PreviewLink
from tests.articles.factories import build_article

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_share_link_shows_the_draft_until_it_is_revoked(page):
    article = build_article(
        title="Fact check: Did the bridge close for a week?", approved=False
    )
    link = PreviewLink.objects.create(article=article)

    response = page.visit(link.get_absolute_url())

    assert response.status == 200
    assert response.headers["x-robots-tag"] == "noindex, nofollow"
    assert "private" in response.headers["cache-control"]
    assert page.locator("h1").first.inner_text() == article.title
    assert page.errors == []
    page.screenshot("share-link-draft")

    link.revoked_at = timezone.now()
    link.save()
    response = page.visit(link.get_absolute_url())

    assert response.status == 404
    assert article.title not in page.content()
    page.screenshot("share-link-revoked")
