"""
Slugs are addresses, and readers take /topics/Vote/ and /topics/vote/ for
one: the database allows a slug once in any casing, and pages redirect the
other casings to it.
"""

from django.db import models
from django.db.models.functions import Lower


class SlugQuerySet(models.QuerySet):
    def matching_slug(self, slug):
        """
        Rows whose slug is `slug` in any casing: a string, or an expression
        such as `OuterRef("slug")` in a subquery.
        """
        value = Lower(slug) if hasattr(slug, "resolve_expression") else slug.lower()
        return self.alias(slug_lower=Lower("slug")).filter(slug_lower=value)


def unique_slug_in_any_case(model_name, message):
    return models.UniqueConstraint(
        Lower("slug"),
        name=f"articles_{model_name}_slug_unique_in_any_case",
        violation_error_message=message,
    )
