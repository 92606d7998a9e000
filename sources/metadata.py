"""
A source's details from its own page: title, publisher, authors and date,
read from the page's metadata (Highwire `citation_*` and Dublin Core meta
tags, JSON-LD, OpenGraph, the HTML title) and, for a DOI, from the DOI
resolver's citation data. The page is fetched by `sources.fetching`, whose
FetchError says why it could not be.
"""

import contextlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import date
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from .fetching import FetchError, fetch

DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>]+)", re.IGNORECASE)
DOI_HOSTS = {"doi.org", "dx.doi.org", "www.doi.org"}
CSL_JSON = "application/vnd.citationstyles.csl+json"


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
