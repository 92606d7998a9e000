from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.generic import TemplateView

from articles.feeds import LatestFactChecksFeed
from articles.sitemaps import sitemaps

from . import pagecache, views

handler404 = "factually.views.page_not_found"
handler500 = "factually.outage.handler500"

admin.site.site_header = "Factually newsroom"
admin.site.site_title = "Factually newsroom"
admin.site.index_title = "Newsroom"


def page(template_name):
    # About pages change only with a deploy (they are templates), which
    # should call pagecache.invalidate_all(); see README, "Serving readers".
    return pagecache.public()(
        TemplateView.as_view(template_name=f"pages/{template_name}.html")
    )


urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("", include("articles.urls")),
    path("feed/", pagecache.public()(LatestFactChecksFeed()), name="feed"),
    path(
        "sitemap.xml",
        pagecache.public()(sitemap_views.sitemap),
        {"sitemaps": sitemaps},
        name="sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
    path("donations/", include("donations.urls")),
    path("about/methodology/", page("methodology"), name="methodology"),
    path("about/corrections/", page("corrections"), name="corrections"),
    path("about/funding/", page("funding"), name="funding"),
    path("about/team/", page("team"), name="team"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
]
