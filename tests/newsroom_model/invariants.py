"""
The newsroom's promises (I1–I6 of issue 19, DESIGN.md "The promises"),
each checked from what is stored and what an anonymous reader is served,
never from the code that is meant to keep it. Each check returns the
broken promises it finds, one sentence each, naming the invariant.
"""

import json
import re
import unicodedata
from difflib import SequenceMatcher

from reversion.models import Revision, Version

from articles.models import Article, Publication
from audit.models import AuditEntry
from sources.models import Source

from .reader import Reader
from .world import TOKEN

WITHDRAWAL = Publication.Kind.WITHDRAWAL
# Kinds that may carry a verdict change: the model reads the one list.
VERDICT_KINDS = set(Publication.VERDICT_KINDS)
# Words a typo fix may never touch: they turn a claim around.
LOADED_WORDS = {
    *["no", "not", "never", "yes", "all", "none", "more", "less", "most"],
    *["least", "fewer", "some", "every", "true", "false", "nor", "cannot"],
    *["can't", "isn't", "wasn't", "didn't", "won't"],
}
WORD = re.compile(r"\w+|[^\w\s]")
DETAIL_FIELDS = {"topics", "authors", "slug", "no_donation_ask"}
TEXT_FIELDS = {
    None: {"summary", "sources_note"},
    "sections": {"heading", "body"},
    "claims": {"explanation"},
    "related_questions": {"question"},
    "citations": set(),
}
PARTS = ("sections", "claims", "citations", "related_questions")


def normalised(value):
    """What a reader can tell apart: line endings and Unicode forms are not."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.replace("\r\n", "\n"))
    if isinstance(value, list):
        return [normalised(item) for item in value]
    if isinstance(value, dict):
        return {key: normalised(item) for key, item in value.items()}
    return value


def _parts(data, part):
    return {item["id"]: item for item in normalised(data.get(part, []))}


def _fields(old, new):
    """(part, id, field, old value, new value) for every visible difference."""
    old, new = normalised(old), normalised(new)
    for name in sorted(set(old) | set(new)):
        if name not in PARTS and old.get(name) != new.get(name):
            yield None, None, name, old.get(name), new.get(name)
    for part in PARTS:
        before, after = _parts(old, part), _parts(new, part)
        for key in sorted(set(before) | set(after)):
            a, b = before.get(key), after.get(key)
            if a is None or b is None:
                yield part, key, "(added)" if a is None else "(removed)", a, b
                continue
            for name in sorted(set(a) | set(b)):
                if name != "id" and a.get(name) != b.get(name):
                    yield part, key, name, a.get(name), b.get(name)


def verdict_changes(old, new) -> list[str]:
    """Claims added, removed, re-rated or restated between two drafts' data."""
    found = []
    for part, key, name, a, b in _fields(old, new):
        if part == "claims" and name in ("(added)", "(removed)", "rating", "statement"):
            a, b = (v.get("rating") if isinstance(v, dict) else v for v in (a, b))
            found.append(f"claim {key} {name}: {a} → {b}")
    return found


def rating_changes(old, new) -> list:
    before, after = _parts(old, "claims"), _parts(new, "claims")
    return [
        key
        for key in set(before) | set(after)
        if (before.get(key) or {}).get("rating") != (after.get(key) or {}).get("rating")
    ]


def _word_problems(a: str, b: str) -> list[str]:
    old, new = WORD.findall(a or ""), WORD.findall(b or "")
    problems = []
    for op, i1, i2, j1, j2 in SequenceMatcher(
        None, old, new, autojunk=False
    ).get_opcodes():
        if op == "equal":
            continue
        if op != "replace" or i2 - i1 != j2 - j1:
            problems.append(f"words {old[i1:i2]} became {new[j1:j2]}")
            continue
        for x, y in zip(old[i1:i2], new[j1:j2], strict=True):
            close = SequenceMatcher(None, x.lower(), y.lower()).ratio() >= 0.75
            loaded = {x.lower(), y.lower()} & LOADED_WORDS
            if not close or loaded or re.search(r"\d", x + y):
                problems.append(f"“{x}” became “{y}”")
    return problems


def kind_problems(old, new, kind, *, reinstated=False) -> list[str]:
    """
    Why `kind` does not tell the truth about the change from `old` to `new`
    (`reinstated`: published again after a withdrawal, itself a change).
    """
    changed = list(_fields(old, new))
    if not changed and not reinstated:
        return [f"nothing readers can see changed, yet it is a “{kind}”"]
    if (verdicts := verdict_changes(old, new)) and kind not in VERDICT_KINDS:
        return [f"a verdict changed ({'; '.join(verdicts)}), published as “{kind}”"]
    if kind == "details" and any(
        part or name not in DETAIL_FIELDS for part, _k, name, _a, _b in changed
    ):
        return ["more than details changed, published as “details”"]
    if kind != "typo":
        return []
    problems = []
    for part, _key, name, a, b in changed:
        if name not in TEXT_FIELDS[part]:
            problems.append(f"{part or 'article'} {name} changed")
        else:
            problems += _word_problems(a, b)
    return [f"typo fix {p}" for p in problems]


def due_publications(article):
    return [p for p in article.publications.order_by("version") if not p.is_scheduled()]


def _shown_pairs(publications):
    """
    (previous version shown, publication, whether it follows a withdrawal)
    for every due version after the first.
    """
    previous, withdrawn = None, False
    for publication in publications:
        if publication.kind == WITHDRAWAL:
            withdrawn = True
            continue
        if previous is not None:
            yield previous, publication, withdrawn
        previous, withdrawn = publication, False


def removed(publication) -> bool:
    return hasattr(publication, "removal")


def i1_kinds_tell_the_truth(articles) -> list[str]:
    broken = []
    for article in articles:
        publications = list(article.publications.order_by("version"))
        numbers = [p.version for p in publications]
        if numbers != list(range(1, len(numbers) + 1)):
            broken.append(f"I1: versions of {article.slug} are numbered {numbers}")
        for before, after, back in _shown_pairs(due_publications(article)):
            old, new = before.page_content()["draft"], after.page_content()["draft"]
            for problem in kind_problems(old, new, after.kind, reinstated=back):
                broken.append(f"I1: version {after.version}: {problem}")
    return broken


def i3_four_eyes(articles) -> list[str]:
    broken = []
    for article in articles:
        entries = list(
            AuditEntry.objects.filter(
                object_id=str(article.pk), area=AuditEntry.Area.NEWSROOM
            ).order_by("pk")
        )
        for publication in article.publications.exclude(kind=WITHDRAWAL):
            broken += _approval_problems(article, publication, entries)
    return broken


def _approval_problems(article, publication, entries):
    where = f"I3: version {publication.version}"
    record = next(
        (e for e in entries if e.details.get("publication_id") == publication.pk), None
    )
    if record is None:
        return [f"{where} has no publishing entry in the audit trail"]
    if (record.details.get("override_reason") or "").strip():
        return []
    approvals = [
        e for e in entries if e.action == "review.approved" and e.pk < record.pk
    ]
    if not approvals:
        return [f"{where} was published with neither an approval nor an override"]
    approval = approvals[-1]
    if approval.details.get("digest") != publication.draft_digest:
        return [f"{where} is not the content approved by {approval.actor_name}"]
    since = approvals[-2].revision_id if len(approvals) > 1 else 0
    changers = _changers(article, since or 0, approval.revision_id or 0)
    if approval.actor_id in changers:
        return [f"{where} was approved by {approval.actor_name}, who changed it"]
    return []


def _changers(article, after_revision, up_to_revision):
    """Who saved the article, or a source it cites, in revisions (after, up to]."""
    cited = Source.objects.filter(citations__article=article).values_list("pk")
    revisions = Version.objects.filter(
        revision_id__gt=after_revision, revision_id__lte=up_to_revision
    ).filter(
        object_id__in=[str(article.pk)], content_type__model="article"
    ) | Version.objects.filter(
        revision_id__gt=after_revision,
        revision_id__lte=up_to_revision,
        content_type__model="source",
        object_id__in=[str(pk) for (pk,) in cited],
    )
    return set(
        Revision.objects.filter(
            pk__in=revisions.values("revision_id"), user__isnull=False
        ).values_list("user_id", flat=True)
    )


def public_paths(articles):
    paths = ["/", "/corrections/", "/corrections/feed/", "/feed/", "/sitemap.xml"]
    for article in articles:
        due = due_publications(article)
        if due:
            paths.append(due[-1].get_absolute_url())
        for publication in due:
            paths.append(publication.get_version_url())
            if publication.version > 1 and publication.kind != WITHDRAWAL:
                paths.append(publication.get_changes_url())
    return paths


def i4_caches_serve_fresh_pages(reader, paths) -> list[str]:
    broken = []
    for path in paths:
        served, fresh = reader.fetch(path)
        if fresh is not None and (served.status_code, served.content) != (
            fresh.status_code,
            fresh.content,
        ):
            broken.append(
                f"I4: {path} served from the cache ({served.status_code}) "
                f"differs from a fresh render ({fresh.status_code})"
            )
    return broken


def visible_tokens(articles) -> set[str]:
    seen = set()
    for article in articles:
        for publication in due_publications(article):
            # A removed version's title and note may stay in the update
            # history, as its tombstone; its text may not.
            text = [publication.title, publication.note]
            if not removed(publication):
                text.append(json.dumps(publication.page_content().get("draft", {})))
            seen.update(TOKEN.findall(" ".join(text)))
    return seen


def i5_nothing_unpublished_is_public(reader, articles, issued) -> list[str]:
    broken = []
    hidden = set(issued) - visible_tokens(articles)
    for path, body in reader.pages.items():
        if leaked := sorted(hidden & set(TOKEN.findall(body))):
            broken.append(f"I5: {path} shows unpublished or removed text {leaked}")
    for token in [t for t in issued if t in hidden][-2:]:
        body = reader.client.get(f"/search/?q={token}").content.decode()
        if 'class="result"' in body:
            broken.append(f"I5: searching for the unpublished “{token}” finds it")
    for article in articles:
        for publication in filter(removed, due_publications(article)):
            url = publication.get_changes_url()
            for path in _listings(reader, article):
                if url in _listed_part(path, reader.pages.get(path, "")):
                    broken.append(
                        f"I5: removed version {url} is still listed at {path}"
                    )
    return broken


def _listings(reader, article):
    due = due_publications(article)
    detail = [due[-1].get_absolute_url()] if due and due[-1].kind != WITHDRAWAL else []
    return ["/corrections/", "/corrections/feed/", "/feed/", "/sitemap.xml", *detail]


def _listed_part(path, body):
    """Where a page lists corrections: an article's notices and JSON-LD."""
    if not path.startswith("/fact-checks/"):
        return body
    notices = re.search(
        r'<section class="notice[^"]*corrections-notice".*?</section>', body, re.S
    )
    scripts = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', body, re.S
    )
    return (notices.group(0) if notices else "") + "".join(scripts)


def i2_verdict_changes_are_listed(reader, articles) -> list[str]:
    broken = []
    for article in articles:
        due = due_publications(article)
        live = due and due[-1].kind != WITHDRAWAL
        for before, after, _back in _shown_pairs(due):
            old, new = before.page_content()["draft"], after.page_content()["draft"]
            if removed(after) or not rating_changes(old, new):
                continue
            url = after.get_changes_url()
            places = ["/corrections/", "/corrections/feed/"]
            if live:
                places.append(due[-1].get_absolute_url())
            for path in places:
                if url not in _listed_part(path, reader.pages.get(path, "")):
                    broken.append(
                        f"I2: the rating change of version {after.version} "
                        f"({after.kind}) is not listed at {path}"
                    )
    return broken


def i6_changes_are_marked(reader, articles) -> list[str]:
    broken = []
    for article in articles:
        for publication in due_publications(article):
            path = publication.get_changes_url()
            if removed(publication) or path not in reader.pages:
                continue
            sections = re.findall(
                r'<section class="change[ "].*?</section>', reader.pages[path], re.S
            )
            for section in sections:
                marked = re.findall(r"<(ins|del)>(.*?)</\1>", section, re.S)
                if not any(text.strip() for _tag, text in marked):
                    label = re.search(r'class="change__label">\s*([^<]*)', section)
                    broken.append(
                        f"I6: {path} lists “{label.group(1).strip() if label else '?'}”"
                        " as changed with nothing marked"
                    )
    return broken


def check_all(client, issued) -> list[str]:
    """Every promise, for every fact check, as things stand now."""
    articles = list(Article.objects.order_by("pk"))
    reader = Reader(client)
    broken = i1_kinds_tell_the_truth(articles) + i3_four_eyes(articles)
    broken += i4_caches_serve_fresh_pages(reader, public_paths(articles))
    broken += i2_verdict_changes_are_listed(reader, articles)
    broken += i5_nothing_unpublished_is_public(reader, articles, issued)
    broken += i6_changes_are_marked(reader, articles)
    return broken
