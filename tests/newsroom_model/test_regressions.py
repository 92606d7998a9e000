"""
Sequences the newsroom model found breaking a promise on main, shrunk and
kept as plain tests: each runs its steps through the model's own rules and
checks every promise after each. Each failed on the main of 7 December 2026
(issue 19), and would fail again if the fix its name describes were undone.
"""

from django.test import TestCase

from .invariants import check_all
from .machine import NewsroomMachine
from .world import RedisSwitch, create_people, create_shared_records


def step(name, **arguments):
    return name, arguments


def imported(long_title=False):
    return step("import_fact_check", long_title=long_title)


def edited(edit, user="editor", index=0):
    return step("edit_in_admin", user=user, index=index, edit=edit)


def published(kind, *, user="editor", noted=False, override=False, hours_ahead=0):
    return step(
        "publish",
        user=user,
        index=0,
        kind=kind,
        noted=noted,
        override=override,
        hours_ahead=hours_ahead,
    )


def reviewed(what, user):
    return step("review", user=user, index=0, step=what)


class NewsroomRegressionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.people = create_people()
        create_shared_records()

    def run_steps(self, *steps, only="I"):
        """Take the steps, checking every promise (or those `only` names) after each."""
        NewsroomMachine.test_case = self
        NewsroomMachine.people = self.people
        machine = NewsroomMachine()
        try:
            for number, (name, arguments) in enumerate(steps, 1):
                getattr(machine, name)(**arguments)
                broken = [
                    promise
                    for promise in check_all(machine.reader, machine.tokens.issued)
                    if promise.startswith(only)
                ]
                self.assertEqual(broken, [], f"after step {number}, {name}{arguments}")
        finally:
            machine.teardown()

    def test_rating_change_cannot_be_published_as_an_update(self):
        self.run_steps(
            imported(),
            edited("add_claim"),
            published("first", override=True),
            edited("rating"),
            published("update", noted=True, override=True),
        )

    def test_no_to_yes_cannot_be_published_as_a_typo_fix(self):
        self.run_steps(
            imported(),
            published("first", override=True),
            edited("negate"),
            published("typo", override=True),
        )

    def test_editor_cannot_approve_his_own_change_to_an_approved_draft(self):
        self.run_steps(
            imported(),
            reviewed("submit", user="writer"),
            reviewed("approve", user="editor2"),
            edited("sentence", user="editor"),
            reviewed("approve", user="editor"),
            published("first"),
        )

    def test_source_edited_after_approval_is_not_published_unreviewed(self):
        self.run_steps(
            imported(),
            reviewed("submit", user="writer"),
            reviewed("approve", user="editor"),
            step("edit_cited_source", user="writer", index=0),
            published("first"),
        )

    def test_browser_line_endings_are_no_change_for_readers(self):
        self.run_steps(
            imported(),
            published("first", override=True),
            edited("resave", user="writer"),
            published("update", noted=True, override=True),
        )

    def test_fact_check_with_a_long_title_is_published(self):
        self.run_steps(imported(long_title=True), published("first", override=True))

    def test_removed_correction_leaves_the_notices_and_json_ld(self):
        self.run_steps(
            imported(),
            edited("add_claim"),
            published("first", override=True),
            edited("sentence"),
            published("correction", noted=True, override=True),
            edited("sentence"),
            published("update", noted=True, override=True),
            step("remove_version", user="editor", index=0, which=1),
        )

    def test_pages_changed_during_a_redis_outage_are_fresh_once_it_returns(self):
        if not RedisSwitch().available:
            # Without Redis the cache is this process's memory: never cut off.
            self.skipTest("no Redis to cut off (REDIS_URL unset)")
        self.run_steps(
            imported(),
            published("first", override=True),
            step("redis_goes_away"),
            edited("sentence"),
            published("update", noted=True, override=True),
            step("redis_comes_back"),
            only="I4",
        )

    def test_a_campaign_changed_during_a_redis_outage_shows_once_it_returns(self):
        if not RedisSwitch().available:
            self.skipTest("no Redis to cut off (REDIS_URL unset)")
        self.run_steps(
            imported(),
            published("first", override=True),
            step("redis_goes_away"),
            step("change_campaign", goal=806),
            step("redis_comes_back"),
            edited("number", user="writer"),
            only="I4",
        )
