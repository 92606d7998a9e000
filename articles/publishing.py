"""
Publishing: freezing a draft article into an immutable Publication.

Rendering (Markdown, citation links, sanitising) happens here, once, so that
serving a page does none of it. The draft may be incomplete; publishing
refuses with every problem named.
"""

import hashlib
import json
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Article, Claim, Publication, Rating, Section
from .rendering import CitationIndex, plain_text, render

EXCERPT_WORDS = 45


def source_details(source) -> str:
    """What readers see of a source besides its title, for comparing drafts."""
    return " · ".join(
        part
        for part in (
            source.authors,
            source.display_date(),
            source.get_kind_display(),
            source.url,
            source.archived_url,
        )
        if part
    )


def draft_data(article: Article) -> dict:
    """
    The draft as plain data: everything that decides what readers would see,
    in a stable shape, for digests and for comparing versions.
    """
    citations = article.citations.select_related("source").order_by("position")
    return {
        "title": article.title,
        "slug": article.slug,
        "summary": article.summary,
        "checked_on": article.checked_on.isoformat() if article.checked_on else None,
        "no_donation_ask": article.no_donation_ask,
        "sources_note": article.sources_note,
        "topics": sorted(article.topics.values_list("name", flat=True)),
        "authors": sorted(article.authors.values_list("name", flat=True)),
        "sections": [
            {"id": s.pk, "position": s.position, "heading": s.heading, "body": s.body}
            for s in article.sections.order_by("position")
        ],
        "claims": [
            {
                "id": c.pk,
                "position": c.position,
                "statement": c.statement,
                "claimant": c.claimant,
                "claimant_is_organization": c.claimant_is_organization,
                "claimed_on": c.claimed_on.isoformat() if c.claimed_on else None,
                "appearance_url": c.appearance_url,
                "appearance": c.appearance,
                "rating": c.rating,
                "explanation": c.explanation,
            }
            for c in article.claims.order_by("position")
        ],
        "citations": [
            {
                "id": c.pk,
                "position": c.position,
                "source": str(c.source),
                "source_details": source_details(c.source),
                "pinpoint": c.pinpoint,
                "note": c.note,
            }
            for c in citations
        ],
        "related_questions": [
            {
                "id": q.pk,
                "position": q.position,
                "question": q.question,
                "answer": str(q.answer) if q.answer_id else None,
            }
            for q in article.related_questions.select_related("answer").order_by(
                "position"
            )
        ],
    }


def digest(data: dict) -> str:
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


def draft_digest(article: Article) -> str:
    return digest(draft_data(article))


def refresh_draft_digest(article: Article) -> None:
    """Record the digest of the draft as saved, after its children are saved."""
    article.draft_digest = draft_digest(article)
    Article.objects.filter(pk=article.pk).update(draft_digest=article.draft_digest)


def build_content(article: Article) -> tuple[dict, list[str]]:
    """
    Render the draft as readers would see it. Returns the content to freeze
    and the problems that must be fixed before it may be published.
    """
    problems = []
    citations = list(article.citations.select_related("source").order_by("position"))
    positions = [citation.position for citation in citations]
    if positions != list(range(1, len(positions) + 1)):
        problems.append(
            _("Citations must be numbered 1 to %(n)s without gaps (they are %(got)s).")
            % {"n": len(positions), "got": ", ".join(map(str, positions))}
        )
    index = CitationIndex(numbers=set(positions))

    summary_html = render(article.summary, index, location=_("Summary"))
    sections = []
    for number, section in enumerate(article.sections.order_by("position"), 1):
        location = _("Section %(number)s “%(heading)s”") % {
            "number": number,
            "heading": section.heading,
        }
        sections.append(
            {
                "number": number,
                "anchor": f"section-{number}",
                "heading": section.heading,
                "html": render(section.body, index, location=location),
            }
        )
    claims = []
    for number, claim in enumerate(article.claims.order_by("position"), 1):
        claims.append(
            {
                "number": number,
                "anchor": f"claim-{number}",
                "statement": claim.statement,
                "claimant": claim.claimant,
                "claimant_is_organization": claim.claimant_is_organization,
                "claimed_on": claim.claimed_on.isoformat()
                if claim.claimed_on
                else None,
                "appearance_url": claim.appearance_url,
                "appearance": claim.appearance,
                "rating": claim.rating,
                "rating_label": str(Rating(claim.rating).label),
                "rating_value": claim.rating_value(),
                "explanation_html": render(
                    claim.explanation,
                    index,
                    location=_("Claim %(number)s (explanation)") % {"number": number},
                ),
            }
        )
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
        for citation in citations
    ]
    related = [
        {"question": question.question, "answer_id": question.answer_id}
        for question in article.related_questions.order_by("position")
    ]

    for location, marker in index.missing:
        problems.append(
            _(
                "%(location)s: %(marker)s points to no citation (this article has %(count)s)."
            )
            % {"location": location, "marker": marker, "count": len(citations)}
        )
    if not article.title.strip().endswith("?"):
        problems.append(_("The title must be the question checked, ending with “?”."))
    if not article.summary.strip():
        problems.append(_("The executive summary is empty."))
    if article.checked_on is None:
        problems.append(_("Set the date the facts were checked."))
    if not sections:
        problems.append(_("Add at least one section."))
    problems += length_problems(article)
    for claim in claims:
        url = claim["appearance_url"]
        if url and not url.startswith(("http://", "https://")):
            problems.append(
                _("Claim %(number)s: “where it appeared” must be an http(s) address.")
                % {"number": claim["number"]}
            )
    taken = (
        Publication.objects.matching_slug(article.slug)
        .exclude(article=article)
        .values_list("title", flat=True)
        .first()
    )
    if taken:
        problems.append(
            _(
                "The address /fact-checks/%(slug)s/ belongs to another fact check "
                "(“%(title)s”): choose another slug."
            )
            % {"slug": article.slug, "title": taken}
        )

    content = {
        "summary_html": summary_html,
        "sections": sections,
        "claims": claims,
        "sources": sources,
        "sources_note_html": sources_note_html,
        "related": related,
        "authors": [
            {"name": a.name, "slug": a.slug, "role": a.role}
            for a in article.authors.order_by("name")
        ],
        "topics": [
            {"name": t.name, "slug": t.slug} for t in article.topics.order_by("name")
        ],
        "no_donation_ask": article.no_donation_ask,
    }
    return content, problems


def length_problems(article: Article) -> list[str]:
    """
    Texts over their limit, which forms enforce but other paths may not.
    The limits also keep rendering at publish time to about a second.
    """
    limits = [
        (_("The executive summary"), article.summary, Article, "summary"),
        (_("The note on the sources"), article.sources_note, Article, "sources_note"),
    ]
    limits += [
        (_("Section %(n)s") % {"n": n}, s.body, Section, "body")
        for n, s in enumerate(article.sections.order_by("position"), 1)
    ]
    limits += [
        (
            _("The explanation of claim %(n)s") % {"n": n},
            c.explanation,
            Claim,
            "explanation",
        )
        for n, c in enumerate(article.claims.order_by("position"), 1)
    ]
    problems = []
    for label, text, model, field in limits:
        limit = model._meta.get_field(field).max_length
        if len(text) > limit:
            problems.append(
                _("%(label)s is %(length)s characters long; the limit is %(limit)s.")
                % {"label": label, "length": f"{len(text):,}", "limit": f"{limit:,}"}
            )
    return problems


def _history_entry(*, version, kind, note, published_at):
    return {
        "version": version,
        "kind": kind,
        "note": note,
        "published_at": published_at.isoformat(),
    }


def _next_version(article, *, kind, note, published_at):
    """Lock the article and check the rules every new publication follows."""
    Article.objects.select_for_update().filter(pk=article.pk).first()
    latest = article.publications.order_by("-version").first()
    errors = []
    if latest is None and kind != Publication.Kind.FIRST:
        errors.append(_("This fact check has never been published: publish it first."))
    if latest is not None and kind == Publication.Kind.FIRST:
        errors.append(_("This fact check is already published: choose another kind."))
    if not note.strip() and kind not in (Publication.Kind.FIRST, Publication.Kind.TYPO):
        errors.append(_("Write a public note saying what changed and why."))
    if latest is not None and latest.published_at > published_at:
        errors.append(
            _(
                "Version %(version)s is scheduled for %(when)s. Publish after it, "
                "or cancel it first."
            )
            % {
                "version": latest.version,
                "when": timezone.localtime(latest.published_at).strftime(
                    "%B %-d, %Y %H:%M"
                ),
            }
        )
    return latest, errors


def _new_publication(article, *, latest, kind, note, published_at, user=None):
    """The next publication of `article`, unsaved, and what blocks publishing it."""
    content, problems = build_content(article)
    data = draft_data(article)
    version = latest.version + 1 if latest else 1
    content["draft"] = data
    content["history"] = (latest.content.get("history", []) if latest else []) + [
        _history_entry(version=version, kind=kind, note=note, published_at=published_at)
    ]
    publication = Publication(
        article=article,
        version=version,
        kind=kind,
        note=note,
        published_at=published_at,
        published_by=user,
        slug=article.slug,
        title=article.title,
        excerpt=plain_text(article.summary, words=EXCERPT_WORDS),
        body_text=plain_text(
            "\n\n".join(
                f"{section.heading}\n\n{section.body}"
                for section in article.sections.order_by("position")
            )
        ),
        checked_on=article.checked_on,
        first_published_at=latest.first_published_at if latest else published_at,
        content=content,
        draft_digest=digest(data),
    )
    return publication, problems


def preview(article: Article) -> tuple[Publication, list[str]]:
    """
    The draft as readers would see it if it were published now (unsaved),
    and the problems that would stop it being published.
    """
    latest = article.publications.order_by("-version").first()
    kind = Publication.Kind.UPDATE if latest else Publication.Kind.FIRST
    return _new_publication(
        article, latest=latest, kind=kind, note="", published_at=timezone.now()
    )


def publish(
    *,
    article: Article,
    kind: str,
    note: str = "",
    user=None,
    published_at: datetime | None = None,
    expected_digest: str | None = None,
) -> Publication:
    """
    Freeze the article as its next public version. A `published_at` in the
    future schedules it. With `expected_digest`, refuse if the draft is no
    longer the one the editor reviewed. Raises ValidationError listing every
    problem.
    """
    if kind == Publication.Kind.WITHDRAWAL:
        raise ValueError("Use withdraw() to withdraw an article.")
    published_at = published_at or timezone.now()
    with transaction.atomic():
        latest, errors = _next_version(
            article, kind=kind, note=note, published_at=published_at
        )
        publication, problems = _new_publication(
            article,
            latest=latest,
            kind=kind,
            note=note,
            published_at=published_at,
            user=user,
        )
        if expected_digest and expected_digest != publication.draft_digest:
            errors.append(
                _(
                    "The draft was saved again after you reviewed it. Check what "
                    "readers will see now and confirm again."
                )
            )
        if errors or problems:
            raise ValidationError(errors + problems)
        publication.save()
        publication.topics.set(article.topics.all())
        publication.authors.set(article.authors.all())
        if article.draft_digest != publication.draft_digest:
            refresh_draft_digest(article)
    return publication


def withdraw(
    *,
    article: Article,
    note: str,
    user=None,
    published_at: datetime | None = None,
) -> Publication:
    """Take a published article off the site, leaving the note at its address."""
    published_at = published_at or timezone.now()
    with transaction.atomic():
        latest, errors = _next_version(
            article,
            kind=Publication.Kind.WITHDRAWAL,
            note=note,
            published_at=published_at,
        )
        if latest is not None and latest.is_withdrawn():
            errors = [_("This fact check is already withdrawn.")]
        if errors:
            raise ValidationError(errors)
        version = latest.version + 1
        publication = Publication.objects.create(
            article=article,
            version=version,
            kind=Publication.Kind.WITHDRAWAL,
            note=note,
            published_at=published_at,
            published_by=user,
            slug=latest.slug,
            title=latest.title,
            excerpt=latest.excerpt,
            checked_on=latest.checked_on,
            first_published_at=latest.first_published_at,
            content={
                "history": latest.content.get("history", [])
                + [
                    _history_entry(
                        version=version,
                        kind=Publication.Kind.WITHDRAWAL,
                        note=note,
                        published_at=published_at,
                    )
                ]
            },
            draft_digest=latest.draft_digest,
        )
    return publication
