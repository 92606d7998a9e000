"""
Load demo supporting organisations (with logos drawn here, stored in the
media storage) and readers' testimonials (three approved, one waiting for
a fundraiser), so that /supporters/, /support/ and the admin have something
to show on a laptop. Every organisation is made up, its link at .example.

Run after load_demo_donations (load_demo does): the testimonials belong to
demo supporters. Safe to run again: organisations are found by name and
testimonials by supporter, so nothing is duplicated.
"""

from datetime import timedelta
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw

from donations.models import Organisation, Supporter, Testimonial
from factually import pagecache

ORGANISATIONS = [
    ("Lantern Civic Foundation", Organisation.Tier.PRINCIPAL, "#1b3a6b", True),
    ("Open Ledger Trust", Organisation.Tier.MAJOR, "#2f6d4f", True),
    ("Harbour Press Fund", Organisation.Tier.MAJOR, "#8a3b12", False),
    ("Northside Library Friends", Organisation.Tier.SUPPORTING, None, False),
]
TESTIMONIALS = [
    ("Every source is linked, so I can check the checkers.", "Priya, teacher", True),
    ("I gave after a fact check settled an argument at our dinner table.", "", True),
    (
        "Small, careful, and independent: that is worth $5 a month.",
        "Tomás, Lisbon",
        True,
    ),
    ("I like that they show what changed when they correct something.", "Wen", False),
]


def drawn_logo(name: str, colour: str) -> bytes:
    """A plain made-up logo: the name in white on a rounded colour block."""
    size = (480, 160)
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((4, 4, size[0] - 4, size[1] - 4), 24, fill=colour)
    draw.text(
        (size[0] // 2, size[1] // 2), name, fill="white", anchor="mm", font_size=34
    )
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


class Command(BaseCommand):
    help = "Load demo supporting organisations and readers' testimonials."

    @transaction.atomic
    def handle(self, *args, verbosity, **options):
        organisations = 0
        for position, (name, tier, colour, with_link) in enumerate(ORGANISATIONS):
            if Organisation.objects.filter(name=name).exists():
                continue
            slug = name.lower().replace(" ", "-")
            organisation = Organisation(
                name=name,
                tier=tier,
                url=f"https://{slug}.example/" if with_link else "",
                consents_to_be_shown=True,
                position=position,
            )
            if colour:
                organisation.logo.save(
                    f"{slug}.png", ContentFile(drawn_logo(name, colour)), save=False
                )
            organisation.save()
            organisations += 1

        now = timezone.now()
        demo_supporters = (
            Supporter.objects.filter(donations__provider_id__startswith="demo-")
            .distinct()
            .order_by("pk")
        )
        testimonials = 0
        for supporter, (text, signature, approved) in zip(
            demo_supporters, TESTIMONIALS, strict=False
        ):
            _testimonial, created = Testimonial.objects.get_or_create(
                supporter=supporter,
                defaults={
                    "text": text,
                    "signature": signature,
                    "consented_at": now - timedelta(days=3),
                    "approved_at": now - timedelta(days=2) if approved else None,
                },
            )
            testimonials += created
        pagecache.invalidate(
            reverse("donations:support"), reverse("donations:supporters")
        )
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{organisations} demo organisations and {testimonials} demo "
                    "testimonials added."
                )
            )
