from django.urls import path

from . import banner_events, testimonial_views, views, webhooks

app_name = "donations"

urlpatterns = [
    path("donations/goal.json", views.goal, name="goal"),
    path("donations/banner/token/", banner_events.banner_token, name="banner-token"),
    path("donations/banner/event/", banner_events.banner_event, name="banner-event"),
    path("donations/stripe/webhook/", webhooks.stripe_webhook, name="stripe-webhook"),
    path("support/", views.support, name="support"),
    path("support/thanks/", views.thanks, name="thanks"),
    path("support/manage/", views.manage, name="manage"),
    path("support/manage/<str:token>/", views.manage_open, name="manage-open"),
    path(
        "support/manage/<str:token>/testimonial/",
        testimonial_views.give_from_manage,
        name="testimonial-give",
    ),
    path(
        "support/manage/<str:token>/testimonial/remove/",
        testimonial_views.remove_from_manage,
        name="testimonial-remove",
    ),
    path(
        "support/thanks/testimonial/",
        testimonial_views.give_from_thanks,
        name="testimonial-thanks",
    ),
    path("supporters/", views.supporter_list, name="supporters"),
    path("supporters/remove/<str:token>/", views.remove_name, name="remove-name"),
]
