"""
Reading a source's details from its page, over real HTTP from a local
server on 127.0.0.1 serving sample pages written for these tests.
"""

import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

from django.test import SimpleTestCase, override_settings

from sources import fetching, metadata

ARTICLE_PAGE = """<!doctype html>
<html><head>
<title>Recount observers | County News</title>
<meta property="og:title" content="Who watched the recount">
<meta property="og:site_name" content="County News">
<meta name="author" content="Dana Reyes">
<meta property="article:published_time" content="2025-10-30T09:00:00Z">
</head><body><p>Text.</p></body></html>"""

SCHOLARLY_PAGE = """<html><head>
<title>Journal page</title>
<meta name="citation_title" content="Observers and the   integrity of recounts">
<meta name="citation_author" content="Lee, Kim">
<meta name="citation_author" content="Smith, Jo">
<meta name="citation_author" content="Ng, Al">
<meta name="citation_publication_date" content="2021/03">
<meta name="citation_journal_title" content="Journal of Elections">
<meta name="citation_doi" content="doi:10.1234/joe.2021.7">
</head></html>"""

DUBLIN_CORE_PAGE = """<html><head>
<meta name="DC.title" content="Canvass report, November 2025">
<meta name="DC.publisher" content="County Board of Elections">
<meta name="DC.creator" content="Office of the Clerk">
<meta name="DC.date" content="2025">
</head></html>"""

JSON_LD_PAGE = """<html><head><title>Fallback title</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "url": "https://example.org"},
  {"@type": "NewsArticle", "headline": "Court upholds recount",
   "datePublished": "2025-11-12", "author": [{"@type": "Person", "name": "A. Judge"}],
   "publisher": {"@type": "Organization", "name": "The Ledger"}}]}</script>
</head></html>"""

CSL = (
    '{"title": "Observers and recounts", "publisher": "Election Press", '
    '"author": [{"given": "Kim", "family": "Lee"}], '
    '"issued": {"date-parts": [[2021, 3, 5]]}, "DOI": "10.1234/joe.2021.7"}'
)


DRIP_INTERVAL = 0.2


class SamplePages(BaseHTTPRequestHandler):
    def do_GET(self):
        routes = {
            "/article": (200, "text/html; charset=utf-8", ARTICLE_PAGE),
            "/scholarly": (200, "text/html", SCHOLARLY_PAGE),
            "/dublin-core": (200, "text/html", DUBLIN_CORE_PAGE),
            "/json-ld": (200, "text/html", JSON_LD_PAGE),
            "/gone": (404, "text/html", "<title>Not found</title>"),
            "/data.csv": (200, "text/csv", "a,b\n1,2\n"),
            "/doi/10.1234/joe.2021.7": (
                200,
                "application/vnd.citationstyles.csl+json",
                CSL,
            ),
        }
        if self.path == "/moved":
            return self.redirect("/article")
        if self.path == "/loop":
            return self.redirect("/loop")
        if self.path == "/to-private":
            return self.redirect("http://10.0.0.1/secret")
        if self.path == "/to-ftp":
            return self.redirect("ftp://127.0.0.1/file")
        if self.path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            chunk = b"<p>" + b"x" * 65536 + b"</p>"
            try:
                for _ in range(40):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return None
        if self.path == "/slow":
            time.sleep(1.5)
        if self.path in ("/drip-headers", "/drip-body"):
            return self.drip()
        status, content_type, body = routes.get(self.path, (404, "text/plain", ""))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.end_headers()
        self.wfile.write(body.encode())
        return None

    def drip(self):
        """A page sent one byte every DRIP_INTERVAL, for about 15 seconds."""
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
        if self.path == "/drip-body":
            self.wfile.write(head)
            head = b""
        try:
            for byte in head + b"<title>" + b"x" * 20:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(DRIP_INTERVAL)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    def redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.end_headers()

    def log_message(self, *args):
        pass


class LocalServerTestCase(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), SamplePages)
        cls.base = f"http://127.0.0.1:{cls.server.server_address[1]}"
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()
        super().tearDownClass()


@override_settings(SOURCE_FETCH_ALLOW_LOOPBACK=True)
class LookUpTests(LocalServerTestCase):
    def test_opengraph_page_gives_title_publisher_author_and_date(self):
        found = metadata.look_up(f"{self.base}/article")

        self.assertEqual(found.title, "Who watched the recount")
        self.assertEqual(found.publisher, "County News")
        self.assertEqual(found.authors, "Dana Reyes")
        self.assertEqual(found.published_on, date(2025, 10, 30))
        self.assertEqual(found.date_precision, "day")

    def test_citation_tags_win_over_the_html_title(self):
        found = metadata.look_up(f"{self.base}/scholarly")

        self.assertEqual(found.title, "Observers and the integrity of recounts")
        self.assertEqual(found.authors, "Lee, Kim, Smith, Jo and Ng, Al")
        self.assertEqual(found.publisher, "Journal of Elections")
        self.assertEqual(
            (found.published_on, found.date_precision), (date(2021, 3, 1), "month")
        )
        self.assertEqual(found.doi, "10.1234/joe.2021.7")

    def test_dublin_core_tags_are_read(self):
        found = metadata.look_up(f"{self.base}/dublin-core")

        self.assertEqual(found.title, "Canvass report, November 2025")
        self.assertEqual(found.publisher, "County Board of Elections")
        self.assertEqual(found.authors, "Office of the Clerk")
        self.assertEqual(found.date_precision, "year")

    def test_json_ld_graph_is_read(self):
        found = metadata.look_up(f"{self.base}/json-ld")

        self.assertEqual(found.title, "Court upholds recount")
        self.assertEqual(found.publisher, "The Ledger")
        self.assertEqual(found.authors, "A. Judge")
        self.assertEqual(found.published_on, date(2025, 11, 12))

    def test_redirect_is_followed_and_the_pasted_address_kept(self):
        found = metadata.look_up(f"{self.base}/moved")

        self.assertEqual(found.title, "Who watched the recount")
        self.assertEqual(found.url, f"{self.base}/moved")

    def test_doi_address_is_read_from_the_resolvers_citation_data(self):
        with override_settings(SOURCE_DOI_RESOLVER=f"{self.base}/doi/"):
            found = metadata.look_up("https://doi.org/10.1234/joe.2021.7")

        self.assertEqual(found.title, "Observers and recounts")
        self.assertEqual(found.authors, "Kim Lee")
        self.assertEqual(found.publisher, "Election Press")
        self.assertEqual(found.published_on, date(2021, 3, 5))

    def test_redirect_loop_stops_with_a_message(self):
        with self.assertRaisesMessage(metadata.FetchError, "redirected too many times"):
            metadata.look_up(f"{self.base}/loop")

    def test_redirect_to_a_private_address_is_refused(self):
        with self.assertRaisesMessage(metadata.FetchError, "private or local address"):
            metadata.look_up(f"{self.base}/to-private")

    def test_redirect_to_another_scheme_is_refused(self):
        with self.assertRaisesMessage(metadata.FetchError, "Only http:// and https://"):
            metadata.look_up(f"{self.base}/to-ftp")

    def test_page_over_the_size_cap_is_refused(self):
        with self.assertRaisesMessage(metadata.FetchError, "too large"):
            metadata.look_up(f"{self.base}/huge")

    def test_slow_site_times_out_with_a_message(self):
        with (
            mock.patch.object(fetching, "TIMEOUT", 0.3),
            self.assertRaisesMessage(metadata.FetchError, "took too long"),
        ):
            metadata.look_up(f"{self.base}/slow")

    def test_a_site_sending_a_byte_at_a_time_is_given_up_on_at_the_deadline(self):
        for path in ("/drip-headers", "/drip-body"):
            with (
                self.subTest(path=path),
                mock.patch.object(fetching, "TIMEOUT", 1),
                self.assertRaisesMessage(metadata.FetchError, "took too long"),
            ):
                started = time.monotonic()
                try:
                    metadata.look_up(f"{self.base}{path}")
                finally:
                    elapsed = time.monotonic() - started
                    # One byte every 0.2 s never trips a per-read timeout;
                    # only the overall deadline stops it.
                    self.assertLess(elapsed, 1 + 0.5)

    def test_missing_page_and_non_html_say_why(self):
        with self.assertRaisesMessage(metadata.FetchError, "answered 404"):
            metadata.look_up(f"{self.base}/gone")
        with self.assertRaisesMessage(metadata.FetchError, "not a web page (text/csv)"):
            metadata.look_up(f"{self.base}/data.csv")

    def test_closed_port_says_the_site_could_not_be_reached(self):
        with self.assertRaisesMessage(metadata.FetchError, "could not be reached"):
            metadata.look_up("http://127.0.0.1:9/")


class AddressCheckTests(LocalServerTestCase):
    def test_loopback_is_refused_without_the_test_setting(self):
        with self.assertRaisesMessage(metadata.FetchError, "private or local address"):
            metadata.look_up(f"{self.base}/article")

    def test_private_link_local_and_unspecified_addresses_are_refused(self):
        for url in (
            "http://10.1.2.3/",
            "http://192.168.0.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]/",
            "http://0.0.0.0/",
            "http://[fd00::1]/",
        ):
            with (
                self.subTest(url=url),
                self.assertRaisesMessage(
                    metadata.FetchError, "private or local address"
                ),
            ):
                fetching.fetch(url)

    def test_host_resolving_to_any_private_address_is_refused(self):
        answers = [
            (2, 1, 6, "", ("93.184.216.34", 80)),
            (2, 1, 6, "", ("10.0.0.7", 80)),
        ]
        with (
            mock.patch("socket.getaddrinfo", return_value=answers),
            self.assertRaisesMessage(metadata.FetchError, "private or local address"),
        ):
            fetching.fetch("http://mixed.example/")

    def test_other_schemes_are_refused(self):
        for url in ("file:///etc/passwd", "ftp://example.org/", "gopher://x/"):
            with (
                self.subTest(url=url),
                self.assertRaisesMessage(
                    metadata.FetchError, "Only http:// and https://"
                ),
            ):
                fetching.fetch(url)


class ParseTests(SimpleTestCase):
    def test_plain_title_is_the_last_resort(self):
        found = metadata.parse_html("<title>  Just   a title </title>")

        self.assertEqual(found.title, "Just a title")
        self.assertEqual(found.published_on, None)

    def test_broken_json_ld_is_ignored(self):
        found = metadata.parse_html(
            '<title>T</title><script type="application/ld+json">{not json</script>'
        )

        self.assertEqual(found.title, "T")
