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


# ClaimReview's numeric scale: 1 (false) to 5 (true), with 0 for a claim the
# evidence does not support either way, so every rating carries a value and
# its name (alternateName) says what the value means.
RATING_VALUES = {
    Rating.TRUE: 5,
    Rating.MOSTLY_TRUE: 4,
    Rating.MIXED: 3,
    Rating.MOSTLY_FALSE: 2,
    Rating.FALSE: 1,
    Rating.UNSUPPORTED: 0,
}
WORST_RATING = 0
BEST_RATING = 5


def rating_value(rating: str) -> int:
    return RATING_VALUES[rating]
