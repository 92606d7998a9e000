"""
The demo fact checks that `manage.py load_demo_articles` loads: plain data,
so that editing the demo text never means touching the loading code.

Citation markers such as `[2]` or `[1, 3]` refer to positions in each
article's `citations` list. An article's `revision` is a later public
change made to the published draft: it sets a new `checked_on`, replaces the
bodies of the sections it numbers, adds its citations after the existing
ones, and is published with its kind and note. Sources without an
`archived_url` get a Wayback Machine address.
"""

from datetime import UTC, date, datetime

from .factchecks.kinds import Kind

TOPICS = [
    {
        "slug": "science",
        "name": "Science",
        "description": "Claims about how the natural world works, checked against the research.",
    },
    {
        "slug": "space",
        "name": "Space",
        "description": "Spaceflight, astronomy and what can and cannot be seen from orbit.",
    },
    {
        "slug": "environment",
        "name": "Environment",
        "description": "Weather, water, climate and the resources people depend on.",
    },
]

AUTHORS = [
    {
        "slug": "maya-okafor",
        "name": "Maya Okafor",
        "role": "Senior researcher",
        "bio": "Maya checks claims about space and physics after eight years as a science reporter.",
    },
    {
        "slug": "tomas-lindqvist",
        "name": "Tomás Lindqvist",
        "role": "Science editor",
        "bio": "Tomás edits our science and health fact checks and trained as a hospital pharmacist.",
    },
    {
        "slug": "priya-raman",
        "name": "Priya Raman",
        "role": "Data reporter",
        "bio": "Priya checks statistics by going back to the datasets behind them.",
    },
]


def wayback(url):
    return f"https://web.archive.org/web/2024/{url}"


# Keyed by a short name that the articles' citations use. Dates are given to
# the precision the document states; None where it states none.
SOURCES = {
    # Apollo
    "lro-apollo-sites": {
        "title": "Revisiting Apollo Landing Sites",
        "publisher": "NASA Scientific Visualization Studio",
        "url": "https://svs.gsfc.nasa.gov/31052",
        "kind": "primary",
    },
    "dickey-1994": {
        "title": "Lunar Laser Ranging: A Continuing Legacy of the Apollo Program",
        "publisher": "Science",
        "authors": (
            "J. O. Dickey, P. L. Bender, J. E. Faller, X X Newhall, R. L. Ricklefs, "
            "J. G. Ries, P. J. Shelus, C. Veillet, A. L. Whipple, J. R. Wiant, "
            "J. G. Williams and C. F. Yoder"
        ),
        "published_on": date(1994, 7, 22),
        "url": "https://doi.org/10.1126/science.265.5171.482",
        "kind": "academic",
    },
    "murphy-2013": {
        "title": "Lunar laser ranging: the millimeter challenge",
        "publisher": "Reports on Progress in Physics",
        "authors": "T. W. Murphy",
        "published_on": date(2013, 1, 1),
        "date_precision": "year",
        "url": "https://doi.org/10.1088/0034-4885/76/7/076901",
        "kind": "academic",
    },
    "lunar-samples": {
        "title": "Lunar Rocks and Soils from Apollo Missions",
        "publisher": "NASA Johnson Space Center, Astromaterials Acquisition and Curation Office",
        "url": "https://curator.jsc.nasa.gov/lunar/",
        "kind": "official",
    },
    # Great Wall
    "aljazeera-yang": {
        "title": "China's spaceman shatters a myth",
        "publisher": "Al Jazeera",
        "published_on": date(2003, 10, 17),
        "url": "https://www.aljazeera.com/news/2003/10/17/chinas-spaceman-shatters-a-myth/",
        "kind": "news",
    },
    "cctv-yang": {
        "title": "Taikonaut: great view but no Great Wall",
        "publisher": "China Central Television",
        "published_on": date(2003, 10, 17),
        "url": "http://www.cctv.com/english/20031017/100157.shtml",
        "kind": "news",
    },
    "sciam-great-wall": {
        "title": "Is China's Great Wall Visible from Space?",
        "publisher": "Scientific American",
        "authors": "Mara Hvistendahl",
        "published_on": date(2008, 2, 21),
        "url": "https://www.scientificamerican.com/article/is-chinas-great-wall-visible-from-space/",
        "kind": "news",
    },
    "guardian-ed-lu": {
        "title": "This week's science questions",
        "publisher": "The Guardian",
        "published_on": date(2003, 10, 23),
        "url": "https://www.theguardian.com/science/2003/oct/23/thisweekssciencequestions",
        "kind": "news",
    },
    "chinadaily-chiao": {
        "title": "Photographic evidence: Seeing Great Wall from space",
        "publisher": "China Daily",
        "authors": "Raymond Zhou",
        "published_on": date(2005, 4, 19),
        "url": "http://www.chinadaily.com.cn/english/doc/2005-04/19/content_435482.htm",
        "kind": "news",
    },
    # Ten percent of the brain
    "sciam-ten-percent": {
        "title": "Do People Only Use 10 Percent of Their Brains?",
        "publisher": "Scientific American",
        "authors": "Robynne Boyd",
        "published_on": date(2008, 2, 7),
        "url": "https://www.scientificamerican.com/article/do-people-only-use-10-percent-of-their-brains/",
        "kind": "news",
    },
    "raichle-gusnard-2002": {
        "title": "Appraising the brain's energy budget",
        "publisher": "Proceedings of the National Academy of Sciences",
        "authors": "Marcus E. Raichle and Debra A. Gusnard",
        "published_on": date(2002, 8, 1),
        "date_precision": "month",
        "url": "https://doi.org/10.1073/pnas.172399499",
        "kind": "academic",
    },
    "raichle-2006": {
        "title": "The Brain's Dark Energy",
        "publisher": "Science",
        "authors": "Marcus E. Raichle",
        "published_on": date(2006, 11, 24),
        "url": "https://doi.org/10.1126/science.1134405",
        "kind": "academic",
    },
    "herculano-houzel-2009": {
        "title": "The human brain in numbers: a linearly scaled-up primate brain",
        "publisher": "Frontiers in Human Neuroscience",
        "authors": "Suzana Herculano-Houzel",
        "published_on": date(2009, 11, 9),
        "url": "https://doi.org/10.3389/neuro.09.031.2009",
        "kind": "academic",
    },
    "james-1907": {
        "title": "The Energies of Men",
        "publisher": "Science",
        "authors": "William James",
        "published_on": date(1907, 1, 1),
        "date_precision": "year",
        "url": "http://psychclassics.yorku.ca/James/energies.htm",
        "kind": "primary",
    },
    "ninds-brain-basics": {
        "title": "Brain Basics",
        "publisher": "National Institute of Neurological Disorders and Stroke",
        "url": "https://www.ninds.nih.gov/health-information/public-education/brain-basics",
        "kind": "official",
    },
    # Lightning
    "nws-lightning-myths": {
        "title": "Lightning Myths",
        "publisher": "National Weather Service",
        "url": "https://www.weather.gov/safety/lightning-myths",
        "kind": "official",
    },
    "nws-fort-worth-myths": {
        "title": "Lightning: Myths vs. Facts",
        "publisher": "National Weather Service, Fort Worth/Dallas office",
        "url": "https://www.weather.gov/fwd/ltgmythvfact",
        "kind": "official",
    },
    "nssl-lightning": {
        "title": "Severe Weather 101: Lightning Basics",
        "publisher": "NOAA National Severe Storms Laboratory",
        "url": "https://www.nssl.noaa.gov/education/svrwx101/lightning/",
        "kind": "official",
    },
    "guinness-sullivan": {
        "title": "Most lightning strikes survived",
        "publisher": "Guinness World Records",
        "url": "https://www.guinnessworldrecords.com/world-records/most-lightning-strikes-survived",
        "kind": "other",
    },
    "nws-lightning-safety": {
        "title": "Lightning Safety Overview",
        "publisher": "National Weather Service",
        "url": "https://www.weather.gov/safety/lightning-safety-overview",
        "kind": "official",
    },
    # Water
    "usgs-where-water": {
        "title": "Where is Earth's Water?",
        "publisher": "U.S. Geological Survey, Water Science School",
        "url": "https://www.usgs.gov/special-topics/water-science-school/science/where-earths-water",
        "kind": "dataset",
    },
    "usgs-how-much-water": {
        "title": "How Much Water is There on Earth?",
        "publisher": "U.S. Geological Survey, Water Science School",
        "url": "https://www.usgs.gov/special-topics/water-science-school/science/how-much-water-there-earth",
        "kind": "official",
    },
    "noaa-ocean-water": {
        "title": "How much water is in the ocean?",
        "publisher": "NOAA National Ocean Service",
        "url": "https://oceanservice.noaa.gov/facts/oceanwater.html",
        "kind": "official",
    },
    "unwater-irrigation": {
        "title": "Agriculture is the biggest water user, with irrigation accounting for 70% of global water withdrawals",
        "publisher": "UN-Water",
        "published_on": date(2014, 10, 7),
        "url": "http://www.unwater.org/statistics/statistics-detail/en/c/246663/",
        "kind": "dataset",
    },
}
for _source in SOURCES.values():
    _source.setdefault("archived_url", wayback(_source["url"]))


APOLLO_MIRRORS_FIRST = (
    "Apollo 11 set up the first laser retroreflector array on the Moon on "
    "July 21, 1969 [1]. Crews on four Apollo missions left such arrays: panels "
    "of glass corner cubes that send a pulse of light back in exactly the "
    "direction it came from [1, 2]. Observatories in Texas, Hawaii and southern "
    "France have timed laser pulses bounced off them since 1969, measuring the "
    "distance to the Moon to within a few centimetres by the 1990s and showing "
    "that the Moon is drifting away from Earth by about 3.8 centimetres a year "
    "[1].\n\n"
    "The measurements have kept improving; a 2013 review describes stations "
    "working at the millimetre level [2]. Ranging to bare lunar ground is far "
    "less precise, which is why the reflectors the astronauts carried remain in "
    "use more than half a century later [2]."
)
APOLLO_MIRRORS_CORRECTED = APOLLO_MIRRORS_FIRST.replace(
    "Crews on four Apollo missions left such arrays",
    "Crews on three Apollo missions, Apollo 11, 14 and 15, left such arrays",
)

GREAT_WALL_WITNESSES_FIRST = (
    "Astronauts' accounts differ, and the differences are instructive. In "
    "ORBIT: NASA Astronauts Photograph the Earth, the astronaut Jay Apt and his "
    "co-authors wrote that they spent several passes looking for the wall "
    "without luck, even though they could see things as small as airport "
    "runways [1]. "
    "Jeffrey Hoffman, a former NASA astronaut, told Scientific American that he "
    "never saw it despite many flights over China [3].\n\n"
    "Ed Lu, who lived on the International Space Station in 2003, said the "
    "wall could be seen and that he was trying to photograph it [4]. Sightings "
    "like his depend on the right weather and lighting [3]. That makes the "
    "wall an occasional glimpse for a "
    "determined observer, not a landmark that stands out."
)
GREAT_WALL_WITNESSES_UPDATED = GREAT_WALL_WITNESSES_FIRST + (
    "\n\n"
    "Photographs tell the same story. During his 2004–2005 stay on the "
    "International Space Station, its commander, Leroy Chiao, photographed "
    "sections of the wall with commercially available cameras, and a Chinese "
    "remote-sensing expert examined the images [5]. They show that a camera "
    "can capture the wall from orbit; they do not show that it stands out to "
    "the unaided eye."
)


ARTICLES = [
    {
        "slug": "apollo-moon-landing-evidence",
        "title": "Fact check: What evidence shows that astronauts really landed on the Moon?",
        "checked_on": date(2026, 9, 7),
        "published_at": datetime(2026, 9, 9, 9, 0, tzinfo=UTC),
        "topics": ["space", "science"],
        "authors": ["maya-okafor"],
        "summary": (
            "Several independent lines of physical evidence show that the six "
            "Apollo landings of 1969 to 1972 took place. Observatories on Earth "
            "still bounce laser pulses off reflectors that Apollo crews set up "
            "on the lunar surface [1, 2]; an orbiting NASA camera photographed "
            "the landing sites decades later, down to the descent stages and "
            "the astronauts' footpaths [3]; and the 382 kilograms of rock and "
            "soil the crews brought back are still lent to laboratories for "
            "study [4]. None of this evidence could exist if the landings had "
            "been staged."
        ),
        "sources_note": (
            "Most sources here are primary NASA records and peer-reviewed papers "
            "by the scientists who run the laser-ranging experiments."
        ),
        "sections": [
            ("The mirrors: reflectors that still answer back", APOLLO_MIRRORS_FIRST),
            (
                "The photographs: hardware and footpaths seen from orbit",
                "NASA's Lunar Reconnaissance Orbiter has circled the Moon since "
                "June 2009. In August and October 2011 its controllers briefly "
                "lowered its orbit so that it passed about 22 kilometres above "
                "the historic landing sites, and its camera recorded them at "
                "about 25 centimetres per pixel [3].\n\n"
                "Those images show the lunar module descent stages, the "
                "experiment packages the crews deployed and the dark tracks "
                "the astronauts left as they walked between them [3].",
            ),
            (
                "The rocks: 382 kilograms still under study",
                "The six landing crews brought back 382 kilograms of rock, soil "
                "and core samples, catalogued as more than 2,000 separate "
                "specimens [4]. NASA keeps them at the Johnson Space Center in "
                "Houston and lends portions to researchers, so the collection "
                "has been examined by scientists far beyond NASA for more than "
                "fifty years [4].\n\n"
                "A staged landing would have needed forged material able to "
                "survive that scrutiny, decade after decade, with instruments "
                "that did not exist when the rocks were collected.",
            ),
            (
                "The test anyone can repeat: evidence that does not rest on NASA's word",
                "The strongest point about this evidence is that others can "
                "check it. Laser ranging has been carried out by observatories "
                "that are not part of NASA, including one in France [1], and "
                "the reflectors they aim at are the ones Apollo crews placed "
                "[1, 2]. The samples are examined by independent laboratories "
                "[4]. Each line of evidence could be wrong on its own only if "
                "all the others were wrong in the same way.",
            ),
        ],
        "claims": [
            {
                "statement": "We Never Went to the Moon",
                "claimant": "Bill Kaysing",
                "appearance": "Title of his self-published book, 1976",
                "rating": "false",
                "explanation": (
                    "The book's title sums up its case that the landings were "
                    "faked. The physical record contradicts it: reflectors the "
                    "crews left behind still return laser pulses to "
                    "observatories on Earth [1, 2], orbital images show the "
                    "hardware and footpaths at the landing sites [3], and the "
                    "returned samples are still being studied [4]."
                ),
            },
        ],
        "citations": [
            ("dickey-1994", "p. 482"),
            ("murphy-2013", ""),
            ("lro-apollo-sites", ""),
            ("lunar-samples", ""),
        ],
        "related": [
            (
                "Can you see the Great Wall of China from space?",
                "great-wall-visible-from-space",
            ),
            ("Why do photographs taken on the Moon show no stars?", None),
        ],
        "revision": {
            "kind": Kind.CORRECTION,
            "note": (
                "Corrected the number of Apollo missions that left laser "
                "reflectors on the Moon from four to three (Apollo 11, 14 and 15)."
            ),
            "checked_on": date(2026, 10, 13),
            "published_at": datetime(2026, 10, 14, 15, 30, tzinfo=UTC),
            "sections": {1: APOLLO_MIRRORS_CORRECTED},
        },
    },
    {
        "slug": "great-wall-visible-from-space",
        "title": "Fact check: Can you see the Great Wall of China from space?",
        "checked_on": date(2026, 9, 21),
        "published_at": datetime(2026, 9, 23, 10, 0, tzinfo=UTC),
        "topics": ["space"],
        "authors": ["maya-okafor", "priya-raman"],
        "summary": (
            "Hardly ever with the naked eye, and never from the Moon. China's "
            "first astronaut, Yang Liwei, said after his 2003 flight that he had "
            "not seen the wall [1, 2]. Astronauts in low orbit describe it as "
            "very hard to pick out because it is narrow and built of materials "
            "the same colour as the land around it [1, 3], although a few have "
            "glimpsed it in ideal conditions [4]. The popular claim that it is "
            "the only human-made structure visible from space is false: roads, "
            "runways and cities are easier to see [1]."
        ),
        "sources_note": (
            "We relied on astronauts' own accounts, as reported at the time, "
            "rather than on later retellings of the myth."
        ),
        "sections": [
            (
                "The first-hand test: what China's first astronaut reported",
                "Yang Liwei orbited Earth 14 times aboard Shenzhou 5 in October "
                "2003. In a television interview after he landed, he said the "
                "Earth looked beautiful from space but that he had not seen the "
                "Great Wall [1, 2]. The remark made news in China, where the "
                "wall's visibility from space had long been repeated [2].\n\n"
                "One astronaut on one short flight cannot settle the question, "
                "so the rest of this check looks at what the human eye can "
                "resolve and at what other astronauts have reported.",
            ),
            (
                "The eyesight arithmetic: a narrow wall, hundreds of kilometres away",
                "Crewed spacecraft in low orbit fly roughly 300 to 400 "
                "kilometres up. Sharp human eyesight separates details about "
                "one-sixtieth of a degree apart, which from 350 kilometres "
                "corresponds to something about 100 metres across. The wall is "
                "only about six metres wide in many places [1], so it is far too "
                "narrow to be seen as a shape from orbit.\n\n"
                "A long, thin feature can still be noticed below that limit if "
                "it contrasts strongly with its surroundings, which is why "
                "astronauts report seeing runways and roads [1]. The wall mostly "
                "lacks that contrast: its stone and clay blend into the land "
                "around it, and in many areas it is crumbling [3].",
            ),
            (
                "The witnesses in orbit: glimpses, not a landmark",
                GREAT_WALL_WITNESSES_FIRST,
            ),
            (
                "From the Moon: no human structure at all",
                "The older form of the myth, that the wall is the one human "
                "work visible from the Moon, is older than spaceflight: a 1932 "
                "Ripley's Believe It or Not! cartoon made the claim [3]. The "
                "Moon is about 384,000 kilometres away, roughly a thousand times "
                "farther than the space station. Neil Armstrong said that from "
                "there he could make out continents, lakes and patches of white "
                "on blue, but no human-made structures [3].",
            ),
        ],
        "claims": [
            {
                "statement": (
                    "the mightiest work of man, the only one that would be "
                    "visible to the human eye from the moon"
                ),
                "claimant": "Ripley's Believe It or Not!",
                "claimant_is_organization": True,
                "appearance": "Syndicated newspaper cartoon, 1932, as quoted by Scientific American",
                "rating": "false",
                "explanation": (
                    "From the Moon no individual human-made structure can be "
                    "made out; Neil Armstrong described continents, lakes and "
                    "white on blue [3]. Even from low orbit, about a thousand "
                    "times closer, the wall is very hard to see [1, 3]."
                ),
            },
            {
                "statement": "The Great Wall of China is the only man-made structure visible from space.",
                "claimant": "Popular trivia",
                "appearance": "Repeated for decades in quiz books, school lessons and online posts",
                "rating": "false",
                "explanation": (
                    "Both halves fail. Astronauts in low orbit see roads, "
                    "runways and cities more easily than the wall [1], so "
                    "it is not the only one; and the wall itself is at best an "
                    "occasional glimpse in ideal conditions, which China's "
                    "first astronaut did not get [1, 2, 3]."
                ),
            },
        ],
        "citations": [
            ("aljazeera-yang", ""),
            ("cctv-yang", ""),
            ("sciam-great-wall", ""),
            ("guardian-ed-lu", ""),
        ],
        "related": [
            (
                "What evidence shows that astronauts really landed on the Moon?",
                "apollo-moon-landing-evidence",
            ),
            (
                "Do humans use only 10 percent of their brains?",
                "humans-use-ten-percent-of-brain",
            ),
        ],
        "revision": {
            "kind": Kind.UPDATE,
            "note": (
                "Added astronaut Leroy Chiao's 2004–2005 photographs of the "
                "wall from the International Space Station, as reported by "
                "China Daily."
            ),
            "checked_on": date(2026, 11, 2),
            "published_at": datetime(2026, 11, 3, 14, 0, tzinfo=UTC),
            "sections": {3: GREAT_WALL_WITNESSES_UPDATED},
            "citations": [("chinadaily-chiao", "")],
        },
    },
    {
        "slug": "humans-use-ten-percent-of-brain",
        "title": "Fact check: Do humans use only 10 percent of their brains?",
        "checked_on": date(2026, 10, 5),
        "published_at": datetime(2026, 10, 7, 8, 30, tzinfo=UTC),
        "topics": ["science"],
        "authors": ["tomas-lindqvist"],
        "summary": (
            "No. The 10 percent figure has no basis in brain science. Imaging "
            "shows activity throughout the brain over the course of a day [1], "
            "every region has known functions [6], and an organ that makes up "
            "about 2 percent of body weight but uses about 20 percent of the "
            "body's oxygen would be a costly waste if most of it sat idle [2]. "
            "The number seems to have grown out of loose retellings of the "
            "psychologist William James, who wrote that people use only a small "
            "part of their mental resources but gave no percentage [5]."
        ),
        "sources_note": (
            "We relied on peer-reviewed neuroscience and on the text of William "
            "James's 1907 essay itself rather than on later retellings of it."
        ),
        "sections": [
            (
                "The map: every region has a job",
                "Scientists have linked functions to every major part of the "
                "brain: the brainstem keeps breathing and heartbeat going, the "
                "cerebellum coordinates movement, and the folded cerebral "
                "cortex handles sensing, planning and language [6]. There is no "
                "large region with nothing to do.\n\n"
                "Injuries show the same thing from the other side. Strokes and "
                "head injuries in different places cause different, specific "
                "losses, from weakness on one side of the body to trouble "
                "finding words. If nine-tenths of the brain were spare, "
                "most injuries would go unnoticed, and they do not.",
            ),
            (
                "The scans: activity everywhere, though not all at once",
                "Functional MRI and PET scans track changes in blood flow and "
                "metabolism that accompany brain activity [2]. The pictures "
                "often show a few bright patches, but those mark where activity "
                "rose during a task compared with a resting baseline; the rest "
                "of the brain was busy all along [3].\n\n"
                "Over a whole day, activity turns up across the entire brain "
                "[1]. Not every neuron is active at the same "
                "moment, and that is how a healthy brain is meant to work.",
            ),
            (
                "The energy bill: an expensive organ with no idle capacity",
                "The adult brain is about 2 percent of body weight but uses "
                "about 20 percent of the oxygen the body consumes, and with it "
                "about a fifth of its calories. That rate stays remarkably "
                "steady whatever a person is doing [2]. Concentrating on a task adds "
                "only a small extra cost on top of the brain's large ongoing "
                "activity [3].\n\n"
                "A direct count published in 2009 put the number of neurons in "
                "the human brain at about 86 billion [4]. A body that spends a "
                "fifth of its oxygen on an organ would be carrying an "
                "extraordinary burden if nine-tenths of that organ did nothing.",
            ),
            (
                "The origin: a misremembered essay",
                "In an address published in Science in 1907, William James "
                "argued that people habitually use only a small part of their "
                "possible mental and physical resources [5]. He was writing "
                "about effort, energy and untapped ability, not about brain "
                "tissue, and he gave no number.\n\n"
                "The figure attached itself later. Introducing Dale Carnegie's "
                "1936 best-seller How to Win Friends and Influence People, the "
                "broadcaster Lowell Thomas credited James with the idea that "
                "the average person develops only ten percent of their latent "
                "mental ability. From there the number drifted from ability to "
                "brain tissue, and into advertising and films.",
            ),
        ],
        "claims": [
            {
                "statement": "the average man develops only ten per cent of his latent mental ability",
                "claimant": "Lowell Thomas, attributing the idea to William James",
                "appearance": (
                    "Introduction to Dale Carnegie's How to Win Friends and "
                    "Influence People (Simon & Schuster, 1936)"
                ),
                "rating": "mostly-false",
                "explanation": (
                    "James did argue that people draw on only a small part of "
                    "their mental and physical resources [5], but his essay "
                    "gives no percentage, and it is about effort and energy, "
                    "not about how much of the brain is in use."
                ),
            },
            {
                "statement": "Humans use only 10 percent of their brains.",
                "claimant": "Popular belief",
                "appearance": "Repeated in self-help advertising, films and social media posts",
                "rating": "false",
                "explanation": (
                    "Brain imaging shows activity across the whole brain over a "
                    "day [1], every region has known functions [6], and the "
                    "brain's steady, outsized energy use leaves no room for a "
                    "large idle reserve [2, 3]."
                ),
            },
        ],
        "citations": [
            ("sciam-ten-percent", ""),
            ("raichle-gusnard-2002", "p. 10237"),
            ("raichle-2006", "p. 1249"),
            ("herculano-houzel-2009", ""),
            ("james-1907", ""),
            ("ninds-brain-basics", "“Brain Basics: Know Your Brain”"),
        ],
        "related": [
            (
                "Can you see the Great Wall of China from space?",
                "great-wall-visible-from-space",
            ),
            (
                "Does lightning never strike the same place twice?",
                "lightning-same-place-twice",
            ),
        ],
    },
    {
        "slug": "lightning-same-place-twice",
        "title": "Fact check: Does lightning never strike the same place twice?",
        "checked_on": date(2026, 10, 26),
        "published_at": datetime(2026, 10, 28, 12, 0, tzinfo=UTC),
        "topics": ["science", "environment"],
        "authors": ["priya-raman"],
        "summary": (
            "It does strike the same place twice, and often. Lightning favours "
            "tall, pointed and isolated objects, which are just as tall after a "
            "strike as before, so towers, tall buildings and hilltops are hit "
            "again and again; the National Weather Service "
            "says the Empire State Building is struck about 23 times a year on "
            "average [1]. The saying works as a figure of speech but is "
            "dangerous as safety advice: a spot that has just been struck is no "
            "safer than it was [1, 5]."
        ),
        "sources_note": (
            "Most sources here are safety guidance and research summaries from "
            "US government weather agencies."
        ),
        "sections": [
            (
                "The physics: why lightning favours the same spots",
                "Lightning is a giant electrical discharge that releases charge "
                "built up inside a thunderstorm, either within the clouds or "
                "between a cloud and the ground [3]. When a flash reaches the "
                "ground, it tends to connect through tall, pointed or isolated "
                "objects [1].\n\n"
                "A strike does nothing to remove that advantage. A mast or a "
                "lone tree on a hill is just as tall afterwards, so it stays "
                "the likeliest target the next time a storm passes over [1].",
            ),
            (
                "The big tally: about 23 strikes a year on one building",
                "The National Weather Service's standard example is the Empire "
                "State Building in New York, which lightning hits about 23 "
                "times a year on average [1]. That works out at about one strike "
                "every 16 days, although in practice the strikes bunch up in "
                "the stormy months. Other tall, isolated structures are struck "
                "repeatedly in the same way [1].",
            ),
            (
                "The people: struck more than once",
                "Repeat strikes on one person are rare but recorded. Roy "
                "Sullivan, a park ranger in Virginia, was struck by lightning "
                "seven times between 1942 and 1977 and survived every strike, "
                "according to Guinness World Records [4].\n\n"
                "His job kept him outdoors in all weather, which is the real "
                "lesson: the risk comes from being outside when a storm is near, "
                "not from whether lightning has hit you or the spot before.",
            ),
            (
                "The safety angle: why the myth is dangerous",
                "Believing that a place is spent after one strike can keep "
                "people outdoors when they should take shelter. Lightning often "
                "strikes outside the heaviest rain, as far as 10 miles (16 "
                "kilometres) from any rainfall, and rubber tyres or rubber soles "
                "offer no protection [2].\n\n"
                "The National Weather Service's advice is to get inside a "
                "substantial building or a hard-topped vehicle as soon as "
                "thunder is heard, and to wait 30 minutes after the last "
                "thunder before going back out [5].",
            ),
        ],
        "claims": [
            {
                "statement": "Lightning never strikes the same place twice.",
                "claimant": "Popular saying",
                "appearance": "Traditional proverb, often offered as reassurance",
                "rating": "false",
                "explanation": (
                    "Lightning often strikes the same place repeatedly, "
                    "especially tall, isolated objects; the Empire State "
                    "Building alone is hit about 23 times a year [1]. Even a "
                    "person can be struck more than once [4]."
                ),
            },
            {
                "statement": "If it is not raining, then there is no danger from lightning.",
                "claimant": "A common belief, as listed by the National Weather Service",
                "appearance": "Lightning safety page of the NWS Fort Worth/Dallas office",
                "appearance_url": "https://www.weather.gov/fwd/ltgmythvfact",
                "rating": "false",
                "explanation": (
                    "Lightning often strikes outside heavy rain and can reach "
                    "as far as 10 miles from any rainfall [2]."
                ),
            },
        ],
        "citations": [
            ("nws-lightning-myths", "“Lightning never strikes the same place twice”"),
            ("nws-fort-worth-myths", ""),
            ("nssl-lightning", ""),
            ("guinness-sullivan", ""),
            ("nws-lightning-safety", ""),
        ],
        "related": [
            (
                "How much of Earth's water is fresh water people can use?",
                "how-much-water-is-fresh",
            ),
            (
                "Do humans use only 10 percent of their brains?",
                "humans-use-ten-percent-of-brain",
            ),
        ],
    },
    {
        "slug": "how-much-water-is-fresh",
        "title": "Fact check: How much of Earth's water is fresh water people can use?",
        "checked_on": date(2026, 11, 9),
        "published_at": datetime(2026, 11, 11, 9, 0, tzinfo=UTC),
        "topics": ["environment", "science"],
        "authors": ["priya-raman"],
        "summary": (
            "Very little. About 97 percent of Earth's water is salty, almost all "
            "of it in the oceans, and only about 2.5 percent is fresh [1, 3]. "
            "Most of that fresh water is hard to reach: about 69 percent is "
            "frozen in ice caps, glaciers and permanent snow and about 30 "
            "percent is underground, leaving roughly 1 percent in lakes, "
            "rivers, soil, the air and living things [1]. Lakes and rivers "
            "together hold less than a hundredth of a percent of all the water "
            "on Earth [1]."
        ),
        "sources_note": (
            "The percentages come from the U.S. Geological Survey's Water "
            "Science School, whose table rests on estimates published by the "
            "hydrologist Igor Shiklomanov in 1993; other agencies round them "
            "slightly differently."
        ),
        "sections": [
            (
                "The big tally: salt water dwarfs everything else",
                "The U.S. Geological Survey puts the total volume of Earth's "
                "water at about 1.386 billion cubic kilometres (332.5 million "
                "cubic miles). Gathered into a single ball, it would measure only "
                "about 1,385 kilometres (860 miles) across [2].\n\n"
                "Oceans, seas and bays hold about 96.5 percent of that water, "
                "and saline groundwater and salt lakes just under 1 percent "
                "more [1]. NOAA rounds the ocean's share to about 97 percent "
                "[3]. Either way, roughly 97 litres in every 100 on the planet "
                "are too salty to drink or to water crops without "
                "desalination.",
            ),
            (
                "The frozen and the hidden: where the fresh water is",
                "Only about 2.5 percent of Earth's water is fresh [1]. Of that, "
                "about 68.7 percent is frozen in ice caps, glaciers and "
                "permanent snow, and about 30.1 percent is groundwater [1], "
                "much of it deep underground and out of practical reach [2].\n\n"
                "That leaves about 1.2 percent of the fresh water at or near "
                "the surface, spread across ground ice and permafrost, lakes, "
                "soil moisture, the atmosphere, swamps, rivers and living "
                "things [1].",
            ),
            (
                "The accessible share: lakes and rivers are a sliver",
                "Freshwater lakes hold about 0.26 percent of Earth's fresh "
                "water and rivers about 0.006 percent [1]. As a share of all the "
                "water on the planet, that is roughly 0.007 percent for lakes "
                "and 0.0002 percent for rivers [1]. Formed into a ball, the "
                "fresh water of every lake and river would be about 56 "
                "kilometres (35 miles) across [2].\n\n"
                "That small store is heavily used. Irrigation accounts for "
                "about 70 percent of the water people withdraw worldwide, "
                "industry for about 20 percent and households for about 10 "
                "percent [4].",
            ),
            (
                "The fine print: why published figures differ",
                "Figures vary a little between sources because they rest on "
                "different estimates and round differently: the USGS table "
                "gives the oceans 96.5 percent of all water [1], NOAA about 97 "
                "percent [3].\n\n"
                "A bigger difference comes from what counts as fresh. NOAA's "
                "fact page says that less than one percent of Earth's water is "
                "fresh [3]. That matches the liquid fresh water in the USGS "
                "table, about 0.8 percent of the total, but leaves out the "
                "fresh water frozen in ice, about 1.7 percent more [1].",
            ),
        ],
        "claims": [
            {
                "statement": "About 97 percent of Earth's water is in the ocean.",
                "claimant": "NOAA National Ocean Service",
                "claimant_is_organization": True,
                "appearance": "Ocean Facts: “How much water is in the ocean?”",
                "appearance_url": "https://oceanservice.noaa.gov/facts/oceanwater.html",
                "rating": "true",
                "explanation": (
                    "The USGS puts oceans, seas and bays at 96.5 percent of all "
                    "Earth's water [1], which rounds to 97 percent."
                ),
            },
            {
                "statement": "Less than one percent of all the water on Earth is fresh.",
                "claimant": "NOAA National Ocean Service",
                "claimant_is_organization": True,
                "appearance": "Ocean Facts: “How much water is in the ocean?”",
                "appearance_url": "https://oceanservice.noaa.gov/facts/oceanwater.html",
                "rating": "mixed",
                "explanation": (
                    "True of liquid fresh water, about 0.8 percent of the total "
                    "in the USGS figures, but ice is fresh water too; counting "
                    "it, about 2.5 percent of Earth's water is fresh [1]."
                ),
            },
        ],
        "citations": [
            ("usgs-where-water", "Data table"),
            ("usgs-how-much-water", ""),
            ("noaa-ocean-water", ""),
            ("unwater-irrigation", ""),
        ],
        "related": [
            (
                "Does lightning never strike the same place twice?",
                "lightning-same-place-twice",
            ),
            ("Is bottled water safer to drink than tap water?", None),
        ],
    },
]
