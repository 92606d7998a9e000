"""
The public pages that list fact checks, for the page benchmark (pages.py):
the home page, a topic, an author, the corrections log and a search.

load() publishes enough short fact checks, each with a topic and an author,
for the home page to fill its first page and go on to a second, and
corrects some of them (with a verdict changed), so that the corrections log
lists real entries; paths() names the pages to measure.
"""

from datetime import date

# More than a page (articles.factchecks.views.PAGE_SIZE is 12) beside the two articles.
# The pages listing fact checks, each measured on a cache miss against a
# static file of its own bytes.
PAGES = ("home", "topic", "author", "corrections", "search")
LISTED = 24
# Of which this many are corrected once, a rating changed.
CORRECTED = 8
SEARCH = "/search/?q=ballots+counted"


def load(topic):
    """Publish the listed fact checks under `topic`, by one author."""
    from articles.factchecks.publishing import publish
    from articles.models import Article, Author, Claim, Rating, Section

    author = Author.objects.create(
        name="Ada Checker", slug="ada-checker", role="Senior researcher"
    )
    for number in range(LISTED):
        article = Article.objects.create(
            title=f"Fact check: Were the ballots in ward {number} counted twice?",
            slug=f"bench-listed-{number}",
            summary=(
                f"No. The ward {number} tally was counted once and audited; "
                "the claim misreads the turnout table."
            ),
            checked_on=date(2026, 11, 2),
        )
        article.topics.add(topic)
        article.authors.add(author)
        Section.objects.create(
            article=article,
            position=1,
            heading="What the count shows",
            body="The ballots were counted once, by hand, and audited afterwards.",
        )
        claim = Claim.objects.create(
            article=article,
            position=1,
            statement=f"The ballots in ward {number} were counted twice.",
            claimant="A. Speaker",
            rating=Rating.FALSE,
            explanation="The tally and the audit agree.",
        )
        publish(article=article, kind="first", override_reason="Benchmark data.")
        if number < CORRECTED:
            claim.rating = Rating.MOSTLY_FALSE
            claim.save()
            publish(
                article=article,
                kind="correction",
                note="The audit found one batch counted twice; the rating changed.",
                override_reason="Benchmark data.",
            )
    return author


def paths(topic, author):
    """The listing pages measured, by name."""
    return {
        "topic": topic.get_absolute_url(),
        "author": author.get_absolute_url(),
        "corrections": "/corrections/",
        "search": SEARCH,
    }
