"""
Every model of the articles app, imported here so that Django registers
them and so that code outside the app has one place to import them from.
Each is defined in the package of its context: fact checks and their public
record (articles.factchecks), the newsroom's workflow (articles.newsroom),
readers' questions and search (articles.readers). The app label, the
tables and the content types stay "articles", so revisions and migrations
are untouched by where a model is defined.

Code inside articles.factchecks imports models from their own modules, not
from here: this module imports the newsroom and readers too.
"""

from .factchecks.about_pages import Page, PageVersion
from .factchecks.article_parts import (
    POSITION_OFFSET,
    ArticleChild,
    Citation,
    CitationManager,
    Claim,
    RelatedQuestion,
    Section,
)
from .factchecks.models import Article, Author, Topic
from .factchecks.publications import Publication, PublicationQuerySet
from .factchecks.ratings import Rating, rating_value
from .factchecks.removals import VersionRemoval
from .factchecks.state import NewsroomQuerySet, PublicationState
from .newsroom.models import Notification, PreviewLink, ReviewComment
from .readers.models import ReaderQuestion, SearchWord

__all__ = [
    "POSITION_OFFSET",
    "Article",
    "ArticleChild",
    "Author",
    "Citation",
    "CitationManager",
    "Claim",
    "NewsroomQuerySet",
    "Notification",
    "Page",
    "PageVersion",
    "PreviewLink",
    "Publication",
    "PublicationQuerySet",
    "PublicationState",
    "Rating",
    "ReaderQuestion",
    "RelatedQuestion",
    "ReviewComment",
    "SearchWord",
    "Section",
    "Topic",
    "VersionRemoval",
    "rating_value",
]
