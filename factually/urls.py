from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from . import views

admin.site.site_header = "Factually newsroom"
admin.site.site_title = "Factually newsroom"
admin.site.index_title = "Newsroom"

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path(
        "about/methodology/",
        TemplateView.as_view(template_name="pages/methodology.html"),
        name="methodology",
    ),
    path(
        "about/corrections/",
        TemplateView.as_view(template_name="pages/corrections.html"),
        name="corrections",
    ),
    path(
        "about/funding/",
        TemplateView.as_view(template_name="pages/funding.html"),
        name="funding",
    ),
    path(
        "about/team/",
        TemplateView.as_view(template_name="pages/team.html"),
        name="team",
    ),
    path("donations/", include("donations.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
]
