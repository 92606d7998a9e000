from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("fact-checks/<slug:slug>/", views.article_detail, name="detail"),
    path("topics/", views.topic_list, name="topics"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    path("ask/", views.ask, name="ask"),
    path("ask/thanks/", views.ask_thanks, name="ask_thanks"),
    path("preview/<int:pk>/", views.preview, name="preview"),
    path("preview/<int:pk>/<str:token>/", views.shared_preview, name="shared_preview"),
]
