"""
Runs the newsroom model (machine.py) on the configured database: CI's
budget by default, derandomised so that a failure is reproducible; `make
soak` sets NEWSROOM_EXAMPLES (and NEWSROOM_SOAK=1 for fresh random
sequences each run). Hypothesis prints the failing steps, shrunk.
"""

import os

from django.test import TestCase
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from .machine import NewsroomMachine
from .world import create_people, create_shared_records

EXAMPLES = int(os.environ.get("NEWSROOM_EXAMPLES", "100"))
STEPS = int(os.environ.get("NEWSROOM_STEPS", "30"))
SOAK = os.environ.get("NEWSROOM_SOAK") == "1"

BUDGET = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    derandomize=not SOAK,
    database=None,
    # Shrinking a long sequence can take many times the run itself; CI
    # keeps what it has found, the soak shrinks fully.
    phases=list(Phase) if SOAK else [Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    print_blob=True,
    # One failure, shrunk, is what CI needs; the soak reports them all.
    report_multiple_bugs=SOAK,
)


class NewsroomModelTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.people = create_people()
        create_shared_records()

    def test_every_promise_holds_on_every_path(self):
        NewsroomMachine.test_case = self
        NewsroomMachine.people = self.people
        run_state_machine_as_test(NewsroomMachine, settings=BUDGET)
