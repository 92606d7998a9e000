"""
What error reports may carry to Sentry: nothing that identifies a donor,
a reader or a member of staff.

settings.py switches sentry-sdk on only when SENTRY_DSN is set, with
send_default_pii off (so the SDK adds no user, cookies, IP or sensitive
headers of its own) and request bodies off. These hooks then remove what
could still slip through: email addresses anywhere in an event, the values
of fields known to hold personal data (a donor's email or public name, a
Stripe customer's details, addresses, tokens), request bodies, cookies and
client addresses, whatever path put them there (an exception message, a log
line, a breadcrumb, a query string).
"""

import re
from urllib.parse import parse_qsl, urlencode

FILTERED = "[Filtered]"

# An address, also when percent-encoded in a URL (ada%40example.org).
EMAIL = re.compile(r"[\w.+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+", re.I)

# Keys whose values are personal data, compared lowercased with "-" as "_".
# They are matched inside the parts of an event that carry the site's data
# (request, extra, tags, breadcrumbs, stack frames), not in the SDK's own
# structure (contexts, sdk), where "name" is a library or an operating system.
PERSONAL_KEYS = frozenset(
    {
        # Donors and supporters.
        "email",
        "email_address",
        "receipt_email",
        "customer_email",
        "email_hash",
        "display_name",
        "public_name",
        "publicname",
        "name",
        "first_name",
        "last_name",
        "full_name",
        "phone",
        "address",
        "line1",
        "line2",
        "city",
        "postal_code",
        "customer_details",
        "billing_details",
        "shipping",
        "shipping_details",
        "custom_fields",
        # Staff and readers.
        "user",
        "username",
        "password",
        "ip_address",
        "remote_addr",
        "x_forwarded_for",
        "x_real_ip",
        # Credentials.
        "cookie",
        "cookies",
        "set_cookie",
        "authorization",
        "proxy_authorization",
        "stripe_signature",
        "csrfmiddlewaretoken",
        "csrftoken",
        "sessionid",
        # SQL parameters, when an integration records them.
        "db.params",
        # Search terms, in the admin a donor's name or address.
        "q",
    }
)


def scrub(event, hint=None):
    """sentry-sdk's before_send: the event without personal data."""
    event.pop("user", None)
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies"):
            if key in request:
                request[key] = FILTERED
        if isinstance(request.get("query_string"), str):
            request["query_string"] = _scrub_query_string(request["query_string"])
    for key in ("request", "extra", "tags"):
        if key in event:
            event[key] = _redact(event[key])
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict) and isinstance(breadcrumbs.get("values"), list):
        breadcrumbs["values"] = [_redact(crumb) for crumb in breadcrumbs["values"]]
    for frame in _frames(event):
        if "vars" in frame:
            frame["vars"] = _redact(frame["vars"])
    # Whatever is left, messages and exception texts included, loses its
    # email addresses.
    return _redact_emails(event)


def scrub_breadcrumb(crumb, hint=None):
    """sentry-sdk's before_breadcrumb: the breadcrumb without personal data."""
    return _redact(crumb)


def _frames(event):
    for exception in (event.get("exception") or {}).get("values") or []:
        yield from (exception.get("stacktrace") or {}).get("frames") or []
    for thread in (event.get("threads") or {}).get("values") or []:
        yield from (thread.get("stacktrace") or {}).get("frames") or []


def _is_personal(key):
    return isinstance(key, str) and key.lower().replace("-", "_") in PERSONAL_KEYS


def _redact(value):
    """Personal keys' values filtered and email addresses removed, recursively."""
    if isinstance(value, dict):
        return {
            key: FILTERED if _is_personal(key) else _redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        # Headers arrive as [name, value] pairs in some integrations.
        if len(value) == 2 and _is_personal(value[0]):
            return [value[0], FILTERED]
        return [_redact(item) for item in value]
    return _redact_emails(value)


def _redact_emails(value):
    if isinstance(value, str):
        return EMAIL.sub(FILTERED, value)
    if isinstance(value, dict):
        return {key: _redact_emails(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_emails(item) for item in value]
    return value


def _scrub_query_string(query_string):
    pairs = parse_qsl(query_string, keep_blank_values=True)
    return urlencode(
        [(key, FILTERED if _is_personal(key) else value) for key, value in pairs]
    )
