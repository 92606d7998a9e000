"""
Thirty-two published fact checks for the search relevance tests: realistic
titles, summaries, sections and claims, with the typographic characters
editors paste (non-breaking hyphens, curly quotes, dashes) and accents.
"""

from articles.factchecks.publishing import publish
from articles.models import Rating
from tests.articles.factories import (
    ArticleFactory,
    ClaimFactory,
    SectionFactory,
    TopicFactory,
    approve_as_is,
)

NBH = "\u2011"  # non-breaking hyphen

FACT_CHECKS = [
    (
        "recount",
        "Elections",
        "Fact check: Did the recount change the result of the county election?",
        "The hand recount confirmed the machine count; the winner did not change.",
        "Investigators counted every ballot twice and the totals agreed within four votes.",
        ("The recount flipped the county to the challenger.", Rating.FALSE),
    ),
    (
        "in-person-voting",
        "Elections",
        f"Fact check: Is in{NBH}person voting safer than voting by mail?",
        f"Both methods are secure; in{NBH}person and mail ballots are audited the same way.",
        "Election officials verify signatures on mail ballots and identity at polling places.",
        ("Mail ballots are ten times more likely to be fraudulent.", Rating.FALSE),
    ),
    (
        "face-to-face-teaching",
        "Education",
        f"Fact check: Do students learn more in face{NBH}to{NBH}face classes?",
        "Studies find small gains for classroom teaching over remote lessons for young pupils.",
        "Test scores fell during remote schooling, most for younger children.",
        ("Online school made no difference to learning.", Rating.MOSTLY_FALSE),
    ),
    (
        "cafe-closures",
        "Economy",
        "Fact check: Did the new rent law close half the city’s cafés?",
        "Café closures rose by 8%, not 50%; most closures predate the law.",
        "The business register shows 312 closures of cafés and restaurants in the year.",
        ("Half of all cafés closed because of the rent law.", Rating.FALSE),
    ),
    (
        "zurich-tap-water",
        "Health",
        "Fact check: Is tap water in Zürich cleaner than bottled water?",
        "Zürich’s tap water meets the same standards as bottled water and is tested more often.",
        "The city utility publishes daily results for bacteria and nitrates.",
        ("Zurich tap water is dirtier than bottled water.", Rating.FALSE),
    ),
    (
        "sao-paulo-drought",
        "Climate",
        "Fact check: Was São Paulo’s water crisis caused by deforestation?",
        "Drought was the main cause; deforestation in the Amazon may reduce rainfall over time.",
        "Reservoir levels fell to 5% in 2014 after two dry summers.",
        ("Deforestation alone caused the Sao Paulo water crisis.", Rating.MOSTLY_FALSE),
    ),
    (
        "measles-vaccine",
        "Health",
        "Fact check: Does the measles vaccine cause autism?",
        "No. Large studies of millions of children found no link between vaccination and autism.",
        "The 1998 paper claiming a link was retracted and its author struck off.",
        ("The MMR vaccine causes autism.", Rating.FALSE),
    ),
    (
        "vaccine-schedule",
        "Health",
        "Fact check: Are children given too many vaccines too early?",
        "The schedule is tested as a whole; the immune system handles far more antigens daily.",
        "Paediatric associations review the schedule every year.",
        ("Babies’ immune systems are overwhelmed by vaccines.", Rating.FALSE),
    ),
    (
        "minimum-wage-jobs",
        "Economy",
        "Fact check: Did raising the minimum wage cost restaurant jobs?",
        "Restaurant employment kept growing after the increase, though hours fell slightly.",
        "Payroll data show employment rose 2% in the year after the raise.",
        ("The minimum wage increase destroyed 10,000 restaurant jobs.", Rating.FALSE),
    ),
    (
        "inflation-groceries",
        "Economy",
        "Fact check: Have grocery prices doubled in three years?",
        "Grocery prices rose about 25% over three years, not 100%.",
        "The consumer price index for food at home is published monthly.",
        ("Groceries cost twice what they did three years ago.", Rating.FALSE),
    ),
    (
        "wind-turbines-birds",
        "Climate",
        "Fact check: Do wind turbines kill more birds than cats do?",
        "Cats kill far more birds than wind turbines; buildings kill more too.",
        "Estimates put turbine deaths in the hundreds of thousands and cat kills in the billions.",
        ("Wind turbines are the biggest killer of birds.", Rating.FALSE),
    ),
    (
        "electric-cars-emissions",
        "Climate",
        "Fact check: Do electric cars produce more emissions than petrol cars?",
        "Over their lifetime electric cars emit less, even counting battery production.",
        "Lifecycle analyses compare manufacturing, charging and fuel.",
        ("Electric cars pollute more than petrol cars.", Rating.MOSTLY_FALSE),
    ),
    (
        "sea-level-rise",
        "Climate",
        "Fact check: Is the sea level rising faster than before?",
        "Yes. The rate of rise has roughly doubled since the 1990s.",
        "Satellite altimetry measures the global mean sea level since 1993.",
        ("Sea levels have stopped rising.", Rating.FALSE),
    ),
    (
        "crime-statistics",
        "Crime",
        "Fact check: Did violent crime rise last year in the capital?",
        "Violent crime fell 6% last year according to police records and victim surveys.",
        "Both police-recorded crime and the victimisation survey point the same way.",
        ("Violent crime is at a record high in the capital.", Rating.FALSE),
    ),
    (
        "immigration-crime",
        "Crime",
        "Fact check: Do immigrants commit more crimes than citizens?",
        "Studies find immigrants are not more likely to commit crimes than people born here.",
        "Conviction data by nationality are adjusted for age and sex.",
        ("Immigrants commit most violent crimes.", Rating.FALSE),
    ),
    (
        "school-meals",
        "Education",
        "Fact check: Do free school meals improve test results?",
        "Evidence suggests small improvements in attendance and results.",
        "Pilot schools saw attendance rise by two percentage points.",
        ("Free school meals have no effect at all.", Rating.MOSTLY_FALSE),
    ),
    (
        "teacher-pay",
        "Education",
        "Fact check: Are teachers paid less than ten years ago?",
        "After inflation, teacher salaries are about 9% lower than a decade ago.",
        "Pay scales are set nationally and compared with consumer prices.",
        ("Teachers got a real-terms pay rise.", Rating.FALSE),
    ),
    (
        "hospital-waiting",
        "Health",
        "Fact check: Are hospital waiting lists the longest on record?",
        "Waiting lists reached 7.6 million, the highest since records began in 2007.",
        "Monthly statistics count referrals waiting for treatment.",
        ("Waiting lists are shorter than ever.", Rating.FALSE),
    ),
    (
        "five-g-health",
        "Technology",
        "Fact check: Does 5G radiation make people ill?",
        "No evidence shows that 5G signals at permitted levels harm health.",
        "Exposure limits are set far below levels that heat tissue.",
        ("5G masts spread disease.", Rating.FALSE),
    ),
    (
        "phone-batteries",
        "Technology",
        "Fact check: Does charging a phone overnight ruin the battery?",
        "Modern phones stop charging when full; heat matters more than overnight charging.",
        "Battery makers advise avoiding high temperatures.",
        ("Charging overnight destroys batteries.", Rating.MOSTLY_FALSE),
    ),
    (
        "ai-jobs",
        "Technology",
        "Fact check: Will artificial intelligence replace half of all jobs?",
        "Forecasts vary widely; most expect tasks within jobs to change rather than jobs to vanish.",
        "Economists distinguish automating tasks from eliminating occupations.",
        ("AI will eliminate half of all jobs within five years.", Rating.UNSUPPORTED),
    ),
    (
        "bridge-funding",
        "Transport",
        "Fact check: Was the bridge repair money spent on something else?",
        "The budget shows the repair funds were delayed, not diverted.",
        "Council minutes record the postponement to next year.",
        ("The council stole the bridge repair money.", Rating.FALSE),
    ),
    (
        "train-fares",
        "Transport",
        "Fact check: Are train fares the highest in Europe?",
        "Some season tickets are among the most expensive, but average fares are not the highest.",
        "Fare comparisons depend on distance and ticket type.",
        ("Our train fares are the highest in Europe.", Rating.MIXED),
    ),
    (
        "speed-cameras",
        "Transport",
        "Fact check: Do speed cameras reduce road deaths?",
        "Speed cameras reduce deaths and serious injuries near camera sites.",
        "Before-and-after studies control for regression to the mean.",
        ("Speed cameras only raise money.", Rating.MOSTLY_FALSE),
    ),
    (
        "housing-foreign-buyers",
        "Housing",
        "Fact check: Are foreign buyers driving up house prices?",
        "Foreign buyers account for a small share of purchases; supply shortages matter more.",
        "Land registry data record the buyer’s country of residence.",
        ("Foreign buyers purchase most new homes.", Rating.FALSE),
    ),
    (
        "rent-control",
        "Housing",
        "Fact check: Does rent control reduce the supply of housing?",
        "Studies find rent control helps sitting tenants but can reduce rental supply.",
        "Landlords converted some regulated flats to owner-occupied homes.",
        ("Rent control has only benefits.", Rating.MIXED),
    ),
    (
        "homelessness-count",
        "Housing",
        "Fact check: Has homelessness doubled since 2010?",
        "Rough sleeping more than doubled, while other homelessness measures rose less.",
        "Street counts are taken on a single night each autumn.",
        ("Homelessness has doubled.", Rating.MOSTLY_TRUE),
    ),
    (
        "naive-investors",
        "Economy",
        "Fact check: Are naïve investors losing money on crypto scams?",
        "Reported losses to crypto fraud tripled, mostly from investment scams.",
        "Regulators publish complaint figures each quarter.",
        ("Crypto scams are rare.", Rating.FALSE),
    ),
    (
        "resume-gaps",
        "Economy",
        "Fact check: Do résumé gaps stop people getting hired?",
        "Employers are less likely to call back candidates with long gaps, by about 10%.",
        "Field experiments sent matched applications with and without gaps.",
        ("Employers ignore résumé gaps.", Rating.MOSTLY_FALSE),
    ),
    (
        "plastic-recycling",
        "Climate",
        "Fact check: Is most plastic put out for recycling actually recycled?",
        "Less than half of collected plastic is recycled; much is burned or exported.",
        "Waste statistics distinguish collection from reprocessing.",
        ("All recycled plastic gets recycled.", Rating.FALSE),
    ),
    (
        "sugar-hyperactivity",
        "Health",
        "Fact check: Does sugar make children hyperactive?",
        "Controlled trials found no effect of sugar on children’s behaviour.",
        "Parents who believed their child had sugar rated behaviour worse.",
        ("Sugar causes hyperactivity.", Rating.FALSE),
    ),
    (
        "protest-numbers",
        "Politics",
        "Fact check: How many people attended the protest on Saturday?",
        "Aerial photos suggest about 40,000 people, not the 250,000 organisers claimed.",
        "Crowd scientists counted density in marked squares — a standard method.",
        ("A quarter of a million people marched.", Rating.MOSTLY_FALSE),
    ),
]


def load_search_fixture():
    """Publish every fact check above; returns {key: article}."""
    topics = {}
    articles = {}
    for key, topic, title, summary, body, (statement, rating) in FACT_CHECKS:
        article = ArticleFactory(title=title, slug=key, summary=summary)
        if topic not in topics:
            topics[topic] = TopicFactory(name=topic, slug=topic.lower())
        article.topics.add(topics[topic])
        SectionFactory(
            article=article, position=1, heading="What the data say", body=body
        )
        ClaimFactory(article=article, position=1, statement=statement, rating=rating)
        approve_as_is(article)
        publish(article=article, kind="first")
        articles[key] = article
    return articles
