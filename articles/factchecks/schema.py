"""
The frozen content of a publication, and its schema.

`Publication.content` is JSON written once, at publish time, and read for
as long as the publication exists, so its shape is versioned. Schema 4
(`SCHEMA_VERSION`), every key always present:

- `schema`: 4.
- `summary_html`, `sources_note_html`: sanitised HTML.
- `sections`: `[{number, anchor, heading, html}]`.
- `claims`: `[{number, anchor, statement, claimant,
  claimant_is_organization, claimed_on (ISO date or null), appearance_url,
  appearance, rating, rating_label, rating_value, is_headline,
  explanation_html, rated_at (ISO: when the version that set the claim's
  current verdict, its rating and statement, was published)}]`.
- `sources`: `[{number, anchor, title, publisher, authors, date, kind, url,
  archived_url, pinpoint, note, backlinks: [anchor ids]}]`.
- `related`: `[{question, answer_id (article id or null)}]`.
- `authors`: `[{name, slug, role}]`; `topics`: `[{name, slug}]`.
- `no_donation_ask`: bool.
- `history`: every public version up to this one, oldest first:
  `[{version, kind, note, details: [what changed besides the text, e.g.
  "Topics changed"], ratings: [{claim, old, new}] (rating labels, as in
  `changes`), published_at (ISO)}]`.
- `draft`: the draft's plain data (`shape.Draft.data()`), for comparing.
- `changes`: what this version changed for readers against the version
  before it, marked word by word (`changes.for_readers()`): `{against,
  ratings: [{claim, old, new}], details, fields: [{label, html}], parts:
  [{label, status, fields: [{label, html}]}]}`, or null for a first
  publication.

A withdrawal's content holds only `schema` and `history`. Schema 1 is
schema 2 without the `schema` key (publications made before it existed);
schema 2 lacked `changes`, history `details` and the claims' `is_headline`;
schema 3 lacked history `ratings` and the claims' `rated_at` (upgraded as
no ratings listed and the first publication's time, what readers were
shown before).
`upgrade()` brings content of any older schema up to the current one, and
code that reads content goes through it (`Publication.page_content()`),
never through the raw JSON, so a change of shape is one more step in
`UPGRADES` and old publications keep rendering.
"""

SCHEMA_VERSION = 4


def _from_schema_1(content: dict) -> dict:
    return {**content, "schema": 2}


def _from_schema_2(content: dict) -> dict:
    content = {**content, "schema": 3}
    content["history"] = [
        {"details": [], **entry} for entry in content.get("history", [])
    ]
    if "claims" in content:
        content["changes"] = content.get("changes")
        content["claims"] = [
            {"is_headline": False, **claim} for claim in content["claims"]
        ]
        content["draft"] = {
            **content["draft"],
            "claims": [
                {"is_headline": False, **claim}
                for claim in content["draft"].get("claims", [])
            ],
        }
    return content


def _from_schema_3(content: dict) -> dict:
    content = {**content, "schema": 4}
    history = [{"ratings": [], **entry} for entry in content.get("history", [])]
    content["history"] = history
    if "claims" in content:
        first_published = history[0]["published_at"] if history else None
        content["claims"] = [
            {"rated_at": first_published, **claim} for claim in content["claims"]
        ]
    return content


# UPGRADES[n] turns schema n into schema n + 1.
UPGRADES = {1: _from_schema_1, 2: _from_schema_2, 3: _from_schema_3}


def upgrade(content: dict) -> dict:
    """Content of any schema version, in the current one."""
    version = content.get("schema", 1)
    while version < SCHEMA_VERSION:
        content = UPGRADES[version](content)
        version = content["schema"]
    return content
