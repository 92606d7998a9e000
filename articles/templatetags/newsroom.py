from django import template

from articles.newsroom import desk

register = template.Library()


@register.inclusion_tag("admin/articles/_desk.html", takes_context=True)
def editors_desk(context):
    """The editors' desk for the user viewing the admin's home page."""
    return {"desk": desk.for_user(context["request"].user)}
