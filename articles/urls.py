from django.urls import path

from factually import pagecache

from .factchecks import about_page_views, views
from .factchecks.feeds import CorrectionsFeed
from .newsroom import views as newsroom_views
from .readers import views as reader_views

app_name = "articles"

urlpatterns = [
    path("fact-checks/<slug:slug>/", views.article_detail, name="detail"),
    path(
        "fact-checks/<slug:slug>/versions/<int:version>/",
        views.version_detail,
        name="version",
    ),
    path(
        "fact-checks/<slug:slug>/versions/<int:version>/changes/",
        views.version_changes,
        name="changes",
    ),
    path("answers/<int:pk>/", views.answer, name="answer"),
    path("corrections/", views.corrections, name="corrections"),
    path(
        "corrections/feed/",
        pagecache.public()(CorrectionsFeed()),
        name="corrections_feed",
    ),
    path(
        "about/<slug:slug>/versions/<int:number>/",
        about_page_views.page_version,
        name="page_version",
    ),
    path(
        "about/<slug:slug>/versions/<int:number>/changes/",
        about_page_views.page_changes,
        name="page_changes",
    ),
    path("topics/", views.topic_list, name="topics"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    path("ask/", reader_views.ask, name="ask"),
    path("ask/thanks/", reader_views.ask_thanks, name="ask_thanks"),
    path("preview/<int:pk>/", newsroom_views.preview, name="preview"),
    path(
        "preview/<int:pk>/<str:token>/",
        newsroom_views.shared_preview,
        name="shared_preview",
    ),
]
