"""
Pieces: parts of many pages that change on their own (the donation banner),
joined into each page as it is served, so that changing one retires no page.

An app registers a piece (register()): its name, the generation key that
every change to it bumps, and a function giving its HTML now with the
generation that HTML was made under. A template puts hole(request, name)
where the piece goes: on a request the page cache handles, a marker no page
can otherwise hold (a NUL byte: PostgreSQL text cannot contain one), which
PiecesMiddleware, below the compression middleware, replaces with the
piece before the response is compressed, keeping the page's text in parts
(what is around each piece) on the request.

The page cache stores those parts with the page and the generation of each
piece in it. A hit whose pieces are still current serves the stored bytes
as they are; one whose piece has changed since joins the parts with the
piece as it is now, compresses them as the entry was, serves that and
stores it in place: the view does not run, and the page's entry stays.
"""

from django.utils.safestring import mark_safe

# name -> (generation key, function giving (generation, html) now)
_registry = {}


def register(name, *, key, render):
    """Declare the piece `name`, which changes with the generation at `key`."""
    _registry[name] = (key, render)


def keys():
    """The generation keys of every piece, to read with each page."""
    return sorted({key for key, _ in _registry.values()})


def marker(name):
    return f"\x00piece:{name}\x00"


def hole(request, name):
    """
    Where the piece `name` goes in the page being rendered for `request`:
    a marker, when the page cache handles the request (it joins the piece in
    and keeps the page around it), else None (render the piece itself).
    """
    if request is None or getattr(request, "page_cache_generations", None) is None:
        return None
    used(request, name)
    return mark_safe(marker(name))


def used(request, name):
    """Say that the page rendered for `request` holds the marker of `name`."""
    names = getattr(request, "page_cache_pieces", None)
    if names is None:
        names = request.page_cache_pieces = []
    if name not in names:
        names.append(name)


def render(name):
    """The piece's generation and HTML now."""
    _, make = _registry[name]
    return make()


def split(content, names):
    """
    `content` (bytes) cut at the markers of `names`: literal bytes and piece
    names in turn, or None when a marker is not there exactly once.
    """
    found = []
    for name in names:
        mark = marker(name).encode()
        at = content.find(mark)
        if at < 0 or content.count(mark) != 1:
            return None
        found.append((at, name, len(mark)))
    parts, start = [], 0
    for at, name, length in sorted(found):
        parts += [content[start:at], name]
        start = at + length
    parts.append(content[start:])
    return tuple(parts)


def join(parts):
    """
    The page's bytes from `parts` (split()) with each piece as it is now,
    and the generation of each piece used, by its key (None: unknown).
    """
    html, state = {}, {}
    for name in parts[1::2]:
        key, _ = _registry[name]
        state[key], html[name] = render(name)
    content = b"".join(
        html[part].encode() if index % 2 else part for index, part in enumerate(parts)
    )
    return content, state


class PiecesMiddleware:
    """
    Join the pieces into pages that left holes for them. Sits below the
    compression middleware (the markers are replaced before compressing)
    and leaves on the request what the page cache stores with the page:
    its parts and the generation of each piece (page_cache_parts).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        names = getattr(request, "page_cache_pieces", None)
        if not names or response.streaming:
            return response
        parts = split(response.content, names)
        if parts is None:
            # A piece twice, or lost: fill every marker, keep nothing.
            content = response.content
            for name in names:
                content = content.replace(
                    marker(name).encode(), render(name)[1].encode()
                )
            response.content = content
            request.page_cache_parts = None
        else:
            response.content, state = join(parts)
            request.page_cache_parts = (parts, state)
        if response.has_header("Content-Length"):
            # Set below (CommonMiddleware) for the page with its holes.
            response["Content-Length"] = str(len(response.content))
        return response
