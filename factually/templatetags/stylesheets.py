from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from factually.stylesheets import inline_css

register = template.Library()


@register.simple_tag
def inline_stylesheets():
    """A <style> element with the site's stylesheets (see factually/stylesheets.py)."""
    # Exactly the hashed text: no escaping (it is our own file) and nothing
    # added inside the element.
    return format_html("<style>{}</style>", mark_safe(inline_css()))
