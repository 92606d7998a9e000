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

EXAMPLES = int(os.environ.get("NEWSROOM_EXAMPLES", "50"))
STEPS = int(os.environ.get("NEWSROOM_STEPS", "30"))
SOAK = os.environ.get("NEWSROOM_SOAK") == "1"

BUDGET = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    derandomize=not SOAK,
    database=None,
    # The "explain" phase would replay each failing step many more times.
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    print_blob=True,
    # Each broken promise is its own exception class (machine.BROKEN), so
    # every one found is reported with its own shrunk steps.
    report_multiple_bugs=True,
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
