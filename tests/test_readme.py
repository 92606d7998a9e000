import re
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

README = Path(settings.BASE_DIR) / "README.md"
# Inline Markdown links and images: [text](target) and ![alt](target), the
# text possibly wrapped over lines.
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def relative_links(text):
    """The targets of the text's links that are paths in the repository."""
    return [
        target.split("#", 1)[0]
        for target in LINK.findall(text)
        if not re.match(r"[a-z][a-z0-9+.-]*:", target) and not target.startswith("#")
    ]


class ReadmeTests(SimpleTestCase):
    def test_is_at_most_ten_thousand_characters(self):
        self.assertLessEqual(len(README.read_text()), 10_000)

    def test_links_into_the_manual_point_at_files_that_exist(self):
        links = relative_links(README.read_text())

        self.assertIn("docs/index.md", links)
        missing = [link for link in links if not (README.parent / link).is_file()]
        self.assertEqual(missing, [])

    def test_every_guide_is_linked(self):
        links = relative_links(README.read_text())

        for guide in ("editors", "fundraisers", "operators", "developers"):
            with self.subTest(guide=guide):
                self.assertIn(f"docs/{guide}/index.md", links)

    def test_link_finder_sees_wrapped_links_and_skips_addresses(self):
        text = (
            "[a wrapped\nlink](docs/x.md#part) ![img](docs/y.png) "
            "<http://127.0.0.1:8000/> [site](https://example.com/) [top](#top)"
        )

        self.assertEqual(relative_links(text), ["docs/x.md", "docs/y.png"])
