"""
The newsroom as a Hypothesis state machine: random sequences of what its
people really do, through the entry points they use, with every promise
(invariants.py) checked after each step.

Drives: a writer importing a fact check from text; anyone editing it
through the admin's change form (browser line endings) or editing a source
it cites through the source admin; comments; submit, request changes and
approve (articles.newsroom.workflow); publishing with every kind, right or wrong,
with or without a note or an override, now or scheduled (articles.
publishing); time passing; reverting to an earlier revision; withdrawing;
removing a version; the campaign changed in its admin; Redis cut off and
back. A refused act must change nothing.

Each example starts from the same database: the machine opens a savepoint
when it is made and rolls back to it in teardown(), so the rows the test
case set up (people, sources, a topic, a campaign) are made once. Inside
the test case's transaction nothing commits, so each step runs with the
on-commit callbacks captured and run at its end, as a commit would (the
page cache's invalidations are such callbacks).
"""

import datetime
import re

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from reversion.models import Version

from articles.factchecks import article_page_query as page_query
from articles.factchecks import publishing
from articles.factchecks.removals import VersionRemoval
from articles.factchecks.shape import load
from articles.models import Article, Publication, Rating
from articles.newsroom import approvals, commenting, importing, workflow
from articles.newsroom import restoring as history
from donations.models import Campaign
from factually.pagecache import durable
from sources.models import Source

from .forms import BrowserForm
from .invariants import check_all
from .world import RedisSwitch, Tokens, fact_check_text

START = datetime.datetime(2027, 1, 5, 9, 0, tzinfo=datetime.UTC)
ANYONE = ["writer", "editor", "editor2", "superuser"]
PUBLISHERS = ["editor", "editor2", "superuser"]
KINDS = [k for k in Publication.Kind.values if k != Publication.Kind.WITHDRAWAL]
EDITS = [
    "typo",  # Government ↔ Goverment in the summary.
    "negate",  # "No." ↔ "Yes." opening the summary.
    "sentence",  # A new sentence in the summary.
    "number",  # A number in a section changes.
    "rating",  # The first claim's rating moves on.
    "add_claim",
    "statement",  # The first claim says something else.
    "title",
    "topic",  # The topic is added or taken away.
    "resave",  # Saved as loaded.
]
RATINGS = list(Rating.values)
article_index = st.integers(0, 1)
# A note and an override, more often than not: without them most attempts
# are refused, and a sequence would rarely publish twice.
mostly_true = st.sampled_from([True, True, True, False])


class NewsroomMachine(RuleBasedStateMachine):
    # Set by the test case that runs the machine.
    test_case = None
    people = None

    def __init__(self):
        super().__init__()
        self.savepoint = transaction.savepoint_create()
        self.traveller = time_machine.travel(START, tick=False)
        self.clock = self.traveller.start()
        self.tokens = Tokens()
        self.redis = RedisSwitch()
        self.client = Client()
        self.reader = Client()
        self.articles = []
        self.people = dict(type(self).people)

    def teardown(self):
        self.redis.restore()
        durable.state.generation, durable.state.moments = None, ()
        self.traveller.stop()
        transaction.savepoint_rollback(self.savepoint)
        from django.core.cache import cache

        cache.clear()
        page_query.html_cache.clear()

    # What is done, and how a refusal is told apart from a bug.

    def act(self, action):
        """Run `action` as one request would, its commit callbacks included."""
        with self.test_case.captureOnCommitCallbacks(execute=True):
            return action()

    def refusable(self, article, action):
        """Run `action`; if it is refused, nothing may have changed."""
        before = _state(article)
        try:
            return self.act(action)
        except (ValidationError, PermissionDenied):
            after = _state(article)
            assert after == before, f"a refusal changed {before} into {after}"
            return None

    def article(self, index):
        return Article.objects.get(pk=self.articles[index % len(self.articles)])

    def admin_form(self, user, url):
        self.client.force_login(self.people[user])
        return BrowserForm(self.client, url)

    # The rules.

    # Every sequence starts with a fact check imported, and most with it
    # published (reviewed, or over the review): the other acts need one, and
    # the promises are about what is public.
    @initialize(
        long_title=st.booleans(),
        then=st.sampled_from(["reviewed", "overridden", "draft"]),
    )
    def import_first_fact_check(self, long_title, then):
        self.import_fact_check(long_title)
        if then == "reviewed":
            self.review("writer", 0, "submit")
            self.review("editor", 0, "approve")
        if then != "draft":
            self.publish_first("editor2", 0, override=then == "overridden")

    @precondition(lambda self: len(self.articles) < 2)
    @rule(long_title=st.booleans())
    def import_fact_check(self, long_title):
        imported = importing.read(fact_check_text(self.tokens, long_title=long_title))
        article = self.act(
            lambda: importing.create_draft(imported, user=self.people["writer"])
        )
        self.articles.append(article.pk)

    @precondition(lambda self: self.articles)
    @rule(
        user=st.sampled_from(ANYONE), index=article_index, edit=st.sampled_from(EDITS)
    )
    def edit_in_admin(self, user, index, edit):
        article = self.article(index)
        url = reverse("admin:articles_article_change", args=[article.pk])
        form = self.act(lambda: self.admin_form(user, url))
        _apply(form, edit, self.tokens)
        response = self.act(form.post)
        assert response.status_code in (200, 302), response.status_code

    @precondition(lambda self: self.articles)
    @rule(user=st.sampled_from(ANYONE), index=article_index)
    def edit_cited_source(self, user, index):
        source = Source.objects.filter(citations__article=self.article(index)).first()
        if source is None:
            return
        url = reverse("admin:sources_source_change", args=[source.pk])
        form = self.act(lambda: self.admin_form(user, url))
        form["title"] = f"Record {self.tokens()}"
        response = self.act(form.post)
        assert response.status_code in (200, 302), response.status_code

    @precondition(lambda self: self.articles)
    @rule(user=st.sampled_from(ANYONE), index=article_index)
    def comment(self, user, index):
        article, body = self.article(index), f"Check {self.tokens()} again."
        self.refusable(
            article,
            lambda: commenting.comment(
                article=article, user=self.people[user], body=body
            ),
        )

    @precondition(lambda self: self.articles)
    @rule(
        user=st.sampled_from(ANYONE),
        index=article_index,
        step=st.sampled_from(["submit", "request_changes", "approve"]),
    )
    def review(self, user, index, step):
        article, person = self.article(index), self.people[user]
        if step == "submit":
            action = lambda: workflow.submit(article=article, user=person)  # noqa: E731
        elif step == "approve":
            # The reviewer approves the draft she read (the review panel
            # sends its digest).
            read = load(Article.objects.get(pk=article.pk)).digest()
            action = lambda: approvals.approve(  # noqa: E731
                article=article, user=person, expected_digest=read
            )
        else:
            note = f"Fix {self.tokens()}."
            action = lambda: workflow.request_changes(  # noqa: E731
                article=article, user=person, note=note
            )
        self.refusable(article, action)

    @precondition(lambda self: self.articles)
    @rule(
        user=st.sampled_from(PUBLISHERS),
        index=article_index,
        kind=st.sampled_from(KINDS),
        noted=mostly_true,
        override=mostly_true,
        hours_ahead=st.sampled_from([0, 0, 0, 5, 30]),
    )
    def publish(self, user, index, kind, noted, override, hours_ahead):
        article = self.article(index)
        note = f"Changed {self.tokens()}." if noted else ""
        when = None
        if hours_ahead:
            when = datetime.datetime.now(datetime.UTC) + datetime.timedelta(
                hours=hours_ahead
            )
        self.refusable(
            article,
            lambda: publishing.publish(
                article=article,
                kind=kind,
                note=note,
                user=self.people[user],
                published_at=when,
                override_reason="Breaking news; reviewers away." if override else None,
            ),
        )

    # Publishing again is as likely as any two other acts: most promises
    # are about what a publication shows.
    @precondition(lambda self: self.articles)
    @rule(
        user=st.sampled_from(PUBLISHERS),
        index=article_index,
        kind=st.sampled_from(KINDS),
        noted=mostly_true,
        override=mostly_true,
    )
    def publish_again(self, user, index, kind, noted, override):
        self.publish(user, index, kind, noted, override, 0)

    # Publishing for the first time as a rule of its own: among every kind
    # and every refusal, random sequences would rarely get that far.
    @precondition(lambda self: self.articles)
    @rule(user=st.sampled_from(PUBLISHERS), index=article_index, override=st.booleans())
    def publish_first(self, user, index, override):
        self.publish(user, index, "first", False, override, 0)

    @rule(hours=st.sampled_from([1, 6, 24, 48]))
    def time_passes(self, hours):
        self.clock.shift(datetime.timedelta(hours=hours))

    @precondition(lambda self: self.articles)
    @rule(user=st.sampled_from(PUBLISHERS), index=article_index, back=st.integers(1, 4))
    def revert(self, user, index, back):
        article = self.article(index)
        versions = list(Version.objects.get_for_object(article))
        revision = versions[min(back, len(versions) - 1)].revision
        self.refusable(
            article,
            lambda: history.revert(
                article=article, revision=revision, user=self.people[user]
            ),
        )

    @precondition(lambda self: self.articles)
    @rule(user=st.sampled_from(PUBLISHERS), index=article_index)
    def withdraw(self, user, index):
        article, note = self.article(index), f"Withdrawn: {self.tokens()}."
        self.refusable(
            article,
            lambda: publishing.withdraw(
                article=article, note=note, user=self.people[user]
            ),
        )

    @precondition(lambda self: self.articles)
    @rule(
        user=st.sampled_from(PUBLISHERS), index=article_index, which=st.integers(0, 4)
    )
    def remove_version(self, user, index, which):
        article = self.article(index)
        publications = list(article.publications.order_by("version"))
        if not publications:
            return
        publication = publications[which % len(publications)]
        self.refusable(
            article,
            lambda: publishing.remove_version(
                publication=publication,
                note="Removed on legal advice.",
                user=self.people[user],
            ),
        )

    @rule(goal=st.integers(500, 5_000))
    def change_campaign(self, goal):
        campaign = Campaign.objects.current().get()
        url = reverse("admin:donations_campaign_change", args=[campaign.pk])
        form = self.act(lambda: self.admin_form("superuser", url))
        form["goal"] = goal
        response = self.act(form.post)
        assert response.status_code == 302, response.content.decode()[:2000]

    @rule()
    def redis_goes_away(self):
        self.redis.cut()

    @rule()
    def redis_comes_back(self):
        self.redis.restore()
        # Each app process reads the database's record of invalidations every
        # PAGE_CACHE_DURABLE_INTERVAL seconds in a thread (off in tests):
        # this is that reading, in this process.
        durable.state.refresh()

    @invariant()
    def every_promise_holds(self):
        broken = check_all(self.reader, self.tokens.issued)
        if broken:
            # One exception class per promise, so that Hypothesis tells
            # them apart and reports (and shrinks) each one.
            first = int(broken[0][1])
            raise BROKEN[first - 1]("Broken promises:\n" + "\n".join(broken))


class BrokenPromise(AssertionError):
    pass


BROKEN = [type(f"BrokenI{n}", (BrokenPromise,), {}) for n in range(1, 7)]


def _state(article):
    """What a refused act must leave as it was."""
    return (
        list(Article.objects.filter(pk=article.pk).values()),
        list(article.publications.values_list("pk", "version", "kind")),
        VersionRemoval.objects.filter(publication__article=article).count(),
    )


def _apply(form, edit, tokens):
    summary = form["summary"]
    if edit == "typo":
        if "Goverment" in summary:
            form["summary"] = summary.replace("Goverment", "Government", 1)
        else:
            form["summary"] = summary.replace("Government", "Goverment", 1)
    elif edit == "negate":
        if summary.startswith("No."):
            form["summary"] = "Yes." + summary[3:]
        else:
            form["summary"] = "No." + summary.removeprefix("Yes.")
    elif edit == "sentence":
        form["summary"] = f"{summary} Also {tokens()} [2]."
    elif edit == "number" and "sections-0-body" in form.values:
        body = form["sections-0-body"]
        form["sections-0-body"] = re.sub(
            r"\b(\d{3})\b", lambda m: str(int(m.group(1)) + 1), body, count=1
        )
    elif edit == "rating" and "claims-0-rating" in form.values:
        rating = form["claims-0-rating"]
        form["claims-0-rating"] = RATINGS[(RATINGS.index(rating) + 1) % len(RATINGS)]
    elif edit == "statement" and "claims-0-statement" in form.values:
        form["claims-0-statement"] = f"The count was {tokens()}."
    elif edit in ("add_claim", "rating", "statement"):
        count = int(form["claims-TOTAL_FORMS"])
        form["claims-TOTAL_FORMS"] = count + 1
        for name, value in {
            "position": count + 1,
            "statement": f"The count was {tokens()}.",
            "claimant": "A. Poster",
            "rating": Rating.FALSE,
            "explanation": f"Observers {tokens()} watched it [1].",
        }.items():
            form[f"claims-{count}-{name}"] = value
    elif edit == "title":
        form["title"] = form["title"].replace("Did the", f"Did the {tokens()}", 1)
    elif edit == "topic":
        form["topics"] = [] if form.values.get("topics") else [_topic_pk()]


def _topic_pk():
    from articles.models import Topic

    return str(Topic.objects.get(slug="elections").pk)
