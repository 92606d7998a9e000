"""
Organisations on /supporters/ and readers' testimonials on /support/, in
Chromium: the fundraiser adds and approves, the supporter gives and takes
back, the anonymous reader sees only what was approved and consented to.
"""

import re
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from donations import supporters
from donations.models import Organisation, Supporter
from tests.browser.steps import log_in
from tests.browser.test_accessibility import EVERY_IMPACT
from tests.browser.test_editing import axe_violations
from tests.donations.factories import fundraiser

from .test_giving import demo, stand_in  # noqa: F401 (fixtures)

# The demo campaign and the local stand-in for Stripe that `make run` uses.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("demo"),
]

WORDS = "They show every source, so I can check the checkers. That is worth $5."


def logo(text, colour, size=(360, 120)):
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((6, 6, size[0] - 6, size[1] - 6), 18, fill=colour)
    draw.text(
        (size[0] // 2, size[1] // 2), text, fill="white", anchor="mm", font_size=34
    )
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def organisation(name, tier, picture=None, **fields):
    found = Organisation(
        name=name, tier=tier, **{"consents_to_be_shown": True, **fields}
    )
    if picture:
        found.logo.save(f"{name}.png", ContentFile(picture), save=False)
    found.save()
    return found


def test_fundraiser_adds_an_organisation_and_readers_see_them_by_tier(
    page_factory, roles, tmp_path
):
    organisation(
        "Lantern Foundation",
        Organisation.Tier.PRINCIPAL,
        logo("Lantern Foundation", "#1b3a6b"),
        url="https://lantern.example/",
    )
    organisation(
        "Open Data Co", Organisation.Tier.MAJOR, logo("Open Data Co", "#2f7d4f")
    )
    organisation("Harbour Press Fund", Organisation.Tier.SUPPORTING)
    organisation(
        "Not Yet Agreed", Organisation.Tier.SUPPORTING, consents_to_be_shown=False
    )
    staff_page = page_factory()
    log_in(staff_page, fundraiser())
    staff_page.visit("/admin/donations/organisation/add/")
    bad = tmp_path / "logo.png"
    bad.write_bytes(b"<svg onload='alert(1)'></svg>")
    staff_page.fill("#id_name", "Civic Trust")
    staff_page.fill("#id_url", "https://civic-trust.example/")
    staff_page.select_option("#id_tier", label="Major supporters")
    staff_page.check("#id_consents_to_be_shown")
    staff_page.set_input_files("#id_logo", str(bad))
    staff_page.click("input[name=_save]")
    staff_page.wait_for_load_state("load")

    assert staff_page.get_by_text("Upload a valid image.").is_visible()
    assert not Organisation.objects.filter(name="Civic Trust").exists()
    good = tmp_path / "civic.png"
    good.write_bytes(logo("Civic Trust", "#8a3b12"))
    staff_page.set_input_files("#id_logo", str(good))
    staff_page.click("input[name=_save]")
    staff_page.wait_for_url("**/admin/donations/organisation/")
    staff_page.screenshot("supporting-admin-organisations", full_page=False)

    reader = page_factory()
    reader.visit("/supporters/")

    section = reader.get_by_role("region", name="Organisations that support us")
    assert section.locator("h3").all_text_contents() == [
        "Principal partners",
        "Major supporters",
        "Supporting organisations",
    ]
    logos = section.get_by_role("img")
    assert logos.evaluate_all("images => images.map(i => i.alt)") == [
        "Lantern Foundation",
        "Civic Trust",
        "Open Data Co",
    ]
    # Loaded from the media storage, at the size the page reserved. The
    # test server shares one in-memory SQLite connection between threads, so
    # logos fetched at once may meet a "database unavailable" 503 there;
    # a reload fetches again only those the browser has not kept.
    loaded = "images => images.every(i => i.complete && i.naturalWidth === 360)"
    for _attempt in range(3):
        if logos.evaluate_all(loaded):
            break
        reader.reload()
    assert logos.evaluate_all(loaded)
    assert section.get_by_text("Harbour Press Fund").is_visible()
    assert "Not Yet Agreed" not in reader.content()
    assert (
        section.get_by_role("link", name="Lantern Foundation").get_attribute("href")
        == "https://lantern.example/"
    )
    assert axe_violations(reader, impacts=EVERY_IMPACT) == []
    reader.screenshot("supporting-supporters-organisations")
    assert reader.errors == []


def test_supporters_page_with_organisations_on_a_phone(phone_page):
    organisation("Lantern Foundation", 1, logo("Lantern Foundation", "#1b3a6b"))
    organisation("Harbour Press Fund", 3)

    phone_page.visit("/supporters/")

    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.screenshot("supporting-supporters-phone")
    assert phone_page.errors == []


def test_reader_gives_words_fundraiser_approves_and_reader_takes_them_back(
    page_factory, roles, request
):
    fake_stripe = request.getfixturevalue("stand_in")
    reader = page_factory()
    reader.visit("/support/")
    reader.get_by_label("$5", exact=True).check()
    reader.get_by_role("button", name="Continue to secure payment").click()
    reader.wait_for_url(fake_stripe.base_url + "/pay/*")
    reader.fill("#email", "ana@example.org")
    reader.fill("#card", "4242 4242 4242 4242")
    reader.get_by_role("button", name="Pay").click()
    reader.wait_for_url("**/support/thanks/*")

    # No consent ticked: a clear message, nothing kept.
    reader.get_by_label("Why do you give?").fill(WORDS)
    reader.get_by_label("Sign it as (optional)").fill("Ana, Porto")
    reader.get_by_role("button", name="Send my words").click()
    reader.wait_for_load_state("load")
    assert reader.get_by_text("Tick the box to let us show your words").is_visible()
    assert reader.get_by_label("Why do you give?").input_value() == WORDS
    assert axe_violations(reader, impacts=EVERY_IMPACT) == []
    reader.get_by_text("Tick the box").scroll_into_view_if_needed()
    reader.screenshot("supporting-thanks-no-consent", full_page=False)
    # The refusal is a 400, which Chromium reports; nothing else went wrong.
    assert reader.errors == [
        "Failed to load resource: the server responded with a status of 400 "
        "(Bad Request)"
    ]
    reader.errors.clear()
    reader.get_by_label(re.compile("Factually may show these words")).check()
    reader.get_by_role("button", name="Send my words").click()
    reader.wait_for_load_state("load")
    assert reader.get_by_text("Thank you for your words.").is_visible()

    anonymous = page_factory()
    anonymous.visit("/support/")
    assert WORDS not in anonymous.content()

    staff_page = page_factory()
    log_in(staff_page, fundraiser())
    staff_page.visit("/admin/donations/testimonial/")
    staff_page.locator("input[name=_selected_action]").check()
    staff_page.select_option("select[name=action]", "approve")
    staff_page.get_by_role("button", name="Run").click()
    staff_page.wait_for_load_state("load")
    assert staff_page.get_by_text("1 testimonial approved").is_visible()

    anonymous.visit("/support/")
    quote = anonymous.get_by_role("region", name="Why readers give")
    assert WORDS in quote.inner_text()
    assert "Ana, Porto" in quote.inner_text()
    assert axe_violations(anonymous, impacts=EVERY_IMPACT) == []
    quote.scroll_into_view_if_needed()
    anonymous.screenshot("supporting-support-testimonials")

    supporter = Supporter.objects.get(
        email_hash=Supporter.hash_email("ana@example.org")
    )
    token = supporters.manage_token(supporter)
    reader.visit(f"/support/manage/{token}/")
    assert reader.get_by_text("These words are shown on our support page.").is_visible()
    assert axe_violations(reader, impacts=EVERY_IMPACT) == []
    reader.screenshot("supporting-manage-testimonial")
    reader.get_by_role("button", name="Take my words off and delete them").click()
    reader.wait_for_load_state("load")
    assert reader.get_by_text("your words are no longer shown").is_visible()

    anonymous.visit("/support/")
    assert WORDS not in anonymous.content()
    assert anonymous.get_by_role("region", name="Why readers give").count() == 0
    assert reader.errors == anonymous.errors == staff_page.errors == []
