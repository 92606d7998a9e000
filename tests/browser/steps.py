"""
Steps the browser tests share: logging in to the admin as a user made by
`tests.roles.staff()` (or with its password), picking a source in a
citation row, and writing the recount fact check the editorial and
newsroom walk-throughs both start from.
"""

from tests.roles import PASSWORD


def log_in(page, user):
    page.visit("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def pick_source(page, row, text):
    page.locator(f"#citations-{row} .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def write_recount_draft(page):
    """
    Write and save the recount fact check on the add form: two sections
    citing two sources, which the test must have made ("County canvass
    report", "Observer logbook").
    """
    page.visit("/admin/articles/article/add/")
    page.fill("#id_title", "Fact check: How many people observed the recount?")
    page.fill("#id_summary", "About 150 observers watched the recount [1][2].")
    page.fill("#id_checked_on", "2026-11-20")
    for row, (heading, body) in enumerate(
        [
            ("The observers", "The logbook lists 150 observers [2]."),
            ("The count", "The canvass matches the machine count [1]."),
        ]
    ):
        page.click("#sections-group .add-row a")
        page.fill(f"#id_sections-{row}-heading", heading)
        page.fill(f"#id_sections-{row}-body", body)
    for row, title in enumerate(["County canvass report", "Observer logbook"]):
        page.click("#citations-group .add-row a")
        pick_source(page, row, title)
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
