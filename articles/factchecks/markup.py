"""
Article text: Markdown (CommonMark, plus tables and strikethrough) with
citation markers, rendered to sanitised HTML once, at publish time.

`[1]`, `[1][3]` and `[1, 3]` cite the article's citations by position. Each
marker becomes a superscript link to `#source-N` with a unique id, so the
source list can link back to every place a source is cited. Whatever HTML an
editor writes or pastes goes through an allow-list sanitiser last.

The ids, labels and classes the page relies on (`cite-N-M`, "Source N",
`cite`) are produced only by this renderer: it writes them with a secret
mark made for each render, and the sanitiser keeps such an attribute only
when it carries the mark (which it strips). The same attribute in an
editor's HTML has no mark and is dropped, so pasted `<a id="cite-1-1">` or
`<sup class="cite">` cannot plant a second anchor or pass for a citation.
"""

import contextvars
import html
import re
import secrets
import unicodedata
from dataclasses import dataclass, field

import nh3
from django.utils.html import strip_tags
from django.utils.text import Truncator
from markdown_it import MarkdownIt

# One number or a range ("1-3", "1–3") per item, items separated by commas.
_MARKER_ITEM = r"\d{1,4}(?:[ \t]*[-\u2013][ \t]*\d{1,4})?"
MARKER = re.compile(rf"\[({_MARKER_ITEM}(?:[ \t]*,[ \t]*{_MARKER_ITEM})*)\]")
# A range cites every number in it; a longer one is more likely a typo (or
# an attempt to make one marker render thousands of links) than a citation.
MAX_RANGE = 20
# Invisible characters that can reorder or hide text (bidi overrides and
# isolates, zero-width joiners used to split words) or break parsers (NUL).
INVISIBLE = re.compile(
    "[\u0000\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h3", "h4",
    "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub",
    "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "aria-label"},
    "abbr": {"title"},
    "ol": {"start"},
    "sup": {"class"},
    "td": {"align"},
    "th": {"align"},
}
# Attributes that only the renderer may set, with the values it sets.
OWN_ATTRIBUTES = {
    ("a", "id"): re.compile(r"cite-\d+-\d+"),
    ("a", "aria-label"): re.compile(r"Source \d+"),
    ("sup", "class"): re.compile(r"cite(?: cite--missing)?"),
}

# The secret mark of the render in progress (none outside render()).
_mark = contextvars.ContextVar("citation_mark", default="")

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style", "template", "textarea", "title"},
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
    attribute_filter=lambda tag, attribute, value: _filter_attribute(
        tag, attribute, value
    ),
)


def _filter_attribute(tag, attribute, value):
    allowed = OWN_ATTRIBUTES.get((tag, attribute))
    if allowed is None:
        return value
    mark = _mark.get()
    if not mark or not value.startswith(mark):
        return None  # An editor's, however it looks.
    value = value.removeprefix(mark)
    return value if allowed.fullmatch(value) else None


@dataclass
class CitationIndex:
    """Shared state while rendering the texts of one article."""

    numbers: set
    location: str = ""
    backlinks: dict = field(default_factory=dict)  # number -> [anchor ids]
    missing: list = field(default_factory=list)  # (location, marker)


def _citation_rule(state, silent):
    if state.src[state.pos] != "[":
        return False
    match = MARKER.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    # "[1](https://…)" is a link whose text is a number, not a citation.
    if match.end() < state.posMax and state.src[match.end()] == "(":
        return False
    numbers = marker_numbers(match.group(1))
    if numbers is None:
        return False
    if not silent:
        # Keep a marker on the same line as the word before it.
        if state.pending.endswith(" "):
            state.pending = state.pending[:-1] + "\u00a0"
        token = state.push("citation", "", 0)
        token.meta = {"numbers": numbers}
    state.pos = match.end()
    return True


def marker_numbers(inside: str) -> list[int] | None:
    """
    The citation numbers of a marker's inside ("1, 3–5" is 1, 3, 4, 5), or
    None when a range runs backwards or spans more than MAX_RANGE numbers.
    """
    numbers = []
    for item in inside.split(","):
        first, _dash, last = item.replace("\u2013", "-").partition("-")
        start, end = int(first), int(last or first)
        if end < start or end - start >= MAX_RANGE:
            return None
        numbers.extend(range(start, end + 1))
    return numbers


def _render_citation(renderer, tokens, index, options, env):
    citations: CitationIndex = env["citations"]
    mark = env["mark"]
    links = []
    for number in tokens[index].meta["numbers"]:
        if number not in citations.numbers:
            citations.missing.append((citations.location, f"[{number}]"))
            links.append(f'<sup class="{mark}cite cite--missing">[{number}]</sup>')
            continue
        anchors = citations.backlinks.setdefault(number, [])
        anchor = f"cite-{number}-{len(anchors) + 1}"
        anchors.append(anchor)
        links.append(
            f'<sup class="{mark}cite"><a href="#source-{number}" id="{mark}{anchor}" '
            f'aria-label="{mark}Source {number}">[{number}]</a></sup>'
        )
    return "".join(links)


def _demote_headings(state):
    # The page owns h1 (the question) and h2 (section headings), so headings
    # inside a text start at h3.
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"


def _build_markdown():
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.add_render_rule("citation", _render_citation)
    md.core.ruler.push("demote_headings", _demote_headings)
    return md


_markdown = _build_markdown()


def clean_text(text: str) -> str:
    return INVISIBLE.sub("", unicodedata.normalize("NFC", text or ""))


def render(text: str, citations: CitationIndex, *, location: str) -> str:
    """Render one Markdown text of an article to sanitised HTML."""
    citations.location = location
    mark = secrets.token_hex(16)
    rendered = _markdown.render(
        clean_text(text), {"citations": citations, "mark": mark}
    )
    token = _mark.set(mark)
    try:
        return _cleaner.clean(rendered).strip()
    finally:
        _mark.reset(token)


def plain_text(text: str, *, words: int | None = None) -> str:
    """Markdown reduced to plain text without citation markers, for excerpts."""
    without_markers = re.sub(r"[ \t]*" + MARKER.pattern, "", clean_text(text))
    rendered = _markdown.render(
        without_markers, {"citations": CitationIndex(numbers=set()), "mark": ""}
    )
    plain = " ".join(html.unescape(strip_tags(_cleaner.clean(rendered))).split())
    if words:
        plain = Truncator(plain).words(words, truncate="…")
    return plain


_page_markdown = MarkdownIt("commonmark", {"html": True}).enable(
    ["table", "strikethrough"]
)
# An about page's own sections are h2 under its title.
_page_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS | {"h2"},
    clean_content_tags={"script", "style", "template", "textarea", "title"},
    attributes={**ALLOWED_ATTRIBUTES, "a": {"href", "title"}},
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
)


def render_page(text: str) -> str:
    """Render the Markdown of an about page (no citations) to sanitised HTML."""
    return _page_cleaner.clean(_page_markdown.render(clean_text(text))).strip()
