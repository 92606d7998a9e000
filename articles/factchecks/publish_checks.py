"""
What must be fixed before a draft may be published. Drafts may be
incomplete; publishing (and the preview, which says so) refuses while any
problem is left, naming each.
"""

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from . import render_limits as limits
from .article_parts import Claim, Section
from .frozen_content import Rendered
from .models import Article
from .publications import Publication
from .shape import Draft


def problems(
    draft: Draft, rendered: Rendered, *, address_taken_by: str | None
) -> list[str]:
    """
    Every problem of the draft, in the order an editor would fix them.
    `address_taken_by`: the title of another fact check published at the
    draft's address (`address_taken_by()`), if any.
    """
    article = draft.article
    found = []
    positions = [citation.position for citation in draft.citations]
    if positions != list(range(1, len(positions) + 1)):
        found.append(
            _("Citations must be numbered 1 to %(n)s without gaps (they are %(got)s).")
            % {"n": len(positions), "got": ", ".join(map(str, positions))}
        )
    for location, marker in rendered.missing_markers:
        found.append(
            _(
                "%(location)s: %(marker)s points to no citation (this article has %(count)s)."
            )
            % {"location": location, "marker": marker, "count": len(positions)}
        )
    if not article.title.strip().endswith("?"):
        found.append(_("The title must be the question checked, ending with “?”."))
    if not article.summary.strip():
        found.append(_("The executive summary is empty."))
    if article.checked_on is None:
        found.append(_("Set the date the facts were checked."))
    if not draft.sections:
        found.append(_("Add at least one section."))
    found += length_problems(draft)
    found += limits.draft_problems(draft)
    found += [
        _("Citation %(number)s has no source attached.") % {"number": c.position}
        for c in draft.citations
        if c.source_id is None
    ]
    for number, claim in enumerate(draft.claims, 1):
        url = claim.appearance_url
        if url and not url.startswith(("http://", "https://")):
            found.append(
                _("Claim %(number)s: “where it appeared” must be an http(s) address.")
                % {"number": number}
            )
    if address_taken_by:
        found.append(
            _(
                "The address /fact-checks/%(slug)s/ belongs to another fact check "
                "(“%(title)s”): choose another slug."
            )
            % {"slug": article.slug, "title": address_taken_by}
        )
    return found


def _others_at(slug, article_id):
    """The titles of other fact checks' publications at the address `slug`."""
    return (
        Publication.objects.matching_slug(slug)
        .exclude(article_id=article_id)
        .values_list("title", flat=True)
    )


def address_taken_by(article: Article) -> str | None:
    """The title of another fact check published at the article's address."""
    return _others_at(article.slug, article.pk).first()


def address_taken_by_sql():
    """`address_taken_by()` as SQL, for `publish()` to read with the article."""
    return Subquery(_others_at(OuterRef("slug"), OuterRef("pk"))[:1])


def length_problems(draft: Draft) -> list[str]:
    """
    Texts over their limit, which forms enforce but other paths may not.
    The limits also keep rendering at publish time to about a second.
    """
    article = draft.article
    limits = [
        (_("The executive summary"), article.summary, Article, "summary"),
        (_("The note on the sources"), article.sources_note, Article, "sources_note"),
    ]
    limits += [
        (_("Section %(n)s") % {"n": n}, s.body, Section, "body")
        for n, s in enumerate(draft.sections, 1)
    ]
    limits += [
        (
            _("The explanation of claim %(n)s") % {"n": n},
            c.explanation,
            Claim,
            "explanation",
        )
        for n, c in enumerate(draft.claims, 1)
    ]
    found = []
    for label, text, model, field in limits:
        limit = model._meta.get_field(field).max_length
        if len(text) > limit:
            found.append(
                _("%(label)s is %(length)s characters long; the limit is %(limit)s.")
                % {"label": label, "length": f"{len(text):,}", "limit": f"{limit:,}"}
            )
    return found
