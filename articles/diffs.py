"""
What changed between two states of an article: two revisions, a revision
and the draft, or the draft and what readers see. Each state is the plain
data of `publishing.draft_data`; the comparison is per field and per
section, claim, citation and related question, with words marked as
inserted or deleted.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import mark_safe

from sources.models import Source

from .models import Article, Author, Citation, Claim, RelatedQuestion, Section, Topic
from .publishing import source_details

TOKEN = re.compile(r"\s+|\w+|[^\w\s]")

ARTICLE_FIELDS = [
    ("title", "Title"),
    ("slug", "Slug"),
    ("summary", "Executive summary"),
    ("checked_on", "Checked on"),
    ("topics", "Topics"),
    ("authors", "Authors"),
    ("no_donation_ask", "No donation ask"),
    ("sources_note", "Note on the sources"),
]
CHILDREN = [
    ("sections", "Section", ["heading", "body"]),
    (
        "claims",
        "Claim",
        [
            "statement",
            "claimant",
            "claimant_is_organization",
            "claimed_on",
            "appearance_url",
            "appearance",
            "rating",
            "explanation",
        ],
    ),
    ("citations", "Citation", ["source", "source_details", "pinpoint", "note"]),
    ("related_questions", "Related question", ["question", "answer"]),
]


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def mark_words(old: str, new: str) -> str:
    """HTML of `new` with deleted words in <del> and inserted ones in <ins>."""
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    parts = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
    return mark_safe("".join(parts))


@dataclass
class FieldChange:
    label: str
    old: str
    new: str

    @property
    def marked(self):
        return mark_words(self.old, self.new)


@dataclass
class ChildChange:
    label: str
    status: str  # "added", "removed" or "changed"
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class Comparison:
    fields: list[FieldChange]
    children: list[ChildChange]

    def __bool__(self):
        return bool(self.fields or self.children)


def _child_label(noun, item):
    title = item.get("heading") or item.get("question") or item.get("source") or ""
    if noun == "Claim":
        title = item.get("claimant", "")
    return f"{noun} {item['position']}" + (f" “{title}”" if title else "")


def compare(old: dict, new: dict) -> Comparison:
    fields = [
        FieldChange(label, as_text(old.get(name)), as_text(new.get(name)))
        for name, label in ARTICLE_FIELDS
        if as_text(old.get(name)) != as_text(new.get(name))
    ]
    children = []
    for key, noun, names in CHILDREN:
        old_items = {
            item.get("id") or f"p{item['position']}": item for item in old.get(key, [])
        }
        new_items = {
            item.get("id") or f"p{item['position']}": item for item in new.get(key, [])
        }
        for item_id, item in new_items.items():
            before = old_items.get(item_id)
            if before is None:
                children.append(
                    ChildChange(
                        _child_label(noun, item),
                        "added",
                        [
                            FieldChange(
                                n.replace("_", " ").capitalize(),
                                "",
                                as_text(item.get(n)),
                            )
                            for n in names
                            if as_text(item.get(n))
                        ],
                    )
                )
                continue
            changed = [
                FieldChange(
                    n.replace("_", " ").capitalize(),
                    as_text(before.get(n)),
                    as_text(item.get(n)),
                )
                for n in ["position", *names]
                if as_text(before.get(n)) != as_text(item.get(n))
            ]
            if changed:
                children.append(
                    ChildChange(_child_label(noun, item), "changed", changed)
                )
        for item_id, item in old_items.items():
            if item_id not in new_items:
                children.append(
                    ChildChange(
                        _child_label(noun, item),
                        "removed",
                        [
                            FieldChange(
                                n.replace("_", " ").capitalize(),
                                as_text(item.get(n)),
                                "",
                            )
                            for n in names
                            if as_text(item.get(n))
                        ],
                    )
                )
    return Comparison(fields, children)


def revision_data(revision) -> dict:
    """The article in a reversion revision, in the shape of draft_data()."""
    by_model = defaultdict(list)
    for version in revision.version_set.select_related("content_type"):
        by_model[version.content_type.model_class()].append(version.field_dict)
    (article,) = by_model[Article] or [{}]
    # Sources are shared and versioned on their own: a revision shows them
    # as they are now.
    sources = Source.objects.in_bulk([c["source_id"] for c in by_model[Citation]])
    answer_titles = dict(
        Article.objects.filter(
            pk__in=[q["answer_id"] for q in by_model[RelatedQuestion] if q["answer_id"]]
        ).values_list("pk", "title")
    )

    def ordered(model, build):
        rows = sorted(by_model[model], key=lambda row: row["position"])
        return [
            {"id": row["id"], "position": row["position"], **build(row)} for row in rows
        ]

    def iso(value):
        return value.isoformat() if value else None

    return {
        "title": article.get("title", ""),
        "slug": article.get("slug", ""),
        "summary": article.get("summary", ""),
        "checked_on": iso(article.get("checked_on")),
        "no_donation_ask": article.get("no_donation_ask", False),
        "sources_note": article.get("sources_note", ""),
        "topics": sorted(
            Topic.objects.filter(pk__in=article.get("topics", [])).values_list(
                "name", flat=True
            )
        ),
        "authors": sorted(
            Author.objects.filter(pk__in=article.get("authors", [])).values_list(
                "name", flat=True
            )
        ),
        "sections": ordered(
            Section, lambda r: {"heading": r["heading"], "body": r["body"]}
        ),
        "claims": ordered(
            Claim,
            lambda r: {
                "statement": r["statement"],
                "claimant": r["claimant"],
                "claimant_is_organization": r["claimant_is_organization"],
                "claimed_on": iso(r["claimed_on"]),
                "appearance_url": r["appearance_url"],
                "appearance": r["appearance"],
                "rating": r["rating"],
                "explanation": r["explanation"],
            },
        ),
        "citations": ordered(
            Citation,
            lambda r: {
                "source": str(sources[r["source_id"]])
                if r["source_id"] in sources
                else f"Deleted source #{r['source_id']}",
                "source_details": source_details(sources[r["source_id"]])
                if r["source_id"] in sources
                else "",
                "pinpoint": r["pinpoint"],
                "note": r["note"],
            },
        ),
        "related_questions": ordered(
            RelatedQuestion,
            lambda r: {
                "question": r["question"],
                "answer": answer_titles.get(r["answer_id"]),
            },
        ),
    }
