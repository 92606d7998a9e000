from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from articles.factchecks import views as article_views
from articles.factchecks.feeds import LatestFactChecksFeed
from articles.factchecks.sitemaps import sitemaps
from articles.readers import views as reader_views

from . import pagecache, views

handler404 = "factually.views.page_not_found"
handler500 = "factually.outage.handler500"


urlpatterns = [
    path("", article_views.home, name="home"),
    path("search/", reader_views.search, name="search"),
    path("", include("articles.urls")),
    path("feed/", pagecache.public()(LatestFactChecksFeed()), name="feed"),
    path(
        "sitemap.xml",
        # The sitemap's page number ("p"), as Django's view reads it.
        pagecache.public(query=("p",))(sitemap_views.sitemap),
        {"sitemaps": sitemaps},
        name="sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
    path("", include("donations.urls")),
    path(
        "about/methodology/",
        article_views.about_page,
        {"slug": "methodology"},
        name="methodology",
    ),
    path(
        "about/corrections/",
        article_views.about_page,
        {"slug": "corrections"},
        name="corrections",
    ),
    path("about/funding/", views.funding, name="funding"),
    path("about/team/", article_views.about_page, {"slug": "team"}, name="team"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
]
# Social cards, from the database, whatever the debug setting; an object
# store (MEDIA_S3_BUCKET) serves them at its own address instead.
if settings.MEDIA_URL.startswith("/"):
    urlpatterns.append(
        path(f"{settings.MEDIA_URL.lstrip('/')}<path:name>", views.media, name="media")
    )
