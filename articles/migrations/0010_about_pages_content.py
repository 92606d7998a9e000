"""The about pages' first content: the texts the templates carried before."""

from django.db import migrations

PAGES = [
    {
        "slug": "methodology",
        "title": "How we check facts",
        "description": "How Factually chooses questions, finds sources, rates claims and publishes its fact checks.",
        "lede": "Every Factually piece starts with a question a reader could ask and ends with the evidence that answers it. You should be able to follow every step we took.",
        "body": """## Choosing what to check

We pick questions that matter to public debate and can be settled, or at least narrowed, with evidence: figures, documents, records and on-the-record statements. We check claims from every side of politics by the same rules, and we do not check opinions or predictions.

## Finding the evidence

We go to the primary source whenever one exists: the court filing rather than the report about it, the dataset rather than the chart. Each statement in a fact check carries a numbered citation to the document behind it, with a link and, where we could make one, an archived copy, so the evidence survives even if the original page changes.

## Rating claims

When a piece rates specific claims, it uses one scale:

- **True**: accurate, with nothing significant missing.
- **Mostly true**: accurate, but needs context or a small correction.
- **Mixed**: partly accurate and partly not, in roughly equal measure.
- **Mostly false**: contains a grain of truth but leaves a misleading impression.
- **False**: inaccurate.
- **Unsupported**: the evidence available does not back the claim either way.

## Review before publication

A second editor reads every fact check and its sources before it is published. The date at the top of each piece is the day the facts were last verified.

## After publication

Every public change is numbered, dated and explained at the foot of the page, and every earlier version stays readable as it was. Read our [corrections policy](/about/corrections/).""",
    },
    {
        "slug": "corrections",
        "title": "Corrections policy",
        "description": "How Factually corrects mistakes and records every change to a published fact check.",
        "lede": "We make mistakes. When we do, we fix them in the open.",
        "body": """## No silent edits

Once a fact check is published, every change readers can see is a new, numbered version, recorded in its update history with the date and a note saying what changed and why. Every version stays readable at its own address, and a page shows exactly what each version changed, word by word.

## Kinds of change

- **Correction**: we got a fact wrong. The note says what we said and what is right, and the correction stays marked at the top of the page.
- **Clarification**: what we wrote was accurate but could be misread; we have made it clearer. It is marked at the top of the page too.
- **Update**: new evidence appeared after publication and we have added it.
- **Typo fix**: a slip of spelling or punctuation. A typo fix may not change a rating, a claim, a citation, a source, a date, a number or the title, and changes only a few characters; anything more is a correction, clarification or update, with a note. Our publishing system enforces this.
- **Details updated**: only the topics, the authors or the address changed; nothing you read did.
- **Withdrawal**: in the rare case that a piece cannot be fixed, we take it down and leave a note at its address explaining why. Its earlier versions stay readable.

## Every correction, in one place

Every correction and clarification we publish is listed, newest first, in our [corrections log](/corrections/), with a feed you can follow.

## Tell us

If you think we got something wrong, write to <corrections@factually.example> with the page and the evidence. An editor who did not work on the piece reviews every request, and we reply to each one.""",
    },
    {
        "slug": "funding",
        "title": "Who funds us",
        "description": "Factually is funded by its readers. We take no money from political groups.",
        "lede": "Factually is paid for by the people who read it.",
        "body": """Most of our income comes from individual readers giving small amounts, once or every month. We publish our supporter goal on every page so you can see how close we are to covering our costs.

## What we will not accept

We take no money from political parties, candidates, campaigns, political action committees or groups whose main purpose is to influence elections or legislation. When a gift arrives from such a source we return it and do not count it.

## Independence

No supporter, of any size, sees a fact check before it is published or has any say in what we check or how we rate it.""",
    },
    {
        "slug": "team",
        "title": "Our team",
        "description": "The people who research, write and edit Factually's fact checks.",
        "lede": "A small newsroom of researchers and editors. Each fact check names the people who wrote and edited it.",
        "body": """Our staff do not hold office in, work for or give money to political parties or campaigns, and they tell the editor about anything that could look like a conflict of interest in a piece they work on.

You can reach the newsroom at <newsroom@factually.example>.""",
    },
]


def create_pages(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    from articles.rendering import render_page

    app_config = apps.get_app_config("articles")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = models_module
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name="Editor"):
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="articles",
                codename__in=["view_page", "change_page"],
            )
        )

    Page = apps.get_model("articles", "Page")
    for page in PAGES:
        Page.objects.get_or_create(
            slug=page["slug"],
            defaults={**page, "body_html": render_page(page["body"])},
        )


def remove_pages(apps, schema_editor):
    apps.get_model("articles", "Page").objects.filter(
        slug__in=[page["slug"] for page in PAGES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_about_pages"), ("articles", "0002_roles")]

    operations = [migrations.RunPython(create_pages, remove_pages)]
