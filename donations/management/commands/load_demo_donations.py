"""
Load a demo fundraising campaign: "Goal: 1,000 supporters", a few hundred
supporters whose donations over the past weeks fill the bar part-way, and
three banner variants with views, clicks and the gifts they brought, some
supporters who had given before the campaign, and a few who asked to be
named, and three other ways to give than a card (made-up details), so
that the banner, the tracker, the supporters page and the admin
dashboard have something to show on a laptop.

Safe to run again: the campaign is found by name and the demo donations by
their provider ids, so nothing is duplicated. It is meant to be called by the
project's load_demo; every demo email is at example.org and every provider id
starts "demo-", so the demo data is easy to tell apart.
"""

import random
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from donations import tracker
from donations.models import (
    BannerMessage,
    Campaign,
    Donation,
    GivingMethod,
    Supporter,
)

CAMPAIGN = "Reader drive"
SUPPORTERS = 430
MESSAGES = [
    {
        "headline": "Keep Factually independent",
        "body": "Factually is funded by its readers, not by advertisers, and we "
        "take no money from political parties, campaigns or groups.",
        "suggested_amount": "Even a $5 donation helps.",
        "button_text": "Donate",
        "weight": 3,
        "views": 5210,
        "clicks": 161,
    },
    {
        "headline": "Facts cost money. Lies are free.",
        "body": "Every fact check takes days of reading sources. Readers like you "
        "pay for that work, so no one else gets a say in it.",
        "suggested_amount": "Give $5 a month, or once.",
        "button_text": "Support our work",
        "weight": 2,
        "views": 3490,
        "clicks": 139,
    },
    {
        "headline": "Help us reach 1,000 supporters",
        "body": "We check claims from every side. Become a supporter and keep it "
        "that way.",
        "suggested_amount": "Even a $5 donation helps.",
        "button_text": "Become a supporter",
        "weight": 1,
        "views": 1702,
        "clicks": 44,
    },
]
# Other ways to give, with plainly made-up details: none of them is a real
# account or address.
GIVING_METHODS = [
    {
        "name": "Bank transfer",
        "kind": GivingMethod.Kind.BANK_TRANSFER,
        "instructions": "Account name: Factually Demo\n"
        "IBAN: XX00 DEMO 0000 0000 0000\n"
        "BIC: DEMOXX00\n"
        "Reference: your email address, so that we can thank you.",
        "position": 1,
    },
    {
        "name": "Cheque",
        "kind": GivingMethod.Kind.CHEQUE,
        "instructions": "Make it payable to “Factually” and post it to:\n"
        "Factually, PO Box 000, Example City, EX0 0XX\n"
        "Put your email address on the back for a receipt.",
        "position": 2,
    },
    {
        "name": "Donor-advised fund",
        "kind": GivingMethod.Kind.DONOR_ADVISED_FUND,
        "instructions": "Recommend a grant to “Factually (demo)”, "
        "tax id 00-0000000, and write to giving@example.org to tell us.",
        "position": 3,
    },
]


class Command(BaseCommand):
    help = "Load a demo campaign with supporters, donations and banner variants."

    @transaction.atomic
    def handle(self, *args, verbosity, **options):
        now = timezone.now()
        campaign = Campaign.objects.filter(name=CAMPAIGN).first()
        if campaign is None:
            Campaign.objects.current().update(is_current=False)
            campaign = Campaign.objects.create(
                name=CAMPAIGN,
                goal=1000,
                starts_at=(now - timedelta(days=38)).replace(
                    hour=0, minute=0, second=0, microsecond=0
                ),
                ends_at=(now + timedelta(days=24)).replace(
                    hour=0, minute=0, second=0, microsecond=0
                ),
                donate_url="https://buy.stripe.com/test_factually_demo",
                is_current=True,
            )
        for fields in MESSAGES:
            BannerMessage.objects.get_or_create(
                campaign=campaign, headline=fields["headline"], defaults=fields
            )
        variants = list(campaign.banner_messages.order_by("-weight", "pk"))
        created = self.create_donations(campaign, now, variants)
        for fields in GIVING_METHODS:
            GivingMethod.objects.get_or_create(name=fields["name"], defaults=fields)
        tracker.invalidate_on_commit()
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo campaign “{campaign}”: {created} demo donations added, "
                    f"{campaign.count_supporters()} of {campaign.goal} supporters."
                )
            )

    def create_donations(self, campaign, now, variants):
        # A fixed seed: every run plans the same donations, and the provider
        # ids make the ones already loaded a no-op.
        rng = random.Random(1000)
        last = min(now, campaign.ends_at) - timedelta(minutes=5)
        span = (last - campaign.starts_at).total_seconds()
        planned = []
        for number in range(1, SUPPORTERS + 1):
            # Most gifts crowd toward the launch, and one in five comes in a
            # final push: the chart gets the shape of a real campaign.
            fraction = rng.random() ** 1.6 if number % 5 else 0.85 + rng.random() * 0.15
            received_at = campaign.starts_at + timedelta(seconds=span * fraction)
            email = f"demo-supporter-{number}@example.org"
            amount = rng.choice([500, 500, 1000, 1000, 2000, 2500, 5000, 10000])
            recurring = rng.random() < 0.3
            planned.append((number, email, received_at, amount, recurring, 0))
            if recurring and received_at + timedelta(days=30) < last:
                planned.append(
                    (number, email, received_at + timedelta(days=30), amount, True, 1)
                )
        existing = set(
            Donation.objects.filter(provider_id__startswith="demo-").values_list(
                "provider_id", flat=True
            )
        )
        hashes = {email: Supporter.hash_email(email) for _, email, *_ in planned}
        # A second generator, so the plan above stays what it always was.
        extra = random.Random(2000)
        firsts = ["Ana", "Tomás", "Priya", "Wen", "Amara", "Jonas", "Leila", "Sam"]
        firsts += ["Grace", "Mateo", "Yusuf", "Hannah", "Kofi", "Ines", "Ravi"]
        initials = "ABCDFGHJKLMNOPRSTVW"
        Supporter.objects.bulk_create(
            [
                Supporter(
                    email_hash=value,
                    created_at=now,
                    display_name=(
                        f"{firsts[index // 9 % len(firsts)]} "
                        f"{initials[index * 7 % len(initials)]}."
                    )
                    if index % 9 == 0
                    else "",
                    display_name_consented_at=now if index % 9 == 0 else None,
                )
                for index, value in enumerate(hashes.values())
            ],
            ignore_conflicts=True,
        )
        supporters = dict(
            Supporter.objects.filter(email_hash__in=hashes.values()).values_list(
                "email_hash", "pk"
            )
        )
        donations = []
        for number, email, received_at, amount, recurring, renewal in planned:
            provider_id = f"demo-{number}-{renewal}"
            if provider_id in existing:
                continue
            donation = Donation(
                supporter_id=supporters[hashes[email]],
                amount=amount,
                currency="USD",
                kind=Donation.Kind.RECURRING if recurring else Donation.Kind.ONE_OFF,
                origin=Donation.Origin.IMPORT,
                provider_id=provider_id,
                received_at=received_at,
                note="Demo data",
                banner_message=extra.choices(variants, [v.weight for v in variants])[0]
                if variants and not renewal and extra.random() < 0.6
                else None,
            )
            if number % 97 == 0:
                donation.refunded_at = received_at + timedelta(days=2)
            if number == 250:
                donation.excluded_reason = (
                    "Political organisation: we take no money from political groups."
                )
            donations.append(donation)
            if (
                not renewal
                and number % 8 == 0
                and f"demo-{number}-earlier" not in existing
            ):
                # A returning supporter: a gift to last year's drive.
                donations.append(
                    Donation(
                        supporter_id=supporters[hashes[email]],
                        amount=amount,
                        currency="USD",
                        kind=Donation.Kind.ONE_OFF,
                        origin=Donation.Origin.IMPORT,
                        provider_id=f"demo-{number}-earlier",
                        received_at=campaign.starts_at - timedelta(days=200 + number),
                        note="Demo data",
                    )
                )
        Donation.objects.bulk_create(donations)
        return len(donations)
