import pytest
from django.test import override_settings

from .stripe_server import running_fake_stripe

IMMEDIATE_TASKS = {
    "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
}


@pytest.fixture(autouse=True)
def _immediate_tasks():
    """
    Run background tasks at once, in the test, once the transaction that
    enqueued them commits. test_worker.py runs them through the real
    database backend and worker instead.
    """
    with override_settings(TASKS=IMMEDIATE_TASKS):
        yield


@pytest.fixture
def fake_stripe():
    """The local stand-in for Stripe's API, for tests written as functions."""
    with running_fake_stripe() as fake:
        yield fake
