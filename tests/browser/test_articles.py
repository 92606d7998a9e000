import datetime

import pytest
from django.utils import timezone

from tests.articles.factories import (
    AuthorFactory,
    RelatedQuestionFactory,
    TopicFactory,
    build_article,
    create_about_pages,
    published_article,
)

# What publishing does, not the review: each draft edited in code is
# published approved as it stands.
from tests.articles.factories import publish_approved as publish

pytestmark = pytest.mark.django_db(transaction=True)

PARAGRAPH = (
    "Investigators counted the ballots twice, once by machine and once by hand, "
    "and the two tallies agreed to within a handful of votes [1]. The state's "
    "published canvass matches both counts [2]."
)


@pytest.fixture
def article():
    answer = published_article(
        title="Fact check: Were the machines tested before the vote?"
    )
    article = build_article(
        title="Fact check: What evidence exists that the recount changed the result?",
        sections=3,
        citations=3,
        claims=2,
    )
    article.sections.update(body=PARAGRAPH + "\n\n" + PARAGRAPH)
    article.topics.add(TopicFactory(name="Elections"))
    article.authors.add(
        AuthorFactory(name="Ada Reporter"), AuthorFactory(name="Sam Editor")
    )
    RelatedQuestionFactory(
        article=article, position=1, question=answer.title, answer=answer
    )
    RelatedQuestionFactory(
        article=article, position=2, question="Who pays for a recount?"
    )
    publish(
        article=article,
        kind="first",
        published_at=timezone.now() - datetime.timedelta(days=3),
    )
    article.sections.filter(position=1).update(
        body=PARAGRAPH + " Two hundred people watched."
    )
    publish(
        article=article,
        kind="correction",
        note="Corrected the number of observers from 150 to 200.",
    )
    return article


def test_citation_link_moves_to_source_and_back(page, article):
    page.visit(article.get_absolute_url())

    page.locator("#section-2 sup.cite a", has_text="[2]").first.click()
    page.wait_for_url("**#source-2")
    assert page.evaluate("location.hash") == "#source-2"
    assert page.locator("#source-2").is_visible()

    backlink = page.locator("#source-2 .source__backlinks a").first
    target = backlink.get_attribute("href")
    backlink.click()
    page.wait_for_url(f"**{target}")
    assert page.locator(target).is_visible()
    assert (
        page.locator(target)
        .evaluate("el => el.closest('section').id")
        .startswith("section-")
    )
    assert page.errors == []


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_article_page_screenshots(request, article, width):
    page = request.getfixturevalue("phone_page" if width == "phone" else "page")

    response = page.visit(article.get_absolute_url())

    assert response.status == 200
    assert page.locator("h1").inner_text() == article.title
    assert page.locator(".notice--correction").is_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    page.screenshot(f"article-{width}")
    assert page.errors == []


@pytest.fixture
def demo():
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    # The about pages come from a data migration, which the flush of an
    # earlier browser test removed.
    create_about_pages()


@pytest.mark.parametrize(
    "name, path",
    [
        ("home-demo", "/"),
        ("article-demo", "/fact-checks/apollo-moon-landing-evidence/"),
        ("topic", "/topics/space/"),
        ("topics", "/topics/"),
        ("search", "/search/?q=lightning"),
        ("methodology", "/about/methodology/"),
        ("team", "/about/team/"),
        ("not-found", "/fact-checks/no-such-thing/"),
    ],
)
def test_public_pages_with_demo_content(page, demo, name, path):
    page.visit(path)

    assert page.locator("h1").count() == 1
    page.screenshot(name)
    # The 404 page logs its own status as a console error; nothing else may.
    expected = 1 if name == "not-found" else 0
    assert len(page.errors) == expected, page.errors
