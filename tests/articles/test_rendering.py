import re

from django.test import SimpleTestCase

from articles.factchecks.markup import CitationIndex, plain_text, render


def render_with(text, numbers=(1, 2, 3)):
    index = CitationIndex(numbers=set(numbers))
    return render(text, index, location="Section 1 “Test”"), index


class CitationMarkerTests(SimpleTestCase):
    def test_marker_becomes_superscript_link_to_source(self):
        html, index = render_with("Water is wet [2].")

        self.assertInHTML(
            '<sup class="cite"><a href="#source-2" id="cite-2-1" '
            'aria-label="Source 2" rel="noopener noreferrer nofollow">[2]</a></sup>',
            html,
        )
        self.assertEqual(index.backlinks, {2: ["cite-2-1"]})

    def test_adjacent_and_comma_markers_cite_several_sources(self):
        html, index = render_with("A [1][3] and B [1, 2].")

        self.assertEqual(re.findall(r'href="#source-(\d)"', html), ["1", "3", "1", "2"])
        self.assertEqual(index.backlinks[1], ["cite-1-1", "cite-1-2"])

    def test_en_dash_range_cites_every_number_in_it(self):
        html, index = render_with("Counted three times [1–3].")

        self.assertEqual(re.findall(r'href="#source-(\d)"', html), ["1", "2", "3"])
        self.assertNotIn("–", html)
        self.assertEqual(set(index.backlinks), {1, 2, 3})

    def test_hyphen_range_mixed_with_single_numbers(self):
        html, _index = render_with("See [1-2, 4].", numbers=(1, 2, 3, 4))

        self.assertEqual(re.findall(r'href="#source-(\d)"', html), ["1", "2", "4"])

    def test_range_past_the_last_citation_marks_the_missing_numbers(self):
        _html, index = render_with("See [2–4].", numbers=(1, 2, 3))

        self.assertEqual(index.missing, [("Section 1 “Test”", "[4]")])

    def test_backward_or_huge_range_stays_plain_text(self):
        for text in ("Odd [3–1].", "Many [1-9999]."):
            with self.subTest(text=text):
                html, index = render_with(text)
                self.assertNotIn("<sup", html)
                self.assertEqual(index.backlinks, {})

    def test_every_citation_of_a_source_gets_its_own_backlink_anchor(self):
        index = CitationIndex(numbers={1})
        render("First [1].", index, location="Summary")
        render("Second [1].", index, location="Section 1")

        self.assertEqual(index.backlinks[1], ["cite-1-1", "cite-1-2"])

    def test_marker_without_citation_is_recorded_with_its_location(self):
        html, index = render_with("Too far [9].", numbers=(1, 2, 3, 4))

        self.assertEqual(index.missing, [("Section 1 “Test”", "[9]")])
        self.assertNotIn('href="#source-9"', html)
        self.assertIn("[9]", html)

    def test_marker_in_code_is_left_alone(self):
        html, index = render_with("Type `[1]` to cite.")

        self.assertIn("<code>[1]</code>", html)
        self.assertEqual(index.backlinks, {})

    def test_link_whose_text_is_a_number_stays_a_link(self):
        html, index = render_with("See [2](https://example.org/two).")

        self.assertIn('href="https://example.org/two"', html)
        self.assertEqual(index.backlinks, {})

    def test_markdown_headings_start_below_the_page_headings(self):
        html, _ = render_with("# Big\n\n## Smaller")

        self.assertIn("<h3>Big</h3>", html)
        self.assertIn("<h4>Smaller</h4>", html)


HOSTILE_INPUTS = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="java\u0000script:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(1))" onclick="alert(1)">text</p>',
    "<style>body{display:none}</style>",
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<form action="https://evil.example"><input name="x"></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a id="sources" href="#">hijack an anchor</a>',
    "<!-- <script>alert(1)</script> -->",
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
]


class SanitisingTests(SimpleTestCase):
    def test_hostile_html_is_stripped_or_made_harmless(self):
        for hostile in HOSTILE_INPUTS:
            with self.subTest(hostile=hostile):
                html, _ = render_with(f"Before.\n\n{hostile}\n\nAfter [1].")

                lowered = html.lower()
                for forbidden in (
                    "<script",
                    "<iframe",
                    "<svg",
                    "<style",
                    "<object",
                    "<embed",
                    "<form",
                    "<input",
                    "<img",
                    "<base",
                    "<meta",
                    "<math",
                    'href="javascript',
                    'href="data',
                    "style=",
                    'id="sources"',
                ):
                    self.assertNotIn(forbidden, lowered)
                self.assertIsNone(re.search(r"<[^>]*\son\w+\s*=", lowered))

    def test_text_after_a_stripped_script_survives(self):
        html, _ = render_with("<script>alert(1)</script>\n\nAfter [1].")

        self.assertNotIn("alert", html)
        self.assertIn('After&nbsp;<sup class="cite">', html)

    def test_safe_markup_survives(self):
        html, _ = render_with(
            "**Bold**, _italic_, [a link](https://example.org).\n\n"
            "- one\n- two\n\n> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |"
        )

        for fragment in (
            "<strong>Bold</strong>",
            "<em>italic</em>",
            'href="https://example.org"',
            "<li>one</li>",
            "<blockquote>",
            "<td>1</td>",
        ):
            self.assertIn(fragment, html)

    def test_invisible_direction_overrides_are_removed(self):
        html, _ = render_with("Total: 150\u202e002 people\u200b.")

        self.assertIn("Total: 150002 people.", html)

    def test_pathological_inputs_render_without_error(self):
        inputs = [
            "[" * 100_000,
            "]" * 100_000,
            "[1]" * 33_000,
            "[[[[[[[[1]]]]]]]]" * 6_000,
            "[1, " * 25_000,
            "*_" * 50_000,
            "<a " * 30_000,
            "[a](" * 25_000,
            ">" * 100_000,
            "\u202e[1]\u0000" * 20_000,
            "\U0001f600[2]" * 25_000,
        ]
        for text in inputs:
            with self.subTest(text=text[:12]):
                html, _ = render_with(text)
                self.assertIsInstance(html, str)


class PlainTextTests(SimpleTestCase):
    def test_excerpt_drops_markup_and_markers(self):
        self.assertEqual(
            plain_text("The **answer** is no [1, 2]. <b>Really</b> [3]."),
            "The answer is no. Really.",
        )

    def test_excerpt_is_cut_at_a_word_count(self):
        self.assertEqual(plain_text("one two three four", words=2), "one two…")


class EditorAttributeTests(SimpleTestCase):
    """Editor HTML cannot set the ids, names or classes the page relies on."""

    def test_a_pasted_citation_anchor_id_is_dropped(self):
        html, index = render_with(
            'Claim [1]. <a id="cite-1-1" href="#source-1">fake</a> '
            '<a id="cite-1-2">another</a>'
        )

        self.assertEqual(re.findall(r'id="([^"]*)"', html), ["cite-1-1"])
        self.assertEqual(index.backlinks, {1: ["cite-1-1"]})
        self.assertInHTML(
            '<a href="#source-1" rel="noopener noreferrer nofollow">fake</a>', html
        )

    def test_a_pasted_id_in_a_block_of_html_is_dropped(self):
        html, _ = render_with(
            '<p><a id="cite-2-1" href="#x">block</a></p>\n\nText [2].'
        )

        self.assertEqual(re.findall(r'id="([^"]*)"', html), ["cite-2-1"])
        self.assertEqual(html.count('id="cite-2-1"'), 1)

    def test_pasted_cite_classes_are_dropped(self):
        html, _ = render_with(
            '<sup class="cite">1</sup> <sup class="cite cite--missing">9</sup> '
            '<sup class="cite--missing">x</sup>'
        )

        self.assertNotIn("class=", html)
        self.assertIn("<sup>1</sup>", html)

    def test_pasted_names_and_source_labels_are_dropped(self):
        html, _ = render_with(
            '<a name="source-1">x</a> <a aria-label="Source 1" href="#source-1">y</a> '
            '<p id="sources" class="cite">z</p>'
        )

        for forbidden in ("name=", "aria-label", 'id="', "class="):
            self.assertNotIn(forbidden, html)

    def test_an_id_with_a_made_up_mark_is_dropped(self):
        html, _ = render_with(
            f'<a id="{"0" * 32}cite-1-1">x</a> <sup class="{"f" * 32}cite">y</sup>'
        )

        self.assertNotIn("id=", html)
        self.assertNotIn("class=", html)

    def test_the_renderers_own_markers_keep_their_attributes(self):
        html, _ = render_with("Cited [1] and missing [7].")

        self.assertInHTML(
            '<sup class="cite"><a href="#source-1" id="cite-1-1" aria-label="Source 1" '
            'rel="noopener noreferrer nofollow">[1]</a></sup>',
            html,
        )
        self.assertInHTML('<sup class="cite cite--missing">[7]</sup>', html)

    def test_no_mark_reaches_the_page(self):
        html, _ = render_with("One [1], two [2], missing [9].")

        self.assertIsNone(re.search(r"[0-9a-f]{16}", html))

    def test_excerpts_keep_no_attributes_at_all(self):
        self.assertEqual(
            plain_text('<a id="cite-1-1">x</a> <sup class="cite">y</sup>'), "x y"
        )
