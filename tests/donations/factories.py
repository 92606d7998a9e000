from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone
from factory.django import DjangoModelFactory

from donations.models import (
    BannerMessage,
    Campaign,
    Donation,
    GivingMethod,
    Organisation,
    Supporter,
    Testimonial,
)
from tests.roles import staff


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Campaign {n}")
    goal = 1000
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(days=30))
    donate_url = "https://donate.example/give"


class BannerMessageFactory(DjangoModelFactory):
    class Meta:
        model = BannerMessage

    campaign = factory.SubFactory(CampaignFactory)
    headline = factory.Sequence(lambda n: f"Headline {n}")
    body = "Readers fund our fact checks."


class GivingMethodFactory(DjangoModelFactory):
    class Meta:
        model = GivingMethod

    name = factory.Sequence(lambda n: f"Way to give {n}")
    kind = GivingMethod.Kind.BANK_TRANSFER
    instructions = "IBAN: XX00 DEMO 0000 0000"


class SupporterFactory(DjangoModelFactory):
    class Meta:
        model = Supporter

    class Params:
        address = factory.Sequence(lambda n: f"reader{n}@example.org")

    email_hash = factory.LazyAttribute(lambda o: Supporter.hash_email(o.address))


class DonationFactory(DjangoModelFactory):
    class Meta:
        model = Donation

    supporter = factory.SubFactory(SupporterFactory)
    amount = 500
    currency = "USD"
    kind = Donation.Kind.ONE_OFF
    origin = Donation.Origin.OFFLINE
    received_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")


class SupporterTestimonialFactory(DjangoModelFactory):
    class Meta:
        model = Testimonial

    supporter = factory.SubFactory(SupporterFactory)
    text = "I give because every source is shown."
    consented_at = factory.LazyFunction(timezone.now)


def fundraiser(username="fundraiser"):
    """A staff member of the Fundraising group, as created by the migration."""
    return staff("Fundraising", username)


def newsroom_editor(username="editor"):
    """
    A writer or editor: staff, holding every permission in the project except
    the donations app's, so nothing but the missing permission keeps donor
    data from them.
    """
    user = get_user_model().objects.create_user(username, is_staff=True)
    user.user_permissions.set(
        Permission.objects.exclude(content_type__app_label="donations")
    )
    return user
