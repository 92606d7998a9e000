"""The client address every per-client limit keys on (factually/clients.py)."""

from django.test import RequestFactory, SimpleTestCase, override_settings

from factually.clients import client_address, client_key


def request_from(remote, **headers):
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


@override_settings(TRUSTED_PROXIES=["127.0.0.1", "10.1.0.0/16"])
class ClientAddressTests(SimpleTestCase):
    def test_a_trusted_proxy_names_the_client_in_x_real_ip(self):
        for proxy in ("127.0.0.1", "10.1.2.3"):
            with self.subTest(proxy=proxy):
                request = request_from(proxy, HTTP_X_REAL_IP="198.51.100.1")

                self.assertEqual(client_address(request), "198.51.100.1")

    def test_clients_behind_the_proxy_get_different_keys(self):
        first = request_from("127.0.0.1", HTTP_X_REAL_IP="198.51.100.1")
        second = request_from("127.0.0.1", HTTP_X_REAL_IP="198.51.100.2")

        self.assertNotEqual(client_key(first, "ask"), client_key(second, "ask"))

    def test_headers_from_anyone_else_are_ignored(self):
        request = request_from(
            "203.0.113.7",
            HTTP_X_REAL_IP="198.51.100.1",
            HTTP_X_FORWARDED_FOR="198.51.100.2",
        )

        self.assertEqual(client_address(request), "203.0.113.7")

    def test_x_forwarded_for_is_not_read_even_from_the_proxy(self):
        request = request_from("127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2")

        self.assertEqual(client_address(request), "127.0.0.1")

    def test_a_header_that_is_not_an_address_is_ignored(self):
        for value in ("", "evil", "198.51.100.1, 10.0.0.1", "é"):
            with self.subTest(value=value):
                request = request_from("127.0.0.1", HTTP_X_REAL_IP=value)

                self.assertEqual(client_address(request), "127.0.0.1")

    def test_the_key_holds_no_address(self):
        request = request_from("203.0.113.7")

        self.assertNotIn("203.0.113.7", client_key(request, "ask"))

    @override_settings(TRUSTED_PROXIES=[])
    def test_with_no_trusted_proxy_the_connection_address_is_used(self):
        request = request_from("127.0.0.1", HTTP_X_REAL_IP="198.51.100.1")

        self.assertEqual(client_address(request), "127.0.0.1")
