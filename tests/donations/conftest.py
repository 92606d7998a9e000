import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """
    The goal tracker lives in the cache, which outlives each test's database
    rollback: start and finish every test with an empty one.
    """
    cache.clear()
    yield
    cache.clear()
