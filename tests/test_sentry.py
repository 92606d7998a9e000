import json
import os
import subprocess
import sys

from django.conf import settings
from django.test import SimpleTestCase

from factually.sentry import FILTERED, scrub, scrub_breadcrumb

DONOR_EMAIL = "ada.lovelace+gifts@example.org"
DONOR_NAME = "Ada Lovelace"


def offline_gift_error_event():
    """An event as sentry-sdk's Django integration builds it for a 500."""
    return {
        "level": "error",
        "platform": "python",
        "sdk": {"name": "sentry.python.django", "version": "2.75.0"},
        "contexts": {"runtime": {"name": "CPython", "version": "3.13.1"}},
        "user": {"id": 7, "username": "fundraiser", "ip_address": "203.0.113.7"},
        "request": {
            "url": "https://factually.example/admin/donations/donation/offline/",
            "method": "POST",
            "query_string": f"q={DONOR_EMAIL.replace('@', '%40')}&o=-1",
            "headers": {
                "Host": "factually.example",
                "User-Agent": "Mozilla/5.0",
                "Cookie": "sessionid=abc123; csrftoken=def456",
                "X-Forwarded-For": "203.0.113.7",
                "X-Real-Ip": "203.0.113.7",
                "Referer": f"https://factually.example/admin/?email={DONOR_EMAIL}",
            },
            "cookies": {"sessionid": "abc123", "csrftoken": "def456"},
            "data": {
                "email": DONOR_EMAIL,
                "display_name": DONOR_NAME,
                "amount": "25.00",
                "csrfmiddlewaretoken": "token",
            },
            "env": {"SERVER_NAME": "factually.example", "REMOTE_ADDR": "10.0.0.2"},
        },
        "exception": {
            "values": [
                {
                    "type": "IntegrityError",
                    "value": f"duplicate key: supporter {DONOR_EMAIL} (id 12)",
                    "stacktrace": {
                        "frames": [
                            {
                                "function": "record_donation",
                                "module": "donations.payments",
                                "vars": {
                                    "email": DONOR_EMAIL,
                                    "display_name": DONOR_NAME,
                                    "amount": 2500,
                                    "fields": {"email": DONOR_EMAIL, "kind": "one_off"},
                                    "note": f"cheque from {DONOR_EMAIL}",
                                },
                            }
                        ]
                    },
                }
            ]
        },
        "logentry": {
            "message": "Could not record a gift from %s",
            "params": [DONOR_EMAIL],
        },
        "extra": {"customer_details": {"email": DONOR_EMAIL, "name": DONOR_NAME}},
        "tags": {"campaign": "spring-2026"},
        "breadcrumbs": {
            "values": [
                {
                    "category": "query",
                    "message": "SELECT ... WHERE email_hash = %s",
                    "data": {"db.params": ["3f2a..."]},
                },
                {
                    "category": "donations.payments",
                    "message": f"Recorded a gift from {DONOR_EMAIL}",
                    "level": "info",
                },
            ]
        },
    }


class ScrubTests(SimpleTestCase):
    def setUp(self):
        self.event = scrub(offline_gift_error_event())
        self.text = json.dumps(self.event)

    def test_no_donor_email_survives_anywhere(self):
        self.assertNotIn("ada.lovelace", self.text)
        self.assertNotIn("example.org", self.text)

    def test_no_donor_name_survives_anywhere(self):
        self.assertNotIn("Lovelace", self.text)

    def test_request_body_and_cookies_are_dropped(self):
        request = self.event["request"]

        self.assertEqual(request["data"], FILTERED)
        self.assertEqual(request["cookies"], FILTERED)
        self.assertEqual(request["headers"]["Cookie"], FILTERED)
        self.assertNotIn("abc123", self.text)
        self.assertNotIn("token", self.text.replace("csrfmiddlewaretoken", ""))

    def test_client_addresses_and_the_user_are_dropped(self):
        self.assertNotIn("user", self.event)
        self.assertNotIn("203.0.113.7", self.text)
        self.assertNotIn("10.0.0.2", self.text)

    def test_search_terms_in_the_query_string_are_dropped(self):
        self.assertEqual(self.event["request"]["query_string"], "q=%5BFiltered%5D&o=-1")

    def test_what_is_needed_to_debug_remains(self):
        exception = self.event["exception"]["values"][0]

        self.assertEqual(exception["type"], "IntegrityError")
        self.assertEqual(
            exception["value"], "duplicate key: supporter [Filtered] (id 12)"
        )
        frame = exception["stacktrace"]["frames"][0]
        self.assertEqual(frame["function"], "record_donation")
        self.assertEqual(frame["vars"]["amount"], 2500)
        self.assertEqual(
            frame["vars"]["fields"], {"email": FILTERED, "kind": "one_off"}
        )
        self.assertEqual(self.event["request"]["method"], "POST")
        self.assertEqual(self.event["request"]["headers"]["User-Agent"], "Mozilla/5.0")
        self.assertEqual(self.event["tags"], {"campaign": "spring-2026"})

    def test_the_sdk_structure_is_left_alone(self):
        self.assertEqual(self.event["sdk"]["name"], "sentry.python.django")
        self.assertEqual(self.event["contexts"]["runtime"]["name"], "CPython")

    def test_breadcrumbs_lose_emails_and_sql_parameters(self):
        query, log = self.event["breadcrumbs"]["values"]

        self.assertEqual(query["data"]["db.params"], FILTERED)
        self.assertEqual(log["message"], "Recorded a gift from [Filtered]")

    def test_log_message_parameters_lose_emails(self):
        self.assertEqual(self.event["logentry"]["params"], [FILTERED])


class ScrubBreadcrumbTests(SimpleTestCase):
    def test_a_log_breadcrumb_loses_emails_and_personal_fields(self):
        crumb = scrub_breadcrumb(
            {
                "type": "log",
                "category": "django.request",
                "message": f"Bad Request: /donations/?email={DONOR_EMAIL}",
                "data": {"display_name": DONOR_NAME, "status_code": 400},
            },
            {},
        )

        self.assertEqual(
            crumb,
            {
                "type": "log",
                "category": "django.request",
                "message": "Bad Request: /donations/?email=[Filtered]",
                "data": {"display_name": FILTERED, "status_code": 400},
            },
        )

    def test_an_http_breadcrumb_loses_a_percent_encoded_email(self):
        crumb = scrub_breadcrumb(
            {
                "type": "http",
                "category": "httplib",
                "data": {
                    "url": "https://api.stripe.com/v1/customers?email=ada%40example.org"
                },
            },
            {},
        )

        self.assertEqual(
            crumb["data"]["url"], "https://api.stripe.com/v1/customers?email=[Filtered]"
        )


def run_python(script, **env):
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SENTRY_", "DATABASE_URL", "REDIS_URL"))
    }
    environ.update(env, DJANGO_SETTINGS_MODULE="factually.settings")
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0:
        raise AssertionError(result.stderr)
    return result.stdout.strip().splitlines()[-1]


SENTRY_STATE = """
import sentry_sdk
from factually import settings
client = sentry_sdk.get_client()
options = client.options
print(
    client.is_active(),
    options["send_default_pii"],
    getattr(options["before_send"], "__name__", None),
    getattr(options["before_breadcrumb"], "__name__", None),
    options["max_request_body_size"],
)
"""

# A view that fails while handling a donor's POST, reached through the WSGI
# application as gunicorn would call it; the events that reach the transport
# are printed as JSON.
FAILING_REQUEST = """
import io, json, sys, types
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

import sentry_sdk
from django.test import override_settings
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from sentry_sdk.transport import Transport

from factually.wsgi import application

events = []

class CapturingTransport(Transport):
    def capture_envelope(self, envelope):
        for item in envelope.items:
            if item.type == "event":
                events.append(item.payload.json)

sentry_sdk.get_client().transport = CapturingTransport()

@csrf_exempt
def boom(request):
    raise ValueError("No campaign for " + request.POST["email"])

urls = types.ModuleType("failing_urls")
urls.urlpatterns = [path("boom/", boom), path("", include("factually.urls"))]
sys.modules["failing_urls"] = urls

body = urlencode({"email": "ada@example.org", "display_name": "Ada Lovelace"}).encode()
environ = {
    "REQUEST_METHOD": "POST",
    "PATH_INFO": "/boom/",
    "QUERY_STRING": "q=ada%40example.org",
    "HTTP_HOST": "testserver",
    "HTTP_COOKIE": "sessionid=abc123",
    "HTTP_X_REAL_IP": "203.0.113.7",
    "REMOTE_ADDR": "203.0.113.7",
    "CONTENT_TYPE": "application/x-www-form-urlencoded",
    "CONTENT_LENGTH": str(len(body)),
    "wsgi.input": io.BytesIO(body),
}
setup_testing_defaults(environ)
statuses = []
storages = {
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
with override_settings(ROOT_URLCONF="failing_urls", STORAGES=storages):
    b"".join(application(environ, lambda status, headers: statuses.append(status)))
sentry_sdk.flush()
print(statuses[0].split()[0], json.dumps(events))
"""


class SentrySettingsTests(SimpleTestCase):
    def test_sentry_is_off_without_a_dsn(self):
        self.assertEqual(run_python(SENTRY_STATE).split()[:1], ["False"])

    def test_sentry_is_on_with_a_dsn_and_sends_no_personal_data(self):
        self.assertEqual(
            run_python(SENTRY_STATE, SENTRY_DSN="https://key@127.0.0.1/1"),
            "True False scrub scrub_breadcrumb never",
        )

    def test_a_server_error_reaches_sentry_without_the_donor(self):
        status, events = run_python(
            FAILING_REQUEST, SENTRY_DSN="https://key@127.0.0.1/1"
        ).split(" ", 1)
        events = json.loads(events)

        self.assertEqual(status, "500")
        self.assertEqual(len(events), 1)
        event = events[0]
        self.assertEqual(
            event["exception"]["values"][-1]["value"], "No campaign for [Filtered]"
        )
        request = event["request"]
        self.assertEqual(request["url"], "http://testserver/boom/")
        self.assertEqual(request["method"], "POST")
        self.assertEqual(request["data"], FILTERED)
        text = json.dumps(event)
        for personal in (
            "ada@example.org",
            "ada%40example.org",
            "Lovelace",
            "abc123",
            "203.0.113.7",
        ):
            self.assertNotIn(personal, text)
