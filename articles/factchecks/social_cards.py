"""
The social preview card of a fact check: a 1200 × 630 PNG with the title
and the verdicts on the Factually colours, drawn once at publish time with
Pillow and stored in the default storage (the database, which every app
server reads, served at MEDIA_URL; or an S3 bucket: see README, "Social
cards in production").

The fonts are DejaVu Sans, shipped in articles/fonts/ with their licence.
"""

import io
import logging
from collections import Counter
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from .ratings import Rating

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
FONTS = Path(__file__).resolve().parent / "fonts"
BOLD = FONTS / "DejaVuSans-Bold.ttf"
REGULAR = FONTS / "DejaVuSans.ttf"
BRAND = "#17315c"
ACCENT = "#ffd166"
WHITE = "#ffffff"
SOFT = "#c9d3e6"
# The same colours as the rating badges on the site (static/css/site.css).
RATING_COLOURS = {
    Rating.TRUE: "#1e6b3a",
    Rating.MOSTLY_TRUE: "#3c7a2a",
    Rating.MIXED: "#8a5a00",
    Rating.MOSTLY_FALSE: "#a84300",
    Rating.FALSE: "#a11d1d",
    Rating.UNSUPPORTED: "#4f5661",
}
TITLE_SIZES = (64, 56, 48, 42, 36)
TITLE_LINES = 4
PREFIX = "Fact check: "


def _wrap(draw, text, font, width):
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _fit_title(draw, title, width):
    """The largest title size that fits in TITLE_LINES, else the smallest, cut."""
    for size in TITLE_SIZES:
        font = ImageFont.truetype(BOLD, size)
        lines = _wrap(draw, title, font, width)
        if len(lines) <= TITLE_LINES:
            return font, lines
    lines = lines[:TITLE_LINES]
    lines[-1] = lines[-1].rstrip(" ,;:") + "…"
    return font, lines


def verdicts(content: dict) -> list[tuple[str, str, int]]:
    """(rating, label, how many claims) in the order claims first give them."""
    counts = Counter(claim["rating"] for claim in content.get("claims", []))
    labels = {claim["rating"]: claim["rating_label"] for claim in content["claims"]}
    return [(rating, labels[rating], count) for rating, count in counts.items()]


def render_card(*, title: str, content: dict) -> bytes:
    """The card as PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BRAND)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, WIDTH, 12], fill=ACCENT)

    brand_font = ImageFont.truetype(BOLD, 34)
    draw.text((MARGIN, 52), "Factually", font=brand_font, fill=WHITE)
    eyebrow = ImageFont.truetype(REGULAR, 26)
    draw.text(
        (MARGIN + draw.textlength("Factually", font=brand_font) + 18, 60),
        _("FACT CHECK"),
        font=eyebrow,
        fill=ACCENT,
    )

    question = title[len(PREFIX) :] if title.startswith(PREFIX) else title
    font, lines = _fit_title(draw, question, WIDTH - 2 * MARGIN)
    y = 140
    line_height = int(font.size * 1.22)
    for line in lines:
        draw.text((MARGIN, y), line, font=font, fill=WHITE)
        y += line_height

    found = verdicts(content)
    label_font = ImageFont.truetype(REGULAR, 24)
    chip_font = ImageFont.truetype(BOLD, 30)
    bottom = HEIGHT - 60
    if found:
        draw.text((MARGIN, bottom - 96), _("Our verdict"), font=label_font, fill=SOFT)
        x = MARGIN
        for rating, label, count in found:
            text = f"{label} × {count}" if count > 1 else label
            chip_width = int(draw.textlength(text, font=chip_font)) + 40
            if x + chip_width > WIDTH - MARGIN:
                break
            draw.rounded_rectangle(
                [x, bottom - 58, x + chip_width, bottom],
                radius=10,
                fill=RATING_COLOURS.get(rating, RATING_COLOURS[Rating.UNSUPPORTED]),
                outline=WHITE,
                width=2,
            )
            draw.text(
                (x + 20, bottom - 29), text, font=chip_font, fill=WHITE, anchor="lm"
            )
            x += chip_width + 16
    else:
        draw.text(
            (MARGIN, bottom - 40),
            _("Every source shown. Every change logged."),
            font=label_font,
            fill=SOFT,
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def card_name(publication) -> str:
    """
    Where the card is stored: named by the article, the version and the
    draft digest (which decides the title and verdicts drawn), never by the
    slug, so the name stays well within the field's length whatever the
    address. The same name always holds the same picture.
    """
    return (
        f"social/{publication.article_id}-v{publication.version}-"
        f"{publication.draft_digest[:16]}.png"
    )


def save_card(*, publication) -> str:
    """
    Draw the publication's card and record its name on the publication
    (saved or about to be). Called once by `publish()`, before the page is
    rendered; a failure to draw is logged and leaves the page with a
    text-only preview rather than failing the publication.

    The file is written when the publication's transaction commits, so a
    publication that fails leaves no image behind.
    """
    from .publications import Publication

    try:
        png = render_card(title=publication.title, content=publication.content)
    except Exception:
        logger.exception("Could not make the social card of %s", publication)
        return ""
    field = Publication._meta.get_field("social_card")
    name = card_name(publication)
    if len(name) > field.max_length:  # A guard for a future change of card_name().
        logger.error("The social card name %s is too long", name)
        return ""
    transaction.on_commit(lambda: _write(field.storage, name, png))
    publication.social_card.name = name
    if publication.pk:
        Publication.objects.filter(pk=publication.pk).update(social_card=name)
    return name


def _write(storage, name: str, png: bytes) -> None:
    # Storage.save() itself asks whether the name is taken, and picks
    # another if it is, so it is not asked here first.
    try:
        stored = storage.save(name, ContentFile(png))
    except Exception:
        logger.exception("Could not store the social card %s", name)
        return
    if stored != name:
        # The name holds this same picture, drawn before from the same
        # title and verdicts (for a scheduled version since cancelled).
        storage.delete(stored)
