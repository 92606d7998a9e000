"""Who supports the site besides individual readers: organisations, testimonials."""

from django import template

from donations.models import Organisation, Testimonial

register = template.Library()

# The support page quotes this many, the most recently approved.
TESTIMONIALS_SHOWN = 12


@register.inclusion_tag("donations/_organisations.html")
def supporting_organisations():
    """The organisations that agreed to be named, grouped by tier on the page."""
    return {"organisations": Organisation.objects.shown()}


@register.inclusion_tag("donations/_testimonials.html")
def testimonials():
    """The testimonials staff approved most recently."""
    shown = Testimonial.objects.shown().only("text", "signature", "approved_at")
    return {"testimonials": shown[:TESTIMONIALS_SHOWN]}
