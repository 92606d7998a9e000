import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings


def pytest_collection_modifyitems(config, items):
    """Run browser tests last, and mark them so `-m "not browser"` skips them."""
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: "tests/browser/" in item.nodeid)


@pytest.fixture(autouse=True, scope="session")
def _plain_static_storage():
    """
    Serve static files by name: the hashed manifest only exists after
    collectstatic, which test_static.py exercises on its own.
    """
    storages = {
        "default": settings.STORAGES["default"],
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    with override_settings(STORAGES=storages):
        yield


@pytest.fixture(autouse=True, scope="session")
def _media_in_a_temporary_folder(tmp_path_factory):
    """Files the site writes (social cards) go to a folder of the test run."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(autouse=True, scope="session")
def _no_durable_reader_thread():
    """
    No thread of the test process reads the recorded invalidations: it would
    hold a connection to the test database. Server processes the tests start
    (tests/servers.py) read them, and tests call durable.state.refresh().
    """
    with override_settings(PAGE_CACHE_DURABLE_INTERVAL=0):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """
    The goal tracker and other cached figures outlive each test's database
    rollback (and, with Redis, the whole run): start every test empty. So
    does each process's copy of pages' HTML, keyed by publication id, which
    a rolled-back or flushed database gives out again.
    """
    from articles.factchecks import article_page_query as page_query

    cache.clear()
    page_query.html_cache.clear()
    yield
    cache.clear()
    page_query.html_cache.clear()
