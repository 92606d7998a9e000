"""
Structured data for search engines and fact-check aggregators: a
schema.org NewsArticle for every fact check and a ClaimReview for each rated
claim, built from the frozen publication, with the publisher described as a
news organisation with its policies.
"""

from collections.abc import Callable

from django.urls import reverse

from . import social_cards as social
from .changes import with_ratings
from .publications import Publication
from .ratings import BEST_RATING, WORST_RATING, rating_value

ORGANIZATION_NAME = "Factually"
# The publisher's policies, by schema.org property: URL names of our pages.
POLICIES = {
    "correctionsPolicy": "corrections",
    "ethicsPolicy": "methodology",
    "verificationFactCheckingPolicy": "methodology",
    "ownershipFundingInfo": "funding",
    "masthead": "team",
    "actionableFeedbackPolicy": "corrections",
}


def organization(absolute: Callable[[str], str], logo_url: str) -> dict:
    return {
        "@type": "NewsMediaOrganization",
        "name": ORGANIZATION_NAME,
        "url": absolute("/"),
        "logo": {"@type": "ImageObject", "url": logo_url},
        **{prop: absolute(reverse(name)) for prop, name in POLICIES.items()},
    }


def rating(claim: dict) -> dict:
    value = rating_value(claim["rating"])
    scale = (
        {"ratingValue": value, "bestRating": BEST_RATING, "worstRating": WORST_RATING}
        if value is not None
        else {}
    )
    return {"@type": "Rating", **scale, "alternateName": claim["rating_label"]}


def for_publication(
    publication: Publication,
    *,
    url: str,
    absolute: Callable[[str], str],
    logo_url: str,
    corrections: list[dict] | None = None,
) -> list[dict]:
    """
    `absolute` turns a path into an absolute URL; `corrections` are the
    publication's (`Publication.corrections()`), when the caller has them.
    """
    if corrections is None:
        corrections = publication.corrections()
    content = publication.page_content()
    publisher = organization(absolute, logo_url)
    first_published = publication.first_published_at.isoformat()
    news_article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": publication.title[:110],
        "description": publication.excerpt,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": first_published,
        "dateModified": publication.published_at.isoformat(),
        "author": [
            {
                "@type": "Person",
                "name": author["name"],
                "url": absolute(
                    reverse("articles:author", kwargs={"slug": author["slug"]})
                ),
            }
            for author in content["authors"]
        ]
        or [publisher],
        "publisher": publisher,
        "isAccessibleForFree": True,
    }
    if publication.social_card:
        news_article["image"] = {
            "@type": "ImageObject",
            "url": absolute(publication.social_card.url),
            "width": social.WIDTH,
            "height": social.HEIGHT,
        }
    correction_comments = [
        {
            "@type": "CorrectionComment",
            "text": with_ratings(entry["note"], entry["ratings"]),
            "datePublished": entry["published_at"].isoformat(),
            "url": absolute(entry["changes_url"]),
        }
        for entry in corrections
    ]
    if correction_comments:
        news_article["correction"] = correction_comments
    reviews = []
    for claim in content["claims"]:
        item_reviewed = {
            "@type": "Claim",
            "author": {
                "@type": "Organization"
                if claim["claimant_is_organization"]
                else "Person",
                "name": claim["claimant"],
            },
        }
        appearance = {
            key: claim[field]
            for key, field in (("url", "appearance_url"), ("name", "appearance"))
            if claim[field]
        }
        if appearance:
            item_reviewed["appearance"] = {"@type": "CreativeWork", **appearance}
        if claim["claimed_on"]:
            item_reviewed["datePublished"] = claim["claimed_on"]
        review_url = f"{url}#{claim['anchor']}"
        reviews.append(
            {
                "@context": "https://schema.org",
                "@type": "ClaimReview",
                "@id": review_url,
                "url": review_url,
                "claimReviewed": claim["statement"],
                # The review that set this verdict, not the first version's.
                "datePublished": claim["rated_at"],
                "dateModified": claim["rated_at"],
                "author": publisher,
                "reviewRating": rating(claim),
                "itemReviewed": item_reviewed,
            }
        )
        if claim["is_headline"]:
            # The claim the fact check is mainly about.
            news_article["mainEntity"] = {"@id": review_url}
            reviews.insert(0, reviews.pop())
    return [news_article, *reviews]
