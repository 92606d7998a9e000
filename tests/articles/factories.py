import datetime
import importlib

import factory

from articles.factchecks.publishing import publish
from articles.factchecks.shape import refresh_draft_digest
from articles.models import (
    Article,
    Author,
    Citation,
    Claim,
    Rating,
    RelatedQuestion,
    Section,
    Topic,
)
from tests.sources.factories import SourceFactory


class TopicFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")

    class Meta:
        model = Topic


class AuthorFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Author {n}")
    slug = factory.Sequence(lambda n: f"author-{n}")

    class Meta:
        model = Author


class ArticleFactory(factory.django.DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Fact check: Question number {n}?")
    slug = factory.Sequence(lambda n: f"question-{n}")
    summary = "The short answer."
    checked_on = datetime.date(2026, 11, 2)

    class Meta:
        model = Article
        skip_postgeneration_save = True


class SectionFactory(factory.django.DjangoModelFactory):
    article = factory.SubFactory(ArticleFactory)
    position = factory.Sequence(lambda n: n + 1)
    heading = factory.Sequence(lambda n: f"Heading {n}")
    body = "Some text."

    class Meta:
        model = Section


class ClaimFactory(factory.django.DjangoModelFactory):
    article = factory.SubFactory(ArticleFactory)
    position = factory.Sequence(lambda n: n + 1)
    statement = "Something was said."
    claimant = "A. Speaker"
    rating = Rating.FALSE
    explanation = "It was not so."

    class Meta:
        model = Claim


class CitationFactory(factory.django.DjangoModelFactory):
    article = factory.SubFactory(ArticleFactory)
    position = factory.Sequence(lambda n: n + 1)
    source = factory.SubFactory(SourceFactory)

    class Meta:
        model = Citation


class RelatedQuestionFactory(factory.django.DjangoModelFactory):
    article = factory.SubFactory(ArticleFactory)
    position = factory.Sequence(lambda n: n + 1)
    question = factory.Sequence(lambda n: f"Related question {n}?")

    class Meta:
        model = RelatedQuestion


def approve_as_is(article):
    """Mark the draft approved as it stands, as a reviewer's approval would."""
    article.refresh_from_db()
    refresh_draft_digest(article)
    article.review_state = Article.ReviewState.APPROVED
    article.approved_digest = article.draft_digest
    Article.objects.filter(pk=article.pk).update(
        review_state=article.review_state, approved_digest=article.approved_digest
    )
    return article


def build_article(
    *, sections=2, citations=2, claims=1, related=0, approved=True, **fields
):
    """
    An article with numbered children, ready to publish: approved as it
    stands unless `approved=False`.
    """
    article = ArticleFactory(**fields)
    for number in range(1, citations + 1):
        CitationFactory(article=article, position=number)
    for number in range(1, sections + 1):
        cite = f" [{(number - 1) % citations + 1}]" if citations else ""
        SectionFactory(
            article=article,
            position=number,
            heading=f"Part {number}",
            body=f"Paragraph of section {number}.{cite}",
        )
    for number in range(1, claims + 1):
        ClaimFactory(article=article, position=number)
    for number in range(1, related + 1):
        RelatedQuestionFactory(article=article, position=number)
    return approve_as_is(article) if approved else article


def publish_approved(*, article, **kwargs):
    """
    Publish the draft as it stands, approved first as a reviewer would: for
    tests of what publishing does rather than of the review, which edit a
    draft in code between publications (a change after an approval needs
    another approval, articles/approvals.py).
    """
    return publish(article=approve_as_is(article), **kwargs)


def published_article(*, kind="first", published_at=None, **fields):
    """A built article with its first publication."""
    article = build_article(**fields)
    publish(article=article, kind=kind, published_at=published_at)
    return article


def edit_summary(article, text="A sentence added since."):
    """
    Change what readers see (the summary), as a new version would, and
    approve the change as a reviewer would.
    """
    article.summary = f"{article.summary} {text}"
    article.save(update_fields=["summary", "updated_at"])
    return approve_as_is(article)


def create_about_pages():
    """The about pages the data migration made, again if a flush removed them."""
    from django.apps import apps

    importlib.import_module(
        "articles.migrations.0010_about_pages_content"
    ).create_pages(apps, None)
    importlib.import_module(
        "articles.migrations.0021_about_page_versions"
    ).freeze_first_versions(apps, None)
