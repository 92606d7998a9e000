"""
The ratings a claim can get, and how structured data scores them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Rating(models.TextChoices):
    TRUE = "true", _("True")
    MOSTLY_TRUE = "mostly-true", _("Mostly true")
    MIXED = "mixed", _("Mixed")
    MOSTLY_FALSE = "mostly-false", _("Mostly false")
    FALSE = "false", _("False")
    UNSUPPORTED = "unsupported", _("Unsupported")


# ClaimReview's numeric scale: 1 (false) to 5 (true). "Unsupported" says
# the evidence settles nothing either way, so it has no place on that scale
# and gets no number at all, only its name (alternateName): scoring it 0
# would tell machines it is worse than false.
RATING_VALUES = {
    Rating.TRUE: 5,
    Rating.MOSTLY_TRUE: 4,
    Rating.MIXED: 3,
    Rating.MOSTLY_FALSE: 2,
    Rating.FALSE: 1,
    Rating.UNSUPPORTED: None,
}
WORST_RATING = 1
BEST_RATING = 5


def rating_value(rating: str) -> int | None:
    return RATING_VALUES[rating]
