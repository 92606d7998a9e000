from django.urls import path

from . import views

app_name = "donations"

urlpatterns = [
    path("goal.json", views.goal, name="goal"),
    path("banner/event/", views.banner_event, name="banner-event"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe-webhook"),
]
