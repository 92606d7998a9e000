"""Generic views for the page cache's tests (tests/test_serving.py)."""

import datetime

from django.db import OperationalError, ProgrammingError
from django.http import HttpResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.cache import cache_control, never_cache

from factually import pagecache

calls = []


def counted(text):
    calls.append(text)
    return HttpResponse(
        f"<p>{text}</p>" + "<p>padding</p>" * 40,
        content_type="text/html; charset=utf-8",
    )


@pagecache.public(query=("page",))
def public(request):
    response = counted(f"public {request.GET.urlencode()}")
    return pagecache.tag(response, "article-12")


@pagecache.public()
def during_publish(request):
    # Another process publishes (and invalidates, once committed) while
    # this page is rendering.
    response = counted("during publish")
    pagecache.committed(paths=[request.path])
    return response


@pagecache.public()
def expiring(request):
    response = counted("expiring")
    return pagecache.expire_at(response, timezone.now() + datetime.timedelta(minutes=2))


@cache_control(private=True, max_age=60)
def private(request):
    return counted("private")


@never_cache
def uncached(request):
    return counted("never")


@pagecache.public()
def sets_cookie(request):
    response = counted("cookie")
    response.set_cookie("seen", "1")
    return response


@pagecache.public()
def reads_session(request):
    request.session.get("anything")
    return counted("session")


def unmarked(request):
    return counted("unmarked")


@pagecache.public()
def server_error(request):
    return HttpResponse("broken", status=500)


@pagecache.public()
def database_down(request):
    raise OperationalError("connection refused")


@pagecache.public()
def database_bug(request):
    raise ProgrammingError("no such column")


urlpatterns = [
    path("public/", public),
    path("other/", public),
    path("during-publish/", during_publish),
    path("expiring/", expiring),
    path("private/", private),
    path("never/", uncached),
    path("cookie/", sets_cookie),
    path("session/", reads_session),
    path("unmarked/", unmarked),
    path("error/", server_error),
    path("database-down/", database_down),
    path("database-bug/", database_bug),
    path("admin/public/", public),
    path("", include("factually.urls")),
]

handler404 = "factually.views.page_not_found"
handler500 = "factually.outage.handler500"
