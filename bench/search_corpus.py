"""
The made-up archive the search benchmark (bench/search.py) loads: topics,
subjects, places and periods combined into questions, claims and ratings,
with word frequencies like those of a real archive.
"""

import re

SLUG_PREFIX = "bench-"

TOPICS = [
    "Elections",
    "Health",
    "Climate",
    "Economy",
    "Crime",
    "Education",
    "Technology",
    "Transport",
    "Housing",
    "Politics",
    "Science",
    "Immigration",
]
SUBJECTS = [
    "the governor",
    "the health minister",
    "a viral video",
    "the mayor",
    "the opposition leader",
    "a popular podcast",
    "the central bank",
    "the police chief",
    "a campaign advert",
    "the union",
    "a senator",
    "the school board",
    "an energy company",
    "a tabloid",
    "the president",
    "a city councillor",
    "a think tank",
    "a football pundit",
    "an influencer",
    "the transport secretary",
    "a landlord group",
    "a hospital trust",
]
# What claims are about: each word is in about 1% of the fact checks, as
# the words of a real archive's questions are.
THINGS = [
    "the recount",
    "mail ballots",
    "voter rolls",
    "polling stations",
    "the measles vaccine",
    "the flu vaccine",
    "autism rates",
    "cancer screening",
    "hospital waiting lists",
    "ambulance times",
    "nurse numbers",
    "drug prices",
    "inflation",
    "grocery prices",
    "petrol prices",
    "the minimum wage",
    "restaurant jobs",
    "unemployment",
    "pensions",
    "student loans",
    "teacher pay",
    "class sizes",
    "school meals",
    "exam results",
    "violent crime",
    "burglaries",
    "knife crime",
    "prison places",
    "police numbers",
    "immigration",
    "asylum claims",
    "border crossings",
    "wind turbines",
    "bird deaths",
    "solar farms",
    "electric cars",
    "heat pumps",
    "sea levels",
    "flooding",
    "wildfires",
    "plastic recycling",
    "tap water",
    "air pollution",
    "5G masts",
    "phone batteries",
    "artificial intelligence",
    "train fares",
    "bus routes",
    "speed cameras",
    "potholes",
    "bridge repairs",
    "house prices",
    "foreign buyers",
    "rent control",
    "rents",
    "homelessness",
    "council tax",
    "foreign aid",
    "defence spending",
    "tax cuts",
    "sugar",
    "hyperactivity",
    "obesity",
    "smoking",
    "vaping",
    "alcohol deaths",
    "crypto scams",
    "bank fees",
    "interest rates",
    "food banks",
    "child poverty",
    "protest crowds",
    "election turnout",
    "broadband speeds",
    "data breaches",
    "library closures",
    "café closures",
    "museum visits",
    "tourism",
    "farm subsidies",
    "fishing quotas",
    "water bills",
    "energy bills",
    "nuclear power",
    "coal mines",
]
TRENDS = [
    "doubled",
    "tripled",
    "halved",
    "fell by {number}%",
    "rose by {number}%",
    "reached a record high",
    "hit a ten-year low",
    "cost {number} million",
    "caused {number} deaths",
    "were cut",
    "stopped",
    "were faked",
]
PLACES = [
    "Springfield",
    "Riverton",
    "the capital",
    "Lakeside",
    "Zürich",
    "São Paulo",
    "the north",
    "Port Ellen",
    "Mapleford",
    "Cedar Falls",
    "Greenville",
    "Bayview",
    "Oakham",
    "Kingsbridge",
    "Westmoor",
    "Ashby",
    "Fairhaven",
    "Millbrook",
    "Northgate",
    "Southend",
    "Eastwick",
    "Brookfield",
    "Hollow Creek",
    "Redcliff",
    "the county",
    "the region",
    "rural areas",
    "coastal towns",
    "our city",
    "Europe",
]
PERIODS = [
    "last year",
    "since 2010",
    "since the election",
    "this winter",
    "in a decade",
    "under the new law",
    "after the pandemic",
    "in five years",
    "since 2020",
    "this month",
]
QUESTIONS = [
    "Fact check: Did {subject} say that {claim}?",
    "Fact check: Is it true that {claim}?",
    "Fact check: What evidence exists that {claim}?",
    "Fact check: Has {subject} shown that {claim}?",
    "Fact check: Have {claim}?",
]
RATINGS = ["true", "mostly-true", "mixed", "mostly-false", "false", "unsupported"]
LABELS = dict(
    zip(
        RATINGS,
        ["True", "Mostly true", "Mixed", "Mostly false", "False", "Unsupported"],
        strict=True,
    )
)


def sentences():
    """Sentences of the demo fact checks, without Markdown or citation markers."""
    from articles.demo_content import ARTICLES

    text = []
    for article in ARTICLES:
        text.append(article["summary"])
        text.extend(body for _heading, body in article["sections"])
    plain = re.sub(r"\[\d+(?:[,\s]+\d+)*\]|[*_#>`]", "", " ".join(text))
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", plain) if len(s) > 40]


def claim_text(rng):
    trend = rng.choice(TRENDS).format(
        number=rng.choice(["10", "50", "200", "1,000", "40", "3", "25"])
    )
    return f"{rng.choice(THINGS)} {trend} in {rng.choice(PLACES)} {rng.choice(PERIODS)}"


def generate(rng, number, corpus):
    claim = claim_text(rng)
    subject = rng.choice(SUBJECTS)
    title = rng.choice(QUESTIONS).format(subject=subject, claim=claim)
    rating = rng.choice(RATINGS)
    summary = f"{LABELS[rating]}: {subject} said {claim}. " + " ".join(
        rng.sample(corpus, 2)
    )
    body = "\n\n".join(
        " ".join(rng.sample(corpus, rng.randint(3, 6)))
        for _ in range(rng.randint(2, 4))
    )
    content = {
        "schema": 1,
        "claims": [
            {
                "number": 1,
                "anchor": "claim-1",
                "statement": claim[0].upper() + claim[1:] + ".",
                "claimant": subject,
                "rating": rating,
                "rating_label": LABELS[rating],
            }
        ],
    }
    return title, summary, body, content, rating
