"""
Publications: what readers see. A publication freezes an article at
publish time and is never changed; every public change is a new one.
"""

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from factually import text as normalised

from . import kinds
from .schema import upgrade
from .slugs import SlugQuerySet

if TYPE_CHECKING:
    from .removals import VersionRemoval

# The kind of a removed version's entry in an update history: no kind of
# publication, so no list of kinds (corrections, for one) takes it in.
REMOVED = "removed"


# Columns a list of publications never shows: the frozen content, the body,
# the search documents, the rendered page and card (lists defer them).
UNLISTED = (
    "content",
    "card_html",
    "body_text",
    "search_document",
    "search_head",
    "page_head",
    "page_body",
)


class PublicationQuerySet(SlugQuerySet):
    def due(self, now=None):
        """
        Publications whose time has come (scheduled ones are not due yet),
        at `now` (by default, now).
        """
        return self.filter(published_at__lte=now or timezone.now())

    def current(self, now=None):
        """
        Each article's latest publication whose time has come, withdrawals
        included. Publishing keeps versions in time order, so the latest
        version due is what readers see.
        """
        now = now or timezone.now()
        later = Publication.objects.filter(
            article=OuterRef("article"),
            version__gt=OuterRef("version"),
            published_at__lte=now,
        )
        return self.due(now).filter(~Exists(later))

    def public(self, now=None):
        """
        Versions readers may read, at `now` (by default, now): due, and not
        removed from public view. Lists of versions or their notes (the
        corrections log and its feed) list these; an update history shows
        the others as tombstones (`history()`, which the article page's
        notices and structured data read). The current version is never
        removed (publishing.remove_version() refuses it), so live() is
        among these.
        """
        return self.due(now).filter(removal__isnull=True)

    def live(self):
        """What readers may see: current publications that are not withdrawals."""
        return self.current().exclude(kind=Publication.Kind.WITHDRAWAL)

    def live_or_superseded(self):
        """
        Due publications that are not withdrawals: the live ones and the
        versions later ones replaced. Unlike live(), a filter on each row's
        own columns, so search can rank these and check only the best few
        for being current (articles.readers.search.ranking.ResultsPaginator).
        """
        return self.due().exclude(kind=Publication.Kind.WITHDRAWAL)

    def next_due_at(self):
        """When the next of these scheduled publications becomes due, or None."""
        return self.filter(published_at__gt=timezone.now()).aggregate(
            next=models.Min("published_at")
        )["next"]

    def corrections(self):
        """
        Corrections, clarifications and re-ratings readers have been shown,
        newest first.
        """
        return (
            self.public()
            .filter(kind__in=Publication.CORRECTIONS_LOG_KINDS)
            .order_by("-published_at", "-pk")
        )

    def for_corrections_log(self):
        """
        corrections() with only what the log shows of each: the ratings
        each changed (`changed_ratings`, as rating_changes() gives them)
        read from the frozen content in the database, which keeps the rest.
        """
        return (
            self.corrections()
            .defer(*UNLISTED)
            .annotate(
                changed_ratings=KeyTransform(
                    "ratings", KeyTransform("changes", "content")
                )
            )
        )

    def of_version(self, slug: str, version: int):
        """
        Version `version` of the fact check found at `slug` (at any time),
        if readers may see it: due, scheduled ones never. The article's
        current slug may differ.
        """
        article_id = (
            self.due().filter(slug=slug).values_list("article_id", flat=True).first()
        )
        return (
            self.due()
            .filter(article_id=article_id, version=version)
            .select_related("removal")
            .first()
        )

    def for_listing(self):
        """
        Live publications, newest fact checks first, without the columns a
        list never shows (the frozen content, the rendered page, the search
        documents: most of each row's bytes). Each has its card rendered
        when it was published (`card_html`, with its topics).
        """
        return (
            self.live()
            .defer(*(field for field in UNLISTED if field != "card_html"))
            .order_by("-first_published_at", "-pk")
        )


class Publication(models.Model):
    """
    What readers see: an article frozen at publish time, rendered and
    sanitised, with its version, kind and public note. Never changed once
    created; a change to the article is a new publication.
    """

    Kind = kinds.Kind
    UNNOTED_KINDS = kinds.UNNOTED_KINDS
    VERDICT_KINDS = kinds.VERDICT_KINDS
    CORRECTIONS_LOG_KINDS = kinds.CORRECTIONS_LOG_KINDS

    article = models.ForeignKey(
        "articles.Article", on_delete=models.PROTECT, related_name="publications"
    )
    version = models.PositiveIntegerField(_("version"))
    kind = normalised.CharField(_("kind"), max_length=20, choices=Kind)
    note = normalised.TextField(
        _("public note"),
        blank=True,
        help_text=_("Shown to readers in the update history."),
    )
    published_at = models.DateTimeField(
        _("published at"),
        help_text=_("Readers see this version from this time on."),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Denormalised from the frozen content for lists, feeds and lookups.
    slug = normalised.SlugField(max_length=200)
    title = normalised.CharField(max_length=300)
    excerpt = normalised.TextField(blank=True)
    body_text = normalised.TextField(blank=True, help_text=_("Plain text, for search."))
    checked_on = models.DateField(null=True, blank=True)
    first_published_at = models.DateTimeField()
    topics = models.ManyToManyField(
        "articles.Topic", blank=True, related_name="publications"
    )
    authors = models.ManyToManyField(
        "articles.Author", blank=True, related_name="publications"
    )
    content = models.JSONField(default=dict)
    draft_digest = models.CharField(
        max_length=64,
        blank=True,
        help_text=_(
            "Digest of the draft it was made from, to spot unpublished changes."
        ),
    )
    no_donation_ask = models.BooleanField(default=False, editable=False)
    # Derived from the frozen content by articles.readers.search.index() at publish
    # time, for search and its rating filter.
    search_document = SearchVectorField(null=True, editable=False)
    search_head = SearchVectorField(null=True, editable=False)
    ratings = models.CharField(max_length=200, blank=True, editable=False)
    # Drawn once at publish time by articles.factchecks.social_cards.save_card().
    social_card = models.FileField(blank=True, editable=False)
    # The page's own HTML, rendered once from the content (articles.factchecks.prerendered_pages):
    # derived from the record, never part of it.
    page_head = models.TextField(blank=True, editable=False)
    page_body = models.TextField(blank=True, editable=False)
    rendered_with = models.CharField(max_length=64, blank=True, editable=False)
    # Its card in lists of fact checks (the home, topic and author pages),
    # rendered with it, by the same release.
    card_html = models.TextField(blank=True, editable=False)
    # A digest of that HTML (articles.factchecks.prerendered_pages.page_digest), which changes
    # when the page is rendered again, by new templates or after an
    # earlier version's removal: it names the HTML each process keeps.
    page_digest = models.CharField(max_length=64, blank=True, editable=False)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["article", "-version"]
        get_latest_by = "version"
        permissions = [
            (
                "remove_publication",
                "Can remove a version from public view for legal reasons",
            ),
        ]
        indexes = [
            models.Index(fields=["slug", "published_at"]),
            models.Index(fields=["first_published_at"]),
            # For matching_slug(), which redirects other casings.
            models.Index(Lower("slug"), name="articles_pub_slug_lower_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "version"],
                name="articles_publication_unique_version",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1),
                name="articles_publication_version_positive",
            ),
            models.CheckConstraint(
                condition=(Q(version=1) & Q(kind=kinds.Kind.FIRST))
                | (Q(version__gt=1) & ~Q(kind=kinds.Kind.FIRST)),
                name="articles_publication_first_is_version_one",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=list(kinds.UNNOTED_KINDS)) | ~Q(note=""),
                name="articles_publication_note_required",
            ),
        ]

    def __str__(self):
        return f"{self.title} (v{self.version}, {self.get_kind_display().lower()})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(
                _("A publication is a public record and cannot be changed.")
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def get_version_url(self):
        return reverse(
            "articles:version", kwargs={"slug": self.slug, "version": self.version}
        )

    def get_changes_url(self):
        return reverse(
            "articles:changes", kwargs={"slug": self.slug, "version": self.version}
        )

    def is_withdrawn(self):
        return self.kind == self.Kind.WITHDRAWAL

    def is_scheduled(self):
        return self.published_at > timezone.now()

    def page_content(self) -> dict:
        """The frozen content in the current schema, whatever it was made with."""
        return upgrade(self.content)

    @cached_property
    def removals(self) -> dict[int, "VersionRemoval"]:
        """
        This fact check's versions removed from public view, by version
        number: read once per instance, for rendering its history.
        """
        return removals_of(self.article_id)

    def history(self, removals: dict[int, "VersionRemoval"] | None = None):
        """
        Every public version up to this one, oldest first, each with the
        address of its public changes page (none for the first). A version
        removed from public view is only a tombstone: its number, and when
        and why it was removed, with none of its own kind, note or details.
        `removals` are the fact check's (`removals_of()`) when the caller
        has them; else they are read.
        """
        if removals is None:
            removals = self.removals
        entries = []
        for entry in self.page_content()["history"]:
            version = entry["version"]
            removal = removals.get(version)
            if removal is not None:
                entry = {
                    "version": version,
                    "kind": REMOVED,
                    "note": "",
                    "details": [],
                    "published_at": entry["published_at"],
                    "removed_at": removal.removed_at,
                    "removal_note": removal.note,
                }
            address = {"slug": self.slug, "version": version}
            entries.append(
                {
                    **entry,
                    "published_at": datetime.fromisoformat(entry["published_at"]),
                    "kind_label": str(
                        _("Removed")
                        if removal
                        else Publication.Kind(entry["kind"]).label
                    ),
                    "version_url": reverse("articles:version", kwargs=address),
                    "changes_url": reverse("articles:changes", kwargs=address)
                    if version > 1
                    and entry["kind"] not in (REMOVED, self.Kind.WITHDRAWAL)
                    else None,
                }
            )
        return entries

    def next_due_at(self):
        """When the next of these scheduled publications becomes due, or None."""
        return self.filter(published_at__gt=timezone.now()).aggregate(
            next=models.Min("published_at")
        )["next"]

    def corrections(self, removals: dict[int, "VersionRemoval"] | None = None):
        """
        The corrections, clarifications and re-ratings up to this version,
        newest first, each with the ratings it changed (`removals`: as for
        `history()`).
        """
        return [
            entry
            for entry in reversed(self.history(removals))
            if entry["kind"] in Publication.CORRECTIONS_LOG_KINDS
        ]

    def rating_changes(self) -> list[dict]:
        """
        The ratings this version changed, as frozen when it was published:
        `[{claim, old, new}]`, rating labels ("" for a claim added or removed).
        """
        changes = None if self.is_withdrawn() else self.page_content()["changes"]
        return changes["ratings"] if changes else []


def removals_of(article_id) -> dict[int, "VersionRemoval"]:
    """A fact check's versions removed from public view, by version number."""
    return {
        publication.version: publication.removal
        for publication in Publication.objects.filter(
            article_id=article_id, removal__isnull=False
        ).select_related("removal")
    }
