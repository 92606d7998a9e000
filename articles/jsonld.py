"""
Structured data for search engines and fact-check aggregators: a
schema.org NewsArticle for every fact check and a ClaimReview for each rated
claim, built from the frozen publication.
"""

from .models import Publication
from .ratings import BEST_RATING, WORST_RATING

ORGANIZATION_NAME = "Factually"


def organization(home_url: str, logo_url: str) -> dict:
    return {
        "@type": "Organization",
        "name": ORGANIZATION_NAME,
        "url": home_url,
        "logo": {"@type": "ImageObject", "url": logo_url},
    }


def for_publication(
    publication: Publication,
    *,
    url: str,
    home_url: str,
    logo_url: str,
    author_urls: dict[str, str],
) -> list[dict]:
    content = publication.page_content()
    publisher = organization(home_url, logo_url)
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
                "url": author_urls[author["slug"]],
            }
            for author in content["authors"]
        ]
        or [publisher],
        "publisher": publisher,
        "isAccessibleForFree": True,
    }
    reviews = []
    for claim in content["claims"]:
        rating = {
            "@type": "Rating",
            "ratingValue": claim["rating_value"],
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": claim["rating_label"],
        }
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
        reviews.append(
            {
                "@context": "https://schema.org",
                "@type": "ClaimReview",
                "url": f"{url}#{claim['anchor']}",
                "claimReviewed": claim["statement"],
                "datePublished": first_published,
                "author": publisher,
                "reviewRating": rating,
                "itemReviewed": item_reviewed,
            }
        )
    return [news_article, *reviews]
