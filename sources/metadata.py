"""
A source's details from its own page: title, publisher, authors and date,
read from the page's metadata (Highwire `citation_*` and Dublin Core meta
tags, JSON-LD, OpenGraph, the HTML title) and, for a DOI, from the DOI
resolver's citation data.

Fetching is real HTTP, made safe for a server to do on an editor's behalf:
http(s) only, one overall deadline, a size cap, a few redirects, and never to a
private, loopback or otherwise internal address. The host is resolved once
per request, every address it resolves to is checked, and the connection
goes to the checked address, so that DNS cannot answer differently between
the check and the connection; each redirect is checked the same way.
`SOURCE_FETCH_ALLOW_LOOPBACK` lets tests fetch from 127.0.0.1 only.
"""

import contextlib
import http.client
import io
import ipaddress
import json
import re
import socket
import ssl
import time
from dataclasses import asdict, dataclass
from datetime import date
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT = 5  # Seconds for the whole fetch, redirects included.
MAX_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 4
USER_AGENT = "FactuallySourceFetcher/1.0 (+https://factually.example/)"
DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>]+)", re.IGNORECASE)
DOI_HOSTS = {"doi.org", "dx.doi.org", "www.doi.org"}
CSL_JSON = "application/vnd.citationstyles.csl+json"


class FetchError(Exception):
    """Why a page could not be fetched, in words an editor can act on."""


@dataclass
class Metadata:
    url: str = ""  # Where the page was in the end, after redirects.
    title: str = ""
    publisher: str = ""
    authors: str = ""
    published_on: date | None = None
    date_precision: str = "day"
    doi: str = ""

    def as_form_data(self) -> dict:
        data = asdict(self)
        data["published_on"] = (
            self.published_on.isoformat() if self.published_on else ""
        )
        return data


@dataclass
class Response:
    url: str
    status: int
    content_type: str
    body: bytes


# Fetching.


def _allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if getattr(settings, "SOURCE_FETCH_ALLOW_LOOPBACK", False) and ip.is_loopback:
        return True
    return ip.is_global and not ip.is_multicast


def _resolve(host: str, port: int) -> str:
    """The address to connect to, refusing a host with any internal address."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(
            _("The address %(host)s was not found.") % {"host": host}
        ) from error
    addresses = [info[4][0] for info in infos]
    if not addresses or not all(_allowed(address) for address in addresses):
        raise FetchError(
            _(
                "%(host)s is a private or local address; only public sites can be fetched."
            )
            % {"host": host}
        )
    return addresses[0]


class _Deadline:
    """One moment by which the whole fetch must be over."""

    def __init__(self, seconds: float):
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left; raises TimeoutError once there are none."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise TimeoutError("The fetch's deadline passed.")
        return left


class _DeadlineSocket:
    """
    A socket whose every send and receive may take only the time left
    before the deadline. A socket timeout alone bounds each read, not their
    sum: a site sending a byte a second never trips it, through its headers
    as well as its body.
    """

    def __init__(self, sock, deadline: _Deadline):
        self._sock = sock
        self._deadline = deadline
        # As socket.socket does: http.client closes the connection while
        # the response is still being read through the file it made.
        self._files = 0
        self._closed = False

    def recv_into(self, buffer, nbytes=0):
        self._sock.settimeout(self._deadline.remaining())
        return self._sock.recv_into(buffer, nbytes)

    def sendall(self, data):
        self._sock.settimeout(self._deadline.remaining())
        return self._sock.sendall(data)

    def makefile(self, mode="rb", buffering=None, **_kwargs):
        # What http.client reads the response through: every read ends up
        # in recv_into() above.
        self._files += 1
        return io.BufferedReader(socket.SocketIO(self, "rb"))

    def _decref_socketios(self):
        # Called by the file from makefile() when it is closed.
        self._files = max(self._files - 1, 0)
        if self._closed and not self._files:
            self._sock.close()

    def close(self):
        self._closed = True
        if not self._files:
            self._sock.close()

    def __getattr__(self, name):
        return getattr(self._sock, name)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to an address checked beforehand, not to whatever DNS says now."""

    def __init__(self, host, address, *, deadline, **kwargs):
        super().__init__(host, **kwargs)
        self.address = address
        self.deadline = deadline

    def connect(self):
        sock = socket.create_connection(
            (self.address, self.port), self.deadline.remaining()
        )
        self.sock = _DeadlineSocket(sock, self.deadline)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, address, *, deadline, **kwargs):
        super().__init__(host, context=ssl.create_default_context(), **kwargs)
        self.address = address
        self.deadline = deadline

    def connect(self):
        sock = socket.create_connection(
            (self.address, self.port), self.deadline.remaining()
        )
        # Certificates are checked against the host name, as usual; the
        # handshake too must end before the deadline.
        sock.settimeout(self.deadline.remaining())
        sock = self._context.wrap_socket(sock, server_hostname=self.host)
        self.sock = _DeadlineSocket(sock, self.deadline)


def fetch(url: str, *, accept: str = "text/html,application/xhtml+xml") -> Response:
    """
    GET a public http(s) address, following a few redirects, within limits:
    all of it, redirects included, within TIMEOUT seconds.
    """
    deadline = _Deadline(TIMEOUT)
    for _redirect in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(_("Only http:// and https:// addresses can be fetched."))
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = _resolve(parts.hostname, port)
        connection_class = (
            _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
        )
        connection = connection_class(
            parts.hostname, address, port=port, deadline=deadline
        )
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            deadline.remaining()
            connection.request(
                "GET", path, headers={"User-Agent": USER_AGENT, "Accept": accept}
            )
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise FetchError(_("The site redirected nowhere."))
                url = urljoin(url, location)
                continue
            body = b""
            while len(body) <= MAX_BYTES:
                deadline.remaining()
                chunk = response.read1(64 * 1024)
                if not chunk:
                    break
                body += chunk
            if len(body) > MAX_BYTES:
                raise FetchError(_("The page is too large to read (over 2 MB)."))
            return Response(
                url=url,
                status=response.status,
                content_type=response.getheader("Content-Type", ""),
                body=body,
            )
        except TimeoutError as error:
            raise FetchError(_("The site took too long to answer.")) from error
        except (OSError, http.client.HTTPException) as error:
            raise FetchError(
                _("The site could not be reached (%(reason)s).") % {"reason": error}
            ) from error
        finally:
            connection.close()
    raise FetchError(_("The site redirected too many times."))


# Reading.


class _MetaParser(HTMLParser):
    """Collects <title>, <meta> tags and JSON-LD blocks; ignores the rest."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta = {}  # lowercased name or property -> [values]
        self.title = ""
        self.json_ld = []
        self._in = None
        self._buffer = []

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "meta":
            key = (attrs.get("name") or attrs.get("property") or "").lower()
            if key and attrs.get("content", "").strip():
                self.meta.setdefault(key, []).append(attrs["content"].strip())
        elif tag == "title" and not self.title:
            self._in, self._buffer = "title", []
        elif tag == "script" and attrs.get("type", "").lower() == "application/ld+json":
            self._in, self._buffer = "json_ld", []

    def handle_data(self, data):
        if self._in:
            self._buffer.append(data)

    def handle_endtag(self, tag):
        if self._in == "title" and tag == "title":
            self.title = " ".join("".join(self._buffer).split())
            self._in = None
        elif self._in == "json_ld" and tag == "script":
            with contextlib.suppress(ValueError):
                self.json_ld.append(json.loads("".join(self._buffer)))
            self._in = None


def _json_ld_items(blocks):
    for block in blocks:
        items = block if isinstance(block, list) else [block]
        for item in items:
            if isinstance(item, dict):
                yield item
                yield from (i for i in item.get("@graph", []) if isinstance(i, dict))


def _names(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    return []


def parse_date(text: str) -> tuple[date | None, str]:
    """A date and its precision from "2024-03-05", "2024/03", "2024" and the like."""
    match = re.match(r"\s*(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?", text or "")
    if not match:
        return None, "day"
    year, month, day = match.groups()
    try:
        return date(int(year), int(month or 1), int(day or 1)), (
            "day" if day else "month" if month else "year"
        )
    except ValueError:
        return None, "day"


def _join_authors(names) -> str:
    names = list(dict.fromkeys(" ".join(n.split()) for n in names if n and n.strip()))
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def parse_html(html: str, *, url: str = "") -> Metadata:
    """The source's details from a page's metadata, best sources first."""
    parser = _MetaParser()
    parser.feed(html)
    parser.close()
    meta = parser.meta

    def first(*keys):
        for key in keys:
            if meta.get(key):
                return meta[key][0]
        return ""

    ld = next(
        (
            item
            for item in _json_ld_items(parser.json_ld)
            if item.get("headline") or item.get("name")
        ),
        {},
    )
    found = Metadata(url=url)
    found.title = " ".join(
        (
            first("citation_title", "dc.title", "dcterms.title")
            or (ld.get("headline") or ld.get("name") or "")
            or first("og:title", "twitter:title")
            or parser.title
        ).split()
    )
    found.publisher = (
        first(
            "citation_publisher",
            "citation_journal_title",
            "dc.publisher",
            "dcterms.publisher",
        )
        or next(iter(_names(ld.get("publisher"))), "")
        or first("og:site_name")
    )
    authors = (
        meta.get("citation_author")
        or meta.get("dc.creator")
        or meta.get("dcterms.creator")
        or _names(ld.get("author"))
        or meta.get("author")
        or meta.get("article:author")
    )
    found.authors = _join_authors(authors or [])
    found.published_on, found.date_precision = parse_date(
        first(
            "citation_publication_date",
            "citation_date",
            "dc.date",
            "dcterms.issued",
            "dcterms.date",
        )
        or ld.get("datePublished", "")
        or first("article:published_time", "date")
    )
    doi = first("citation_doi", "dc.identifier", "prism.doi")
    if match := DOI.search(doi):
        found.doi = match.group(1)
    return found


def parse_csl_json(data: dict, *, url: str = "") -> Metadata:
    """The details from a DOI's citation data (CSL JSON)."""
    title = data.get("title") or ""
    if isinstance(title, list):
        title = title[0] if title else ""
    authors = [
        " ".join(part for part in (person.get("given"), person.get("family")) if part)
        or person.get("literal", "")
        for person in data.get("author", [])
        if isinstance(person, dict)
    ]
    parts = (data.get("issued") or {}).get("date-parts") or [[]]
    published = "-".join(str(p) for p in parts[0] if p) if parts and parts[0] else ""
    published_on, precision = parse_date(published)
    return Metadata(
        url=url,
        title=" ".join(str(title).split()),
        publisher=data.get("publisher") or data.get("container-title") or "",
        authors=_join_authors(authors),
        published_on=published_on,
        date_precision=precision,
        doi=data.get("DOI", ""),
    )


def _doi_of(url: str) -> str:
    parts = urlsplit(url)
    if (parts.hostname or "").lower() in DOI_HOSTS and (
        match := DOI.search(parts.path)
    ):
        return match.group(1)
    return ""


def doi_url(doi: str) -> str:
    resolver = getattr(settings, "SOURCE_DOI_RESOLVER", "https://doi.org/")
    return resolver + quote(doi, safe="/")


def look_up(url: str) -> Metadata:
    """
    The details of the document at `url`, from its page or, for a DOI, from
    the DOI's citation data. Raises FetchError saying why it could not.
    """
    if doi := _doi_of(url):
        response = fetch(doi_url(doi), accept=CSL_JSON)
        if response.status == 200 and "json" in response.content_type:
            try:
                return parse_csl_json(json.loads(response.body), url=url)
            except (ValueError, AttributeError) as error:
                raise FetchError(
                    _("The DOI's citation data could not be read.")
                ) from error
        raise FetchError(
            _("The DOI was not found (%(status)s).") % {"status": response.status}
        )
    response = fetch(url)
    if response.status >= 400:
        raise FetchError(
            _("The site answered %(status)s: the page may be gone or private.")
            % {"status": response.status}
        )
    if "html" not in response.content_type and response.content_type:
        raise FetchError(
            _("This is not a web page (%(type)s); fill in its details by hand.")
            % {"type": response.content_type.split(";")[0]}
        )
    charset = "utf-8"
    if match := re.search(r"charset=([\w-]+)", response.content_type):
        charset = match.group(1)
    try:
        html = response.body.decode(charset, errors="replace")
    except LookupError:
        html = response.body.decode("utf-8", errors="replace")
    found = parse_html(html, url=response.url)
    found.url = url
    return found
