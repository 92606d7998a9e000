"""
The article page's own HTML, rendered once per version: the head (canonical
and sharing tags, structured data) and the article itself. Serving a page
is then one query for the publication row, the base template and the
banner, whatever the article's size.

A version is rendered when it is published. The stored HTML records which
templates made it (`RENDER_KEY`, a digest of their source), so a deploy
that changes those templates has each version rendered again the first
time it is served, once.
"""

import hashlib
from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.template import engines
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse

from . import jsonld
from .publications import Publication

TEMPLATES = ("articles/_article_head.html", "articles/_article.html")


@cache
def render_key() -> str:
    """A digest of the templates that make an article page's own HTML."""
    digest = hashlib.sha256()
    for name in TEMPLATES:
        template = engines["django"].get_template(name)
        digest.update(template.template.source.encode())
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


def context(publication: Publication) -> dict:
    """Everything the article page's own HTML is made from."""
    content = publication.page_content()
    url = absolute(publication.get_absolute_url())
    return {
        "publication": publication,
        "content": content,
        "related": related_links(content),
        "canonical_url": url,
        "structured_data": jsonld.for_publication(
            publication,
            url=url,
            absolute=absolute,
            logo_url=absolute(static("img/logo.png")),
        ),
    }


def render(publication: Publication) -> tuple[str, str]:
    """The head and the article HTML of a publication (saved or not)."""
    page = context(publication)
    return (
        render_to_string("articles/_article_head.html", page),
        render_to_string("articles/_article.html", page),
    )


def prerender(publication: Publication) -> None:
    """Render an unsaved publication's page into it, before it is saved."""
    publication.page_head, publication.page_body = render(publication)
    publication.rendered_with = render_key()


def rendered(publication: Publication) -> Publication:
    """
    The publication with its page HTML from the current templates: stored
    ones as they are, others rendered now and stored, once.
    """
    if publication.rendered_with != render_key():
        prerender(publication)
        Publication.objects.filter(pk=publication.pk).update(
            page_head=publication.page_head,
            page_body=publication.page_body,
            rendered_with=publication.rendered_with,
        )
    return publication
