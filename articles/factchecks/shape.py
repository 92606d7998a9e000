"""
The shape of a fact check, declared once and loaded once.

`ARTICLE_FIELDS` and `PARTS` say which fields of an article and of each of
its parts (sections, claims, citations, related questions) decide what
readers see; their labels are the models' `verbose_name`s. A `Draft` is an
article with every part loaded, from the database (`load()`, a fixed number
of queries whatever the article's size) or from a django-reversion revision
(`Draft.from_revision()`). Draft data and its digest, rendering, checks,
the diffs and revision comparisons all read a `Draft` through this shape, so
a field added to `Claim` and listed here shows up in all of them at once.
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date

from django.db.models import Model, Prefetch, Value, prefetch_related_objects
from django.utils.text import capfirst

from sources.models import Source

from .article_parts import Citation, Claim, RelatedQuestion, Section
from .models import Article, Author, Topic

ARTICLE_FIELDS = (
    "title",
    "slug",
    "summary",
    "checked_on",
    "topics",
    "authors",
    "no_donation_ask",
    "sources_note",
)
# The article's own Markdown texts, and the fields a typo fix leaves as they
# are; the admin's fieldsets edit every field of ARTICLE_FIELDS.
ARTICLE_MARKDOWN = ("summary", "sources_note")
ARTICLE_FIXED = ("title", "checked_on")


# How a typo fix (`articles.factchecks.changes`) may treat a field readers see: its
# words' spelling may be corrected (the default), or it stays as it is.
SPELLING = "spelling"
FIXED = "fixed"


@dataclass(frozen=True)
class Part:
    """
    One kind of an article's parts, declared once for every use:

    - `fields`: what readers see of it, in order (data, digest, diffs,
      revisions, rendering), labelled by the model's `verbose_name`s;
    - `layout`: its rows in the admin's inline, a field name or a tuple of
      names shown side by side (`position` comes first, always);
    - `not_edited`: fields of `fields` that the inline leaves out, each with
      the reason (tests/articles/test_parts.py holds every other field
      readers see to be editable);
    - `fixed`: fields a typo fix leaves as they are (`FIXED`), or `FIXED`
      alone for a part a typo fix does not touch;
    - `markdown`: its Markdown texts, held to the rendering limits;
    - `one_per_article`: booleans at most one of an article's rows may tick;
    - `tabular`: a row per line in the admin, else a block each.
    """

    name: str
    model: type[Model]
    fields: tuple[str, ...]
    layout: tuple[str | tuple[str, ...], ...]
    not_edited: dict[str, str] = dc_field(default_factory=dict)
    fixed: tuple[str, ...] | str = ()
    markdown: tuple[str, ...] = ()
    one_per_article: tuple[str, ...] = ()
    tabular: bool = False

    @property
    def noun(self) -> str:
        return capfirst(self.model._meta.verbose_name)

    def label(self, field: str) -> str:
        return field_label(self.model, field)

    @property
    def edited(self) -> tuple[str, ...]:
        """The fields of the admin's inline, in order, `position` first."""
        names = ["position"]
        for row in self.layout:
            names += [row] if isinstance(row, str) else list(row)
        return tuple(names)

    def typo_rule(self, field: str) -> str:
        """Whether a typo fix may correct `field`'s spelling, or leaves it as it is."""
        return FIXED if self.fixed == FIXED or field in self.fixed else SPELLING


PARTS = (
    Part(
        "sections",
        Section,
        fields=("heading", "body"),
        layout=("heading", "body"),
        markdown=("body",),
    ),
    Part(
        "claims",
        Claim,
        fields=(
            "statement",
            "claimant",
            "claimant_is_organization",
            "claimed_on",
            "appearance_url",
            "appearance",
            "rating",
            "is_headline",
            "explanation",
        ),
        layout=(
            "statement",
            ("claimant", "claimant_is_organization"),
            ("claimed_on", "appearance"),
            "appearance_url",
            ("rating", "is_headline"),
            "explanation",
        ),
        # What readers take as the claim and its verdict: a typo fix may
        # correct the explanation's spelling only.
        fixed=(
            "statement",
            "claimant",
            "claimant_is_organization",
            "claimed_on",
            "appearance_url",
            "rating",
            "is_headline",
        ),
        markdown=("explanation",),
        one_per_article=("is_headline",),
    ),
    Part(
        "citations",
        Citation,
        # What readers see of a cited source is its title and its details.
        fields=("source", "source_details", "pinpoint", "note"),
        layout=("source", "pinpoint", "note"),
        not_edited={
            "source_details": "The source's own record, edited in the sources' admin."
        },
        fixed=FIXED,
        tabular=True,
    ),
    Part(
        "related_questions",
        RelatedQuestion,
        fields=("question", "answer"),
        layout=("question", "answer"),
        fixed=("answer",),
        tabular=True,
    ),
)
PART_BY_NAME = {part.name: part for part in PARTS}

# The parts a Draft loads in one prefetch each; topics and authors come
# together in one more query (`_topics_and_authors()`).
PREFETCHES = (
    Prefetch("sections", queryset=Section.objects.order_by("position")),
    Prefetch("claims", queryset=Claim.objects.order_by("position")),
    Prefetch(
        "citations",
        queryset=Citation.objects.select_related("source").order_by("position"),
    ),
    Prefetch(
        "related_questions",
        queryset=RelatedQuestion.objects.select_related("answer").order_by("position"),
    ),
)


def field_label(model: type[Model], name: str) -> str:
    try:
        return capfirst(model._meta.get_field(name).verbose_name)
    except Exception:  # A derived value, such as a citation's source details.
        return capfirst(name.replace("_", " "))


@dataclass
class Draft:
    """An article with all its parts, in order."""

    article: Article
    sections: list[Section]
    claims: list[Claim]
    citations: list[Citation]
    related_questions: list[RelatedQuestion]
    topics: list[Topic]
    authors: list[Author]

    @classmethod
    def from_revision(cls, revision) -> "Draft":
        """
        The article as a django-reversion revision stored it. Sources,
        topics, authors and answers are shared records with their own
        history: a revision shows them as they are now.
        """
        rows = defaultdict(list)
        for version in revision.version_set.select_related("content_type"):
            rows[version.content_type.model_class()].append(version.field_dict)
        article_rows = rows[Article] or [{}]
        m2m = {f.attname for f in Article._meta.many_to_many}
        article = Article(**{k: v for k, v in article_rows[0].items() if k not in m2m})
        parts = {
            part.name: sorted(
                (part.model(**row) for row in rows[part.model]),
                key=lambda obj: obj.position,
            )
            for part in PARTS
        }
        sources = Source.objects.in_bulk(c.source_id for c in parts["citations"])
        for citation in parts["citations"]:
            if citation.source_id is None:  # Not attached yet.
                continue
            citation.source = sources.get(citation.source_id) or Source(
                pk=citation.source_id,
                title=f"Deleted source #{citation.source_id}",
                url="",
            )
        answers = Article.objects.in_bulk(
            q.answer_id for q in parts["related_questions"] if q.answer_id
        )
        for question in parts["related_questions"]:
            question.answer = answers.get(question.answer_id)
        chosen = article_rows[0]
        return cls(
            article=article,
            topics=list(Topic.objects.filter(pk__in=chosen.get("topics", []))),
            authors=list(Author.objects.filter(pk__in=chosen.get("authors", []))),
            **parts,
        )

    def data(self) -> dict:
        """
        Everything that decides what readers would see, as plain data in a
        stable shape: for digests, for comparing versions, and frozen with
        each publication.
        """
        data = {name: self.value(self.article, name) for name in ARTICLE_FIELDS}
        for part in PARTS:
            data[part.name] = [
                {
                    "id": obj.pk,
                    "position": obj.position,
                    **{name: self.value(obj, name) for name in part.fields},
                }
                for obj in getattr(self, part.name)
            ]
        return data

    def digest(self) -> str:
        return digest(self.data())

    def value(self, obj: Model, name: str):
        """A field as plain data: text, a number, a boolean, ISO dates, names."""
        if obj is self.article and name in ("topics", "authors"):
            return sorted(str(related) for related in getattr(self, name))
        value = getattr(obj, name)
        if callable(value):
            return value()
        if obj._meta.get_field(name).is_relation:
            return None if value is None else str(value)
        if isinstance(value, date):
            return value.isoformat()
        return value


def load(article: Article) -> Draft:
    """
    The article with all its parts as saved now, in five queries whatever
    its size: one for each kind of part, and one for its topics and authors.
    Load once and pass the Draft on.
    """
    article._prefetched_objects_cache = {}
    prefetch_related_objects([article], *PREFETCHES)
    topics, authors = _topics_and_authors(article)
    return Draft(
        article=article,
        **{part.name: list(getattr(article, part.name).all()) for part in PARTS},
        topics=topics,
        authors=authors,
    )


def _topics_and_authors(article: Article) -> tuple[list[Topic], list[Author]]:
    """The article's topics and its authors, each by name, in one query."""
    columns = {
        Topic: ("id", "name", "slug", "description"),
        Author: ("id", "name", "slug", "role", "bio"),
    }
    width = max(map(len, columns.values()))
    # A union: the same number of columns each, the model's name first.
    first, second = (
        model.objects.filter(articles=article)
        .order_by()
        .annotate(model=Value(model._meta.model_name), blank=Value(""))
        .values_list("model", *names, *["blank"] * (width - len(names)))
        for model, names in columns.items()
    )
    found = {model: [] for model in columns}
    by_name = {model._meta.model_name: model for model in columns}
    for name, *values in first.union(second, all=True).order_by("model", "name"):
        model = by_name[name]
        names = columns[model]
        found[model].append(
            model.from_db(article._state.db, names, values[: len(names)])
        )
    return found[Topic], found[Author]


def digest(data: dict) -> str:
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


def refresh_draft_digest(article: Article) -> None:
    """Record the digest of the draft as saved, after its parts are saved."""
    article.draft_digest = load(article).digest()
    Article.objects.filter(pk=article.pk).update(draft_digest=article.draft_digest)
