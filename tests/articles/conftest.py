import pytest
from django.test import override_settings

IMMEDIATE_TASKS = {
    "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
}


@pytest.fixture(autouse=True)
def _immediate_tasks():
    """
    Run background tasks (notification and asker emails) at once, in the
    test, once the transaction that enqueued them commits.
    tests/articles/test_email_worker.py runs them through the real database
    backend and worker instead.
    """
    with override_settings(TASKS=IMMEDIATE_TASKS):
        yield
