"""
Importing a whole fact check from its plain text, as copied from a web page:
the admin's "New fact check from text" and `manage.py import_fact_check`
both call `read()` then `create_draft()`.

The text is read line by line: a title that asks a question (with or
without "Fact check:"), "Checked on <date>", an "Executive Summary"
heading and its paragraphs, numbered sections ("1. Heading" then
paragraphs, numbered one after another, so a numbered list inside a
section stays text), citation markers as they are ("[1]", "[4] [2]",
"[1][3]", "[1–3]"), a "Sources" part (its numbered entries are listed in
the report, its other paragraphs become the note on the sources) and a
"Want to dive deeper?" list of questions. Anything else, such as a banner
or navigation around the article, is skipped and listed in the report.
The draft gets a numbered citation for every number cited, with no source
yet (or the source already on file when a listed entry gives its address).
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

import reversion
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from articles.factchecks import render_limits as limits
from articles.factchecks.markup import MARKER, marker_numbers
from articles.factchecks.shape import refresh_draft_digest
from articles.models import Article, Citation, Publication, RelatedQuestion, Section
from sources.models import Source, normalize_url

from .writing_warnings import strip_heading_number

MAX_TEXT = 400_000
TITLE_PREFIX = re.compile(r"^\s*fact[\s-]*check\s*[:\-–—]\s*", re.IGNORECASE)
CHECKED = re.compile(
    r"^\s*(?:last\s+)?checked(?:\s+on)?\s*:?\s*(?P<date>.+?)\s*\.?$", re.IGNORECASE
)
UPDATED = re.compile(r"^\s*(?:last\s+)?updated(?:\s+on)?\s*:?\s*.+$", re.IGNORECASE)
SUMMARY = re.compile(r"^\s*(?:executive\s+summary|summary|in\s+short)\s*:?\s*$", re.I)
SECTION = re.compile(r"^\s*(?P<number>\d{1,2})\s*[.):]\s+(?P<heading>\S.{0,298})$")
SOURCES = re.compile(
    r"^\s*(?:sources|a\s+note\s+on\s+(?:the\s+)?sources)\s*:?\s*(?P<rest>.*)$", re.I
)
SOURCE_ENTRY = re.compile(
    r"^\s*(?:\[(?P<bracketed>\d{1,4})\]|(?P<number>\d{1,4})[.)])\s+(?P<text>.+)$"
)
RELATED = re.compile(
    r"^\s*(?:want\s+to\s+dive\s+deeper\??|dive\s+deeper|related\s+questions)\s*:?\s*$",
    re.I,
)
CLAIMS = re.compile(r"^\s*claims\s+checked\s*:?\s*$", re.I)
BULLET = re.compile(r"^\s*(?:[-*•·–—]|\d{1,2}[.)])\s*")
URL = re.compile(r"https?://\S+[^\s.,;)\]]")
DATE_FORMATS = (
    "%B %d %Y",
    "%b %d %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%B %Y",
)


@dataclass
class Imported:
    """What was read from the text, and the report of what was and was not."""

    title: str = ""
    checked_on: date | None = None
    summary: str = ""
    sections: list[tuple[str, str]] = field(default_factory=list)
    sources_note: str = ""
    source_entries: dict[int, str] = field(default_factory=dict)
    related: list[str] = field(default_factory=list)
    citations: int = 0
    recognised: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        return not self.problems


def _normalise(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    return [line.rstrip() for line in text.split("\n")]


def parse_date(text: str) -> date | None:
    """A date as people write it: "November 2, 2025", "2 Nov. 2025", "2025-11-02"."""
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    cleaned = " ".join(cleaned.replace(",", " ").replace(".", " ").split())
    # "Sept" or "November" alike: the first three letters name the month.
    short = re.sub(r"\b([A-Za-z]{3})[A-Za-z]*\b", r"\1", cleaned)
    for candidate in (cleaned, short):
        for pattern in DATE_FORMATS:
            try:
                return datetime.strptime(candidate, pattern).date()
            except ValueError:
                continue
    return None


def _paragraphs(lines: list[str]) -> list[str]:
    """Lines grouped into paragraphs at blank lines, each joined into one line."""
    paragraphs, current = [], []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    return paragraphs


def read(text: str) -> Imported:
    """Read a fact check from plain text; `problems` says why when it cannot."""
    found = Imported()
    if not text or not text.strip():
        found.problems.append(_("The text is empty."))
        return found
    if len(text) > MAX_TEXT:
        found.problems.append(
            _("The text is %(length)s characters long; the limit is %(limit)s.")
            % {"length": f"{len(text):,}", "limit": f"{MAX_TEXT:,}"}
        )
        return found
    lines = _normalise(text)

    # The title asks a question: the line that says "Fact check", else the
    # question just before "Checked on", else the first question.
    questions = [
        i
        for i, line in enumerate(lines)
        if line.strip().endswith("?") and 10 <= len(line.strip()) <= 300
    ]
    before_checked = [
        i
        for i in questions
        if any(CHECKED.match(line) for line in lines[i + 1 : i + 4] if line.strip())
    ]
    title_at = next(
        (i for i in questions if TITLE_PREFIX.match(lines[i])),
        next(iter(before_checked), next(iter(questions), None)),
    )
    if title_at is None:
        found.problems.append(
            _(
                "No title was found: the fact check should start with its question, "
                "e.g. “Fact check: What evidence exists of …?”"
            )
        )
        return found
    found.skipped += [line.strip() for line in lines[:title_at] if line.strip()]
    question = TITLE_PREFIX.sub("", lines[title_at].strip())
    found.title = _("Fact check: %(question)s") % {"question": question}
    found.recognised.append(_("Title: %(title)s") % {"title": found.title})

    part, body = "preamble", []
    expected = 1

    def finish():
        nonlocal body
        paragraphs = _paragraphs(body)
        if part == "summary":
            found.summary = "\n\n".join(paragraphs)
        elif part == "section":
            heading, _old = found.sections[-1]
            found.sections[-1] = (heading, "\n\n".join(paragraphs))
        elif part == "sources":
            # Numbered entries, or entries with an address (a copied list
            # loses its numbers), are the source list; the rest is the note.
            notes = []
            for paragraph in (line for p in paragraphs for line in p.split("\n")):
                if entry := SOURCE_ENTRY.match(paragraph):
                    number = int(entry.group("bracketed") or entry.group("number"))
                    found.source_entries[number] = entry.group("text").strip()
                elif URL.search(paragraph):
                    found.source_entries[len(found.source_entries) + 1] = paragraph
                else:
                    notes.append(paragraph)
            found.sources_note = "\n\n".join(notes)
        elif part == "claims":
            found.skipped += paragraphs
        elif part == "preamble":
            # Text between the title and the summary, such as a byline.
            found.skipped += paragraphs
        body = []

    for line in lines[title_at + 1 :]:
        stripped = line.strip()
        if part == "related":
            if not stripped:
                continue
            question = BULLET.sub("", stripped)
            if question.endswith("?") and len(question) <= 300:
                found.related.append(question)
            else:
                part = "after"
                found.skipped.append(stripped)
            continue
        if part == "after":
            if stripped:
                found.skipped.append(stripped)
            continue
        match = CHECKED.match(stripped) if found.checked_on is None else None
        if match and (checked := parse_date(match.group("date"))):
            found.checked_on = checked
            found.recognised.append(
                _("Checked on %(date)s") % {"date": checked.isoformat()}
            )
            continue
        if part in ("preamble", "summary") and UPDATED.match(stripped):
            found.skipped.append(stripped)
            continue
        if part == "preamble" and SUMMARY.match(stripped):
            finish()
            part = "summary"
            continue
        match = SECTION.match(stripped) if part != "sources" else None
        if match and int(match.group("number")) == expected:
            finish()
            part = "section"
            heading = strip_heading_number(match.group("heading"))
            found.sections.append((heading, ""))
            expected += 1
            continue
        if (
            part in ("section", "summary", "claims")
            and (match := SOURCES.match(stripped))
            and (not match.group("rest") or stripped.lower().startswith("sources:"))
        ):
            finish()
            part = "sources"
            if match.group("rest"):
                body.append(match.group("rest"))
            continue
        if RELATED.match(stripped):
            finish()
            part = "related"
            continue
        if part == "section" and CLAIMS.match(stripped):
            finish()
            part = "claims"
            found.recognised.append(
                _("“Claims checked” was skipped: add the claims in the form.")
            )
            continue
        body.append(line)
    if part not in ("related", "after"):
        finish()

    if not found.sections:
        found.problems.append(
            _(
                "No numbered sections were found: each should start on its own line "
                "with its number, e.g. “1. The big tally”."
            )
        )
    numbers = set()
    for text_ in [found.summary, found.sources_note, *(b for _h, b in found.sections)]:
        for match in MARKER.finditer(text_):
            numbers.update(marker_numbers(match.group(1)) or [])
    found.citations = max(numbers, default=0)
    if found.citations > 500:
        found.problems.append(
            _("Citation [%(n)s] is past 500: is a number in brackets not a citation?")
            % {"n": found.citations}
        )
    for label, text_ in [
        (_("The summary"), found.summary),
        *(
            (_("Section %(n)s") % {"n": n}, b)
            for n, (_h, b) in enumerate(found.sections, 1)
        ),
    ]:
        found.problems += [
            f"{label}: {problem}" for problem in limits.text_problems(text_)
        ]
    found.problems += limits.article_problems(
        [found.summary, found.sources_note, *(b for _h, b in found.sections)]
    )
    found.recognised += [
        _("Executive summary (%(words)s words)") % {"words": len(found.summary.split())}
        if found.summary
        else _("No executive summary (add one before publishing)"),
        _("%(count)s sections: %(headings)s")
        % {
            "count": len(found.sections),
            "headings": "; ".join(
                f"{n}. {h}" for n, (h, _b) in enumerate(found.sections, 1)
            ),
        },
        _("%(count)s citations numbered 1 to %(count)s, to attach sources to")
        % {"count": found.citations}
        if found.citations
        else _("No citation markers such as [1] were found"),
        _("%(count)s related questions") % {"count": len(found.related)},
    ]
    if found.sources_note:
        found.recognised.append(_("The note on the sources"))
    if found.checked_on is None:
        found.recognised.append(_("No “Checked on” date (set one before publishing)"))
    return found


def _free_slug(title: str) -> str:
    base = slugify(title.removeprefix("Fact check:"))[:180].strip("-") or "fact-check"
    slug, n = base, 1
    while (
        Article.objects.filter(slug=slug).exists()
        or Publication.objects.filter(slug=slug).exists()
    ):
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_draft(imported: Imported, *, user=None) -> Article:
    """
    Create the draft the text describes, in one revision. Sources listed
    with an address already on file are attached; the other citations wait
    for one.
    """
    if not imported.readable:
        raise ValueError("Nothing can be created from unreadable text.")
    sources = {}
    for number, entry in imported.source_entries.items():
        if match := URL.search(entry):
            source = Source.objects.filter(
                url_key=normalize_url(match.group(0))
            ).first()
            if source:
                sources[number] = source
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(_("Imported from text."))
        article = Article.objects.create(
            title=imported.title,
            slug=_free_slug(imported.title),
            summary=imported.summary,
            checked_on=imported.checked_on,
            sources_note=imported.sources_note,
            # Whoever imports it writes it: the draft is on their desk.
            assigned_writer=user,
        )
        Section.objects.bulk_create(
            Section(article=article, position=n, heading=heading, body=body)
            for n, (heading, body) in enumerate(imported.sections, 1)
        )
        Citation.objects.bulk_create(
            Citation(article=article, position=n, source=sources.get(n))
            for n in range(1, imported.citations + 1)
        )
        RelatedQuestion.objects.bulk_create(
            RelatedQuestion(article=article, position=n, question=question)
            for n, question in enumerate(imported.related, 1)
        )
        # The revision follows the parts, which exist only now.
        reversion.add_to_revision(article)
        refresh_draft_digest(article)
    imported.recognised += [
        _("Source %(n)s attached: %(source)s") % {"n": n, "source": source}
        if n in sources
        else _("Source %(n)s as listed, to attach: %(entry)s")
        % {"n": n, "entry": entry}
        for n, entry in sorted(imported.source_entries.items())
    ]
    return article
