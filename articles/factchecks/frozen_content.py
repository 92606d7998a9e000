"""
Rendering a draft into the frozen content of a publication (its schema is
documented in `articles.factchecks.schema`), once, at publish time.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .markup import CitationIndex, plain_text, render
from .ratings import Rating
from .schema import SCHEMA_VERSION
from .shape import PART_BY_NAME, Draft

EXCERPT_WORDS = 45


@dataclass
class Rendered:
    """A draft rendered as readers would see it, and the markers that missed."""

    content: dict
    missing_markers: list[tuple[str, str]]  # (where, "[n]")
    excerpt: str
    body_text: str


def render_draft(draft: Draft) -> Rendered:
    """Render every text of the draft once, sanitised, into frozen content."""
    index = CitationIndex(numbers={c.position for c in draft.citations})
    article = draft.article
    summary_html = render(article.summary, index, location=_("Summary"))
    sections = [
        {
            "number": number,
            "anchor": f"section-{number}",
            "heading": section.heading,
            "html": render(
                section.body,
                index,
                location=_("Section %(number)s “%(heading)s”")
                % {"number": number, "heading": section.heading},
            ),
        }
        for number, section in enumerate(draft.sections, 1)
    ]
    # The headline claim: the one ticked, else the first.
    headline = next(
        (c.pk for c in draft.claims if c.is_headline),
        draft.claims[0].pk if draft.claims else None,
    )
    # Every field of the claim's declaration (shape.PARTS): plain values as
    # the draft's data holds them, Markdown rendered as `<name>_html`.
    part = PART_BY_NAME["claims"]
    claims = [
        {
            "number": number,
            "anchor": f"claim-{number}",
            **{
                name: draft.value(claim, name)
                for name in part.fields
                if name not in part.markdown
            },
            "rating_label": str(Rating(claim.rating).label),
            "rating_value": claim.rating_value(),
            "is_headline": claim.pk == headline,
            **{
                f"{name}_html": render(
                    getattr(claim, name),
                    index,
                    location=_("Claim %(number)s (%(field)s)")
                    % {"number": number, "field": part.label(name).lower()},
                )
                for name in part.markdown
            },
        }
        for number, claim in enumerate(draft.claims, 1)
    ]
    sources_note_html = render(
        article.sources_note, index, location=_("Note on the sources")
    )
    sources = [
        {
            "number": citation.position,
            "anchor": f"source-{citation.position}",
            "title": citation.source.title,
            "publisher": citation.source.publisher,
            "authors": citation.source.authors,
            "date": citation.source.display_date(),
            "kind": citation.source.get_kind_display(),
            "url": citation.source.url,
            "archived_url": citation.source.archived_url,
            "pinpoint": citation.pinpoint,
            "note": citation.note,
            "backlinks": index.backlinks.get(citation.position, []),
        }
        for citation in draft.citations
    ]
    content = {
        "schema": SCHEMA_VERSION,
        "summary_html": summary_html,
        "sections": sections,
        "claims": claims,
        "sources": sources,
        "sources_note_html": sources_note_html,
        "related": [
            {"question": q.question, "answer_id": q.answer_id}
            for q in draft.related_questions
        ],
        "authors": [
            {"name": a.name, "slug": a.slug, "role": a.role} for a in draft.authors
        ],
        "topics": [{"name": t.name, "slug": t.slug} for t in draft.topics],
        "no_donation_ask": article.no_donation_ask,
    }
    return Rendered(
        content=content,
        missing_markers=index.missing,
        excerpt=plain_text(article.summary, words=EXCERPT_WORDS),
        body_text=plain_text(
            "\n\n".join(f"{s.heading}\n\n{s.body}" for s in draft.sections)
        ),
    )
