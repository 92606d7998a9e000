"""
Brotli for responses, the counterpart of Django's GZipMiddleware.

Behind nginx the proxy compresses (deploy/nginx.conf); a bare gunicorn
sends what these two middleware make: brotli to browsers that accept it
(all current ones, over HTTPS), gzip to the rest. List it after
GZipMiddleware, so that it sees the response first and gzip leaves alone
what it compressed.
"""

import re

import brotli
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

# Fast enough to run on every cache miss of a large page (a few
# milliseconds for 160 KB) and still smaller than gzip's best.
QUALITY = 5
MIN_LENGTH = 200

_accepts_br = re.compile(r"\bbr\b")


def compress(content, encoding):
    """`content` in `encoding` ("br" or "gzip"), as these middleware make it."""
    if encoding == "br":
        return brotli.compress(content, mode=brotli.MODE_TEXT, quality=QUALITY)
    if encoding == "gzip":
        return compress_string(content)
    raise ValueError(f"No such encoding here: {encoding!r}")


class BrotliMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.streaming or response.has_header("Content-Encoding"):
            return response
        if len(response.content) < MIN_LENGTH:
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not _accepts_br.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        compressed = compress(response.content, "br")
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response["Content-Length"] = str(len(compressed))
        # The bytes differ from the identity body's: a strong validator
        # would claim they are the same (RFC 9110, 8.8.3).
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response["ETag"] = "W/" + etag
        response["Content-Encoding"] = "br"
        return response
