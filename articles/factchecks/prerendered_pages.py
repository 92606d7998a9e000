"""
The article page's own HTML, rendered once per version: the head (canonical
and sharing tags, structured data) and the article itself; and its card in
lists of fact checks. Serving a page
is then one query for the publication row, the base template and the
banner, whatever the article's size.

A version is rendered when it is published. The stored HTML records the
release that made it (release_key(): a digest of every template, the code
that renders and the package version), so a deploy that changes any of
them leaves stored pages stale; the deploy re-renders them before traffic
(`manage.py rerender_pages`, run by `make serve`). Until it has, a stale
page is rendered in memory for each request and never written: a GET does
not write to the database. Removing an earlier version from public view
changes what a later version's update history and structured data may
show, so `publishing.remove_version()` renders those again at once
(`rerender`). The stored HTML's own digest (`page_digest`) tells each
process's copy of it (articles.factchecks.article_page_query) that it changed.
"""

import hashlib
import logging
import tomllib
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.template import engines
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse

from . import jsonld
from .publications import Publication

logger = logging.getLogger(__name__)

# The code that renders: this package's modules (the templates' tags and
# filters, the text rendering, structured data, the content's shape) and
# the shared template tags.
CODE = (Path(__file__).parent, Path(settings.BASE_DIR) / "factually" / "templatetags")


def _files():
    """
    Every template file of every template directory, then the rendering
    code, each with a name that is the same wherever the code is installed
    (its directory's place in the search order, and its path within it).
    """
    directories = [
        Path(directory)
        for engine in engines.all()
        for directory in getattr(engine, "template_dirs", ())
    ]
    for index, directory in enumerate([*directories, *CODE]):
        pattern = "*.py" if directory in CODE else "*"
        for path in sorted(directory.rglob(pattern)):
            if path.is_file() and "migrations" not in path.parts:
                yield f"{index}:{path.relative_to(directory)}", path


def _version():
    pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
    with pyproject.open("rb") as file:
        return tomllib.load(file)["project"]["version"]


@cache
def release_key() -> str:
    """
    A digest of everything an article page's stored HTML is made by: every
    template (not only those named, since they include others), the code
    that renders and the package version. Computed once per process.
    """
    digest = hashlib.sha256(_version().encode())
    for name, path in _files():
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def absolute(path: str) -> str:
    if "://" in path:  # Already absolute: a file in an object store.
        return path
    return settings.SITE_URL.rstrip("/") + path


def related_links(content: dict) -> list[dict]:
    """
    Related questions with where they lead: the fact check answering one
    goes through /answers/<id>/, which finds its current address when a
    reader follows it, so the frozen link never goes stale.
    """
    links = []
    for item in content["related"]:
        # from=related: a search that finds nothing offers the ask form.
        query = urlencode({"q": item["question"], "from": "related"})
        if item["answer_id"]:
            url = f"{reverse('articles:answer', args=[item['answer_id']])}?{query}"
        else:
            url = f"{reverse('search')}?{query}"
        links.append({**item, "url": url, "answered": bool(item["answer_id"])})
    return links


def context(publication: Publication, removals=None) -> dict:
    """
    Everything the article page's own HTML is made from. `removals` are the
    fact check's versions removed from public view when the caller has them
    (`publications.removals_of()`); else they are read.
    """
    content = publication.page_content()
    url = absolute(publication.get_absolute_url())
    if removals is None:
        removals = publication.removals
    corrections = publication.corrections(removals)
    return {
        "publication": publication,
        "content": content,
        "history": publication.history(removals),
        "corrections": corrections,
        "related": related_links(content),
        "canonical_url": url,
        "structured_data": jsonld.for_publication(
            publication,
            url=url,
            absolute=absolute,
            logo_url=absolute(static("img/logo.png")),
            corrections=corrections,
        ),
    }


def render(publication: Publication, removals=None) -> tuple[str, str]:
    """The head and the article HTML of a publication (saved or not)."""
    page = context(publication, removals)
    return (
        render_to_string("articles/_article_head.html", page),
        render_to_string("articles/_article.html", page),
    )


def render_card(publication: Publication) -> str:
    """The publication's card in lists of fact checks, with its topics as frozen."""
    return render_to_string(
        "articles/_card.html",
        {"publication": publication, "topics": publication.page_content()["topics"]},
    )


def card(publication: Publication) -> str:
    """
    The card as stored, when this release rendered it; otherwise rendered
    now, in memory only (the deploy's `rerender_pages` stores it).
    """
    if publication.card_html and not is_stale(publication):
        return publication.card_html
    return render_card(Publication.objects.get(pk=publication.pk))


def page_digest(head: str, body: str) -> str:
    """A digest of a page's own HTML, naming it in caches."""
    digest = hashlib.sha256(head.encode())
    digest.update(b"\0")
    digest.update(body.encode())
    return digest.hexdigest()


def prerender(publication: Publication, removals=None) -> None:
    """
    Render an unsaved publication's page into it, before it is saved
    (`removals`: as for `context()`).
    """
    publication.page_head, publication.page_body = render(publication, removals)
    publication.card_html = render_card(publication)
    publication.rendered_with = release_key()
    publication.page_digest = page_digest(publication.page_head, publication.page_body)


def is_stale(publication: Publication) -> bool:
    """Whether the stored HTML was rendered by another release."""
    return publication.rendered_with != release_key()


def rendered(publication: Publication) -> Publication:
    """
    The publication with its page HTML from the current release: stored
    HTML as it is; HTML of another release rendered now, in memory only
    (the deploy's `rerender_pages` stores it; a GET never writes).
    """
    if is_stale(publication):
        logger.warning(
            "Publication %s was rendered by another release; rendered for this "
            "request only. Run `manage.py rerender_pages`.",
            publication.pk,
        )
        prerender(publication)
    return publication


def rerender(publication: Publication) -> None:
    """Render a saved publication by the current release and store it."""
    prerender(publication)
    Publication.objects.filter(pk=publication.pk).update(
        page_head=publication.page_head,
        page_body=publication.page_body,
        card_html=publication.card_html,
        rendered_with=publication.rendered_with,
        page_digest=publication.page_digest,
    )
