"""
The article page around the article's own HTML, rendered once per process.

An article page is articles/article_detail.html: base.html (the header, the
donation banner, the inlined stylesheets, the footer) around the version's
pre-rendered head and body (articles.factchecks.prerendered_pages), with the title and the
excerpt in <title> and the description. Everything but those four is the
same for every article, so a cache miss need not render it: the template
is rendered once with a marker in place of each of the four, and split at
the markers into the frame; a page is then the frame's pieces joined with
the article's escaped title and excerpt and its stored HTML, the same bytes
the template gives.

A frame is kept for what it is made from: the site generation the page
cache read for the request (every deploy, topic or author change replaces
it), whether the page asks for donations, and the language. The donation
banner is not in it: the frame leaves a hole where the banner goes, which
the page cache fills as it serves the page (factually/pagecache/pieces.py). Only anonymous readers' pages use it (the page
cache read their generation: `request.page_cache_generations`), so nothing
that depends on a signed-in user could be kept; the header's navigation
marks only the pages it links to, never an article's address. With DEBUG
on, every page is rendered, so that template edits show at once.
"""

import secrets
from types import SimpleNamespace

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from factually import pagecache
from factually.lru import LRU

TEMPLATE = "articles/article_detail.html"
# Frames this process keeps: one per site generation and ask/no-ask, so a few.
SIZE = 16

# Markers no article's text can contain: a NUL byte and a token of this
# process. Escaping leaves them as they are.
_TOKEN = secrets.token_hex(8)
TITLE, EXCERPT, HEAD, BODY = (
    f"\x00{name}-{_TOKEN}\x00" for name in ("title", "excerpt", "head", "body")
)

_frames = LRU(SIZE)


def context(publication):
    """What the article page template needs around the pre-rendered HTML."""
    return {
        "publication": publication,
        "no_donation_ask": publication.no_donation_ask,
        "page_head": mark_safe(publication.page_head),
        "page_body": mark_safe(publication.page_body),
    }


MARKERS = frozenset((TITLE, EXCERPT, HEAD, BODY))


def split(html):
    """
    The rendered frame as pieces: literal text, and the markers in between
    (each once), or None when the template did not use each marker once.
    """
    found = sorted(
        (html.find(marker), marker) for marker in (TITLE, EXCERPT, HEAD, BODY)
    )
    if any(at < 0 or html.count(marker) != 1 for at, marker in found):
        return None
    pieces, start = [], 0
    for at, marker in found:
        pieces += [html[start:at], marker]
        start = at + len(marker)
    pieces.append(html[start:])
    return tuple(pieces)


def frame(request, no_donation_ask):
    """
    The pieces of the frame, rendered now, and the names of the page pieces
    (the banner) it leaves holes for; None when it cannot be kept (the page
    used something of this request's own, or the template does not show
    each field once).
    """
    stand_in = SimpleNamespace(
        title=TITLE, excerpt=EXCERPT, no_donation_ask=no_donation_ask
    )
    stand_in.page_head, stand_in.page_body = HEAD, BODY
    html = render(request, TEMPLATE, context(stand_in)).content.decode()
    if per_request(request):
        return None
    pieces = split(html)
    if pieces is None:
        return None
    return pieces, tuple(getattr(request, "page_cache_pieces", ()))


def per_request(request):
    """
    Whether rendering used something of this request's own: a CSRF token
    or a Content-Security-Policy nonce (true once it has been generated).
    A frame holding either cannot serve another request.
    """
    return bool(
        request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or getattr(request, "_csp_nonce", None)
    )


def page(request, publication):
    """The article page's response: from a kept frame when it can be."""
    generation = None
    if getattr(request, "page_cache_generations", None) is not None:
        generation = pagecache.site_generation(request)
    if generation is None or settings.DEBUG:
        return render(request, TEMPLATE, context(publication))
    no_ask = publication.no_donation_ask
    key = (generation, no_ask, translation.get_language())
    kept = _frames.get(key)
    if kept is None:
        kept = frame(request, no_ask)
        if kept is None:
            return render(request, TEMPLATE, context(publication))
        pieces, holes = kept
        # The literal pieces encoded once; the markers stay text.
        pieces = tuple(
            piece if piece in MARKERS else piece.encode() for piece in pieces
        )
        kept = pieces, holes
        _frames.put(key, kept)
    pieces, holes = kept
    for name in holes:
        # The page cache joins the banner in where the frame left its hole.
        pagecache.pieces.used(request, name)
    head, body = _encoded_html(publication)
    fields = {
        TITLE: conditional_escape(publication.title).encode(),
        EXCERPT: conditional_escape(publication.excerpt).encode(),
        HEAD: head,
        BODY: body,
    }
    return HttpResponse(
        b"".join(fields[piece] if piece in MARKERS else piece for piece in pieces)
    )


def _encoded_html(publication):
    """The page's own HTML as bytes: as page_query kept it, if still current."""
    kept = getattr(publication, "page_bytes", None)
    if kept is not None and kept[0] == publication.rendered_with:
        return kept[1:]
    return publication.page_head.encode(), publication.page_body.encode()
