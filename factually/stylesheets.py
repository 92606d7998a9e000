"""
The site's stylesheets, inlined into the head of every public page.

Two small hand-written files (site.css and donations.css, about 6 KB
compressed) are what every page needs before it can paint; linked, they are
two requests that block rendering on a slow phone connection. Inlined, the
first response paints. Content-Security-Policy stays strict: the inlined
text is allowed by its SHA-256 hash (settings.SECURE_CSP's style-src), not
by 'unsafe-inline'. The text is read from the source files once per process,
and the settings take the hash of the same text, so the two cannot differ.
The print stylesheet stays a link: it never blocks rendering.

Plain Python, no Django: settings.py imports it.
"""

import base64
import hashlib
from functools import cache
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static"
INLINED = ("css/site.css", "css/donations.css")


@cache
def inline_css() -> str:
    """The text of the inlined stylesheets, as the page carries it."""
    return "\n".join((STATIC / name).read_text(encoding="utf-8") for name in INLINED)


def csp_source() -> str:
    """The style-src source that allows exactly that text: 'sha256-…'."""
    digest = hashlib.sha256(inline_css().encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"
