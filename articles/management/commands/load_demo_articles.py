"""
Load five published demo fact checks, so that a fresh checkout has realistic
pages to read, design and test against.

The articles check well-documented questions against real sources; their text
lives in `articles/demo_content.py`. Each goes through `publish()` exactly as
an editor's work would, with a django-reversion revision for every published
version, and two of them get a later correction or update so that the update
history has something to show.

The command only adds. Topics and authors are reused by slug and sources by
URL, and an article whose slug is already taken is left alone, so running it
again changes nothing.
"""

import reversion
from django.core.management.base import BaseCommand
from django.db import transaction

from articles import demo_content
from articles.factchecks.publishing import publish
from articles.models import (
    Article,
    Author,
    Citation,
    Claim,
    Publication,
    RelatedQuestion,
    Section,
    Topic,
)
from sources.models import Source, normalize_url

# Demo content has had no reviewer: it is published with an override, which
# the audit trail records like any other.
DEMO_OVERRIDE = "Demo content loaded by load_demo_articles, not reviewed."


class Command(BaseCommand):
    help = "Load five published demo fact checks, leaving existing ones alone."

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        # The articles' related questions point at one another, so all five
        # are drafted before any is published, in one transaction: a failure
        # leaves no half-loaded article for the next run to skip.
        with transaction.atomic():
            topics = {
                data["slug"]: Topic.objects.get_or_create(
                    slug=data["slug"], defaults=data
                )[0]
                for data in demo_content.TOPICS
            }
            authors = {
                data["slug"]: Author.objects.get_or_create(
                    slug=data["slug"], defaults=data
                )[0]
                for data in demo_content.AUTHORS
            }
            sources = {
                key: Source.objects.get_or_create(
                    url_key=normalize_url(data["url"]), defaults=data
                )[0]
                for key, data in demo_content.SOURCES.items()
            }
            taken = set(
                Article.objects.filter(
                    slug__in=[data["slug"] for data in demo_content.ARTICLES]
                ).values_list("slug", flat=True)
            )
            new = [data for data in demo_content.ARTICLES if data["slug"] not in taken]
            drafts = [
                self.write_draft(data, topics=topics, authors=authors, sources=sources)
                for data in new
            ]
            for article, data in zip(drafts, new, strict=True):
                self.publish_versions(article, data, sources=sources)
                if verbosity >= 2:
                    self.stdout.write(f"Published “{article.title}”")

        if verbosity >= 2:
            for slug in sorted(taken):
                self.stdout.write(
                    f"Left alone “{slug}”: an article with that slug exists."
                )
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded {len(new)} demo fact check(s); "
                    f"{len(taken)} already existed."
                )
            )

    def write_draft(self, data, *, topics, authors, sources):
        article = Article.objects.create(
            title=data["title"],
            slug=data["slug"],
            summary=data["summary"],
            checked_on=data["checked_on"],
            sources_note=data.get("sources_note", ""),
        )
        article.topics.set([topics[slug] for slug in data["topics"]])
        article.authors.set([authors[slug] for slug in data["authors"]])
        for position, (heading, body) in enumerate(data["sections"], 1):
            Section.objects.create(
                article=article, position=position, heading=heading, body=body
            )
        for position, claim in enumerate(data["claims"], 1):
            Claim.objects.create(article=article, position=position, **claim)
        self.add_citations(article, data["citations"], sources=sources)
        return article

    def add_citations(self, article, citations, *, sources):
        start = article.citations.count() + 1
        for position, (key, pinpoint) in enumerate(citations, start):
            Citation.objects.create(
                article=article,
                position=position,
                source=sources[key],
                pinpoint=pinpoint,
            )

    def publish_versions(self, article, data, *, sources):
        with reversion.create_revision():
            reversion.set_comment("Demo fact check loaded.")
            for position, (question, answer_slug) in enumerate(data["related"], 1):
                RelatedQuestion.objects.create(
                    article=article,
                    position=position,
                    question=question,
                    answer=Article.objects.filter(slug=answer_slug).first()
                    if answer_slug
                    else None,
                )
            reversion.add_to_revision(article)
        publish(
            article=article,
            kind=Publication.Kind.FIRST,
            user=None,
            published_at=data["published_at"],
            override_reason=DEMO_OVERRIDE,
        )

        revision = data.get("revision")
        if revision is None:
            return
        with reversion.create_revision():
            reversion.set_comment(revision["note"])
            for position, body in revision.get("sections", {}).items():
                section = article.sections.get(position=position)
                section.body = body
                section.save(update_fields=["body"])
            self.add_citations(article, revision.get("citations", []), sources=sources)
            article.checked_on = revision["checked_on"]
            article.save(update_fields=["checked_on", "updated_at"])
        publish(
            article=article,
            kind=revision["kind"],
            note=revision["note"],
            user=None,
            published_at=revision["published_at"],
            override_reason=DEMO_OVERRIDE,
        )
