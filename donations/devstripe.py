"""
A stand-in for Stripe on 127.0.0.1, for trying the whole giving journey on a
laptop (`make run-payments`, or `manage.py fake_stripe`). Never for
production: the management command refuses to start unless DEBUG is on.

It answers the calls the site makes (Checkout Sessions create and retrieve,
Billing Portal sessions create) and serves a pretend checkout page at each
session's url. Paying there with a test card number marks the session paid,
delivers a signed `checkout.session.completed` event to the site's webhook,
as Stripe would, and sends the browser on to the thank-you page. The event
is delivered before the redirect, so the goal has moved by the time the
thank-you page is shown.
"""

import html
import itertools
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import stripe

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
# The card numbers the stand-in's checkout page understands, as Stripe's
# test mode does: the first pays, the second is declined.
PAYING_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"


class DevStripe:
    """What the stand-in holds: its sessions, and where to send events."""

    def __init__(self, *, webhook_url, webhook_secret, livemode=False):
        self.webhook_url = webhook_url
        self.livemode = livemode
        self.webhook_secret = webhook_secret
        self.base_url = ""
        self.sessions = {}
        # Reentrant: paying takes new ids while it holds the lock.
        self.lock = threading.RLock()
        self._ids = itertools.count(1)

    def new_id(self, prefix):
        with self.lock:
            return f"{prefix}_local{next(self._ids):06d}{int(time.time())}"

    def create_session(self, params):
        session_id = self.new_id("cs_test")
        mode = params.get("mode")
        quantity = int(params.get("line_items[0][quantity]", "1") or 1)
        amount = int(params.get("line_items[0][price_data][unit_amount]", "0") or 0)
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": mode,
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": amount * quantity,
            "currency": params.get("line_items[0][price_data][currency]"),
            "metadata": {
                key[len("metadata[") : -1]: value
                for key, value in params.items()
                if key.startswith("metadata[")
            },
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "customer": None,
            "customer_details": None,
            "payment_intent": None,
            "invoice": None,
            "subscription": None,
            "livemode": False,
            "url": f"{self.base_url}/pay/{session_id}",
        }
        with self.lock:
            self.sessions[session_id] = session
        return session

    def pay(self, session, *, email):
        """Mark the session paid, as Stripe does once the card is charged."""
        with self.lock:
            session.update(
                status="complete",
                payment_status="paid",
                customer=self.new_id("cus"),
                customer_details={"email": email, "name": ""},
            )
            if session["mode"] == "subscription":
                session.update(
                    invoice=self.new_id("in"), subscription=self.new_id("sub")
                )
            else:
                session["payment_intent"] = self.new_id("pi")
        return session

    def deliver(self, event_type, obj):
        """POST a signed event to the site's webhook; returns the HTTP status."""
        payload = json.dumps(
            {
                "id": self.new_id("evt"),
                "object": "event",
                "type": event_type,
                "livemode": self.livemode,
                "created": int(time.time()),
                "data": {"object": obj},
            }
        )
        header = stripe.WebhookSignature.generate_signature_header(
            payload, self.webhook_secret
        )
        request = urllib.request.Request(
            self.webhook_url,
            data=payload.encode(),
            headers={"Content-Type": "application/json", "Stripe-Signature": header},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError as exc:
            logger.error(
                "Could not deliver %s to %s: %s", event_type, self.webhook_url, exc
            )
            return None


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Local Stripe stand-in: pay</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 28rem; margin: 2rem auto;
  padding: 0 1rem; color: #1b1f24; }}
.test {{ background: #fff6dc; padding: 0.5rem 0.75rem; border-left: 4px solid #9a6700; }}
.error {{ color: #8a1c1c; font-weight: 700; }}
label {{ display: block; margin: 1rem 0 0.3rem; font-weight: 600; }}
input {{ width: 100%; padding: 0.5rem; font: inherit; box-sizing: border-box; }}
button {{ margin-top: 1.25rem; padding: 0.7rem 1.4rem; font: inherit; font-weight: 700;
  background: #17315c; color: #fff; border: 0; border-radius: 6px; }}
</style></head><body>
<p class="test">Local stand-in for Stripe: no real money moves. Pay with the
test card <strong>4242 4242 4242 4242</strong> (any future date, any CVC);
4000 0000 0000 0002 is declined.</p>
<h1>{amount}{monthly}</h1>
{error}
<form method="post">
<label for="email">Email</label>
<input id="email" name="email" type="email" value="{email}" required>
<label for="card">Card number</label>
<input id="card" name="card" inputmode="numeric" autocomplete="off"
  placeholder="4242 4242 4242 4242" value="{card}" required>
<button type="submit">Pay</button>
</form>
<p><a href="{cancel_url}">Cancel and go back</a></p>
</body></html>
"""


def checkout_page(session, *, email="reader@example.org", card="", error=""):
    amount = f"{session['amount_total'] / 100:.2f} {session['currency'].upper()}"
    return PAGE.format(
        amount=html.escape(amount),
        monthly=" a month" if session["mode"] == "subscription" else "",
        error=f'<p class="error" role="alert">{html.escape(error)}</p>'
        if error
        else "",
        email=html.escape(email),
        card=html.escape(card),
        cancel_url=html.escape(session["cancel_url"] or ""),
    )


def _handler(fake):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):
            logger.info("%s %s", self.address_string(), format % args)

        def send(self, status, body, content_type, headers=None):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def json(self, status, body):
            self.send(status, json.dumps(body), "application/json")

        def not_found(self, what):
            self.json(
                404,
                {
                    "error": {
                        "type": "invalid_request_error",
                        "code": "resource_missing",
                        "message": f"No such {what}",
                    }
                },
            )

        def read(self):
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else parts.query
            return parts.path, dict(parse_qsl(body, keep_blank_values=True))

        def session(self, path):
            with fake.lock:
                return fake.sessions.get(path.rsplit("/", 1)[-1])

        def do_GET(self):
            path, _ = self.read()
            session = self.session(path)
            if path.startswith("/v1/checkout/sessions/"):
                if session is None:
                    self.not_found("checkout.session")
                else:
                    self.json(200, session)
            elif path.startswith("/pay/") and session is not None:
                self.send(200, checkout_page(session), "text/html; charset=utf-8")
            elif path == "/favicon.ico":
                # Browsers ask for it on the checkout page: no icon, no error.
                self.send(204, "", "image/x-icon")
            elif path.startswith("/portal/"):
                self.send(
                    200,
                    "<p>The local stand-in has no customer portal.</p>",
                    "text/html; charset=utf-8",
                )
            else:
                self.not_found(path)

        def do_POST(self):
            path, params = self.read()
            if path == "/v1/checkout/sessions":
                self.json(200, fake.create_session(params))
            elif path == "/v1/billing_portal/sessions":
                portal_id = fake.new_id("bps")
                self.json(
                    200,
                    {
                        "id": portal_id,
                        "object": "billing_portal.session",
                        "customer": params.get("customer"),
                        "return_url": params.get("return_url"),
                        "url": f"{fake.base_url}/portal/{portal_id}",
                    },
                )
            elif path.startswith("/pay/") and (session := self.session(path)):
                self.pay(session, params)
            else:
                self.not_found(path)

        def pay(self, session, params):
            email = params.get("email", "").strip()
            card = "".join(ch for ch in params.get("card", "") if ch.isdigit())
            error = ""
            if session["status"] == "complete":
                error = "This session is already paid."
            elif not email or "@" not in email:
                error = "Enter an email address for the receipt."
            elif card == DECLINED_CARD:
                error = "Your card was declined. Nothing was charged."
            elif card != PAYING_CARD:
                error = "Use the test card number 4242 4242 4242 4242."
            if error:
                page = checkout_page(
                    session, email=email, card=params.get("card", ""), error=error
                )
                self.send(402, page, "text/html; charset=utf-8")
                return
            fake.pay(session, email=email)
            status = fake.deliver("checkout.session.completed", session)
            logger.info("Delivered the payment of %s: HTTP %s", session["id"], status)
            target = session["success_url"].replace(
                "{CHECKOUT_SESSION_ID}", session["id"]
            )
            self.send(303, "", "text/plain", headers={"Location": target})

    return Handler


def server(*, port, webhook_url, webhook_secret):
    """The stand-in's HTTP server on 127.0.0.1 (port 0: any free port)."""
    # Its events are test-mode events, as Stripe's test keys give: a site
    # in debug (STRIPE_LIVEMODE off) records them.
    fake = DevStripe(webhook_url=webhook_url, webhook_secret=webhook_secret)
    httpd = ThreadingHTTPServer((HOST, port), _handler(fake))
    fake.base_url = f"http://{HOST}:{httpd.server_port}"
    httpd.fake = fake
    return httpd
