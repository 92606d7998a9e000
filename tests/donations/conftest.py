import pytest
from django.test import override_settings

from .stripe_server import fake_stripe  # noqa: F401 (a fixture for plain tests)

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
