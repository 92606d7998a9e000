"""
A small stand-in for Stripe's API on 127.0.0.1, for the stripe library to
talk to for real (STRIPE_API_BASE points at it). It implements the calls the
site makes: Checkout Sessions create and retrieve, Billing Portal sessions
create. It records every request so tests can check what the site sent, and
serves a pretend payment page at each session's url, which marks the session
paid and sends the browser to its success_url as Stripe would.
"""

import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from django.test import override_settings

SECRET_KEY = "sk_test_fake_for_tests_only"


@dataclass
class Request:
    method: str
    path: str
    params: dict
    authorization: str


@dataclass
class FakeStripe:
    """The server's state: what it was asked, and the sessions it holds."""

    base_url: str = ""
    requests: list[Request] = field(default_factory=list)
    sessions: dict[str, dict] = field(default_factory=dict)
    # Set to an HTTP status to make the next API calls fail with it.
    failing: int | None = None
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def api_requests(self, path_prefix="/v1/"):
        return [r for r in self.requests if r.path.startswith(path_prefix)]

    def new_id(self, prefix):
        return f"{prefix}_fake{next(self._ids):05d}"

    def pay(self, session_id, *, customer="cus_fake_paid"):
        session = self.sessions[session_id]
        session.update(status="complete", payment_status="paid", customer=customer)
        return session


def _session_from(params, fake, session_id):
    quantity = int(params.get("line_items[0][quantity]", "1"))
    amount = int(params.get("line_items[0][price_data][unit_amount]", "0"))
    metadata = {
        key[len("metadata[") : -1]: value
        for key, value in params.items()
        if key.startswith("metadata[")
    }
    return {
        "id": session_id,
        "object": "checkout.session",
        "mode": params.get("mode"),
        "status": "open",
        "payment_status": "unpaid",
        "amount_total": amount * quantity,
        "currency": params.get("line_items[0][price_data][currency]"),
        "metadata": metadata,
        "success_url": params.get("success_url"),
        "cancel_url": params.get("cancel_url"),
        "customer": None,
        "url": f"{fake.base_url}/pay/{session_id}",
    }


def _handler(fake):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def reply(self, status, body, headers=None):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def not_found(self, what):
            self.reply(
                404,
                {
                    "error": {
                        "type": "invalid_request_error",
                        "code": "resource_missing",
                        "message": f"No such {what}",
                    }
                },
            )

        def record(self):
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else parts.query
            params = dict(parse_qsl(body, keep_blank_values=True))
            fake.requests.append(
                Request(
                    self.command,
                    parts.path,
                    params,
                    self.headers.get("Authorization", ""),
                )
            )
            return parts.path, params

        def failed(self, path):
            if fake.failing and path.startswith("/v1/"):
                self.reply(
                    fake.failing,
                    {"error": {"type": "api_error", "message": "Stripe is down."}},
                )
                return True
            return False

        def do_POST(self):
            path, params = self.record()
            if self.failed(path):
                return
            if path == "/v1/checkout/sessions":
                session_id = fake.new_id("cs_test")
                fake.sessions[session_id] = _session_from(params, fake, session_id)
                self.reply(200, fake.sessions[session_id])
            elif path == "/v1/billing_portal/sessions":
                portal_id = fake.new_id("bps")
                self.reply(
                    200,
                    {
                        "id": portal_id,
                        "object": "billing_portal.session",
                        "customer": params.get("customer"),
                        "return_url": params.get("return_url"),
                        "url": f"{fake.base_url}/portal/{portal_id}",
                    },
                )
            else:
                self.not_found(path)

        def do_GET(self):
            path, _ = self.record()
            if self.failed(path):
                return
            if path.startswith("/v1/checkout/sessions/"):
                session = fake.sessions.get(path.rsplit("/", 1)[-1])
                if session is None:
                    self.not_found("checkout.session")
                else:
                    self.reply(200, session)
            elif path.startswith("/pay/"):
                # The pretend payment page: the reader pays at once.
                session = fake.sessions.get(path.rsplit("/", 1)[-1])
                if session is None:
                    self.not_found("checkout.session")
                    return
                fake.pay(session["id"])
                target = session["success_url"].replace(
                    "{CHECKOUT_SESSION_ID}", session["id"]
                )
                self.reply(303, {}, headers={"Location": target})
            elif path.startswith("/portal/"):
                self.reply(200, {"portal": path})
            else:
                self.not_found(path)

    return Handler


class running_fake_stripe:
    """Start the fake on a free port and point the site's settings at it."""

    def __enter__(self):
        self.fake = FakeStripe()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.fake))
        self.fake.base_url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.settings = override_settings(
            STRIPE_SECRET_KEY=SECRET_KEY, STRIPE_API_BASE=self.fake.base_url
        )
        self.settings.enable()
        return self.fake

    def __exit__(self, *exc_info):
        self.settings.disable()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class FakeStripeMixin:
    """For TestCase classes: self.stripe is a fresh fake for each test."""

    def setUp(self):
        super().setUp()
        running = running_fake_stripe()
        self.stripe = running.__enter__()
        self.addCleanup(running.__exit__, None, None, None)
