"""
Settings for Factually: one module for every environment.

Anything that differs between a laptop, CI and production comes from an
environment variable; tests change settings with override_settings.
"""

import hashlib
import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from factually import environment, stylesheets
from factually.environment import env_list, mailer_from_url

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = os.environ.get("DJANGO_DEBUG") == "1"

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set unless DJANGO_DEBUG=1 "
            "(for local development, use `make run`)."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "factually.apps.FactuallyAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "reversion",
    "django_tasks_db",
    "factually",
    "audit",
    "sources",
    "articles",
    "donations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Serving readers, outermost first: a cached page is turned into a 304
    # when the reader's copy is current, and served before anything below
    # could touch the database (see factually/pagecache/). Pages the cache
    # stores are compressed already: brotli, else gzip.
    "django.middleware.http.ConditionalGetMiddleware",
    "factually.pagecache.PageCacheMiddleware",
    "factually.frontendcache.TagMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "factually.compression.BrotliMiddleware",
    # Joins the donation banner into pages before they are compressed.
    "factually.pagecache.PiecesMiddleware",
    "factually.outage.DatabaseOutageMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "factually.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "factually.wsgi.application"

# An SQLite file in the project folder unless DATABASE_URL says otherwise, so
# that `make run` works on a machine with nothing else installed.
DATABASES = {"default": environment.database(BASE_DIR)}

# Redis when REDIS_URL is set, shared by every app server. Every value in it
# can be rebuilt from the database, so the backend answers a miss rather
# than an error while Redis is unreachable (factually/cache.py), and gives
# up quickly on a Redis that does not answer.
CACHES = {"default": environment.cache()}

# The page cache for anonymous readers (factually/pagecache/): which cache,
# how long a page may stay at most (invalidation is explicit; this is a
# safety net), and paths never cached, whatever their headers say.
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_TIMEOUT = int(os.environ.get("PAGE_CACHE_TIMEOUT", str(60 * 60)))
PAGE_CACHE_EXCLUDED_PATHS = ["/admin/", "/preview/", "/donations/stripe/", "/media/"]
# With Redis, each process also keeps the pages it serves most in memory for
# up to this many seconds, dropped at once when an invalidation is announced
# (0 turns that off; the test suite does, except where it tests it).
PAGE_CACHE_LOCAL_TIMEOUT = float(os.environ.get("PAGE_CACHE_LOCAL_TIMEOUT", "5"))
# Each process reads the invalidations recorded in the database this often,
# in a thread of its own, so that one Redis missed while unreachable is still
# applied (factually/pagecache/durable.py; 0 turns that off, as the test
# suite does in its own process).
PAGE_CACHE_DURABLE_INTERVAL = float(
    os.environ.get("PAGE_CACHE_DURABLE_INTERVAL", "0.5")
)

# A Varnish, Fastly or Cloudflare tier in front, purged by cache tag on every
# invalidation (factually/frontendcache.py): varnish:http://127.0.0.1:6081
# (several comma-separated), fastly or cloudflare with the keys below. Off
# when empty. The API addresses change only for tests.
FRONTEND_CACHE = os.environ.get("FRONTEND_CACHE", "")
FASTLY_SERVICE_ID = os.environ.get("FASTLY_SERVICE_ID", "")
FASTLY_API_TOKEN = os.environ.get("FASTLY_API_TOKEN", "")
FASTLY_API_URL = os.environ.get("FASTLY_API_URL", "https://api.fastly.com")
CLOUDFLARE_ZONE_ID = os.environ.get("CLOUDFLARE_ZONE_ID", "")
CLOUDFLARE_API_TOKEN = os.environ.get("CLOUDFLARE_API_TOKEN", "")
CLOUDFLARE_API_URL = os.environ.get(
    "CLOUDFLARE_API_URL", "https://api.cloudflare.com/client/v4"
)

# Sessions are kept in the database (app servers stay stateless) and read
# through the cache, saving staff a query on every admin request.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Date and time formats for English, used by templates and Python alike.
FORMAT_MODULE_PATH = ["factually.formats"]

STATIC_URL = "static/"
# Files the site writes (social preview cards), where every app server reads
# them: in the database, served at MEDIA_URL by the app (factually/storage.py),
# or, with MEDIA_S3_BUCKET set, in an S3-compatible bucket through
# django-storages (pip install "factually[s3]"; credentials from AWS_* as boto3
# reads them). MEDIA_ROOT only holds files `copy_media_to_storage` moves over.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_STORAGE = environment.media_storage()
# collectstatic's target; the benchmark and the server tests collect into a
# folder of their own.
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security. HTTPS settings follow DJANGO_HTTPS, which is on by default when
# debug is off; set DJANGO_HTTPS=0 only to try a production-like server over
# plain HTTP on a laptop.
HTTPS = os.environ.get("DJANGO_HTTPS", "0" if DEBUG else "1") == "1"
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Load balancers probe over plain HTTP; a redirect would read as a failure.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
behind_proxy = os.environ.get("DJANGO_BEHIND_PROXY") == "1"
if behind_proxy:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The proxies (addresses or networks) whose X-Real-IP header names the
# client: login throttling and every per-client limit key on it
# (factually/clients.py). The shipped nginx configuration sets that header
# to the address it saw. A request from anywhere else is keyed on its own
# connection address, whatever headers it sends. Behind a proxy on this
# host the default is right; list the proxy's address when it runs on
# another machine.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1" if behind_proxy else "")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    # Stylesheets from our origin, and the inlined ones by their hash
    # (factually/stylesheets.py); never 'unsafe-inline'.
    "style-src": [CSP.SELF, stylesheets.csp_source()],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a commitment made by submitting the domain to browser
    # vendors, a decision for the operator rather than a default.
    "security.W021",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["stdout"], "level": "INFO"},
    "loggers": {
        "django": {
            "handlers": ["stdout"],
            "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
    },
}

LOGIN_URL = "admin:login"

# A long fact check's change form posts about 2,000 fields (60 sections, 20
# claims, 200 citations); past Django's default of 1,000 the save would be
# refused with a bare 400 and the edit lost. The texts' own limits
# (articles.factchecks.render_limits) stay far below this memory cap, so a post over them
# still reaches the form and gets its message, and so does a paste of
# several megabytes into "New fact check from text".
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Fetching a source's details from its page may reach only public
# addresses; tests turn this on to serve sample pages from 127.0.0.1.
SOURCE_FETCH_ALLOW_LOOPBACK = False
SOURCE_DOI_RESOLVER = "https://doi.org/"

# Donations. Stripe signs each webhook with the endpoint's signing secret;
# without it a forged "payment" could not be told from a real one.
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
if not STRIPE_WEBHOOK_SECRET:
    if not DEBUG:
        raise ImproperlyConfigured(
            "STRIPE_WEBHOOK_SECRET must be set unless DJANGO_DEBUG=1 "
            "(the signing secret of the Stripe webhook endpoint, whsec_...)."
        )
    STRIPE_WEBHOOK_SECRET = "whsec_local_development_only"
# Events from the other mode (test payments reaching the live site, or the
# reverse) are recorded and ignored. A staging site with test keys sets 0.
STRIPE_LIVEMODE = os.environ.get("STRIPE_LIVEMODE", "0" if DEBUG else "1") == "1"
# Supporters are told apart by an HMAC of their normalised email under this
# key. Changing it splits every supporter in two, so production should set it
# explicitly: the default derived from DJANGO_SECRET_KEY would change if that
# key were ever rotated.
SUPPORTER_HASH_KEY = (
    os.environ.get("SUPPORTER_HASH_KEY")
    or hashlib.sha256(
        f"factually.donations.supporter:{SECRET_KEY}".encode()
    ).hexdigest()
)
# A reader who closes the donation banner does not see it again for this many
# days (per campaign, remembered in their browser).
DONATION_BANNER_DISMISS_DAYS = int(os.environ.get("DONATION_BANNER_DISMISS_DAYS", "7"))
# Donors who gave at least this much this year (in minor units, e.g. cents)
# are named on the funding page, and only when they agreed to be named.
FUNDING_NAMED_DONOR_THRESHOLD = int(
    os.environ.get("FUNDING_NAMED_DONOR_THRESHOLD", "100000")
)

# Donations through Stripe Checkout. Without a secret key (local development)
# the support page says so and links to the campaign's Payment Link instead.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
# Where the stripe library sends API requests; tests point it at a local fake.
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "https://api.stripe.com")
# The largest gift the support page accepts, in the currency's main unit. A
# larger one is almost always a typo, and big donors talk to us first anyway.
DONATION_MAX_AMOUNT = int(os.environ.get("DONATION_MAX_AMOUNT", "10000"))
# A "manage my donation" link works once, for this many minutes.
DONATION_MANAGE_LINK_MINUTES = int(os.environ.get("DONATION_MANAGE_LINK_MINUTES", "60"))


def local_site_url(bind):
    """The address runserver answers on when given BIND ("8123", "0:8123", …)."""
    host, _, port = bind.rpartition(":")
    if host in ("", "0", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "[::]":
        host = "[::1]"
    return f"http://{host}:{port}"


# The site's own address, for links made without a request: in emails, and
# in the structured data, canonical and sharing tags rendered once when a
# version is published. In debug it follows BIND, the address `make run`
# serves on, so those links point where the local site answers.
if os.environ.get("SITE_URL"):
    SITE_URL = os.environ["SITE_URL"]
elif DEBUG:
    SITE_URL = local_site_url(os.environ.get("BIND", "127.0.0.1:8000"))
elif ALLOWED_HOSTS:
    SITE_URL = f"https://{ALLOWED_HOSTS[0]}"
else:
    SITE_URL = "http://127.0.0.1:8000"
# Fundraising staff get an email for any single gift of at least this much (in
# the gift's main currency unit); 0 turns the alert off.
DONATION_ALERT_AMOUNT = int(os.environ.get("DONATION_ALERT_AMOUNT", "1000"))


# Email, configured from one URL so every environment sets one variable:
#   smtp://user:password@host:587/?tls=1   (or ?ssl=1, or smtps://… for 465;
#   ?timeout=10 by default)   console://   locmem://   dummy://
# Debug defaults to printing mail on the console; production defaults to
# Django's own default, an SMTP server on localhost port 25. The URL becomes
# Django 6.1's MAILERS["default"]; other parts of the site send through it.
EMAIL_URL = os.environ.get("EMAIL_URL") or (
    "console://" if DEBUG else "smtp://localhost:25"
)
MAILERS = {"default": mailer_from_url(EMAIL_URL)}
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Factually <support@factually.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work (receipts, notifications, digests) through django.tasks,
# stored in the database and run by `manage.py db_worker` (make run starts
# one). Tasks are enqueued only after the transaction that needs them
# commits.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Login throttling (django-axes). Every login goes through AxesStandaloneBackend
# first, which refuses a locked-out username or client address before the
# ModelBackend computes a password hash. Five failures for one username (from
# anywhere) or from one address (for any username) lock that username or
# address out for the cool-off; a failure during the lockout restarts it.
# Superusers see attempts and lift lockouts in the admin (Axes) or with
# `manage.py axes_reset`.
INSTALLED_APPS.append("axes")
# Last, as django-axes asks: it turns a refused login into the lockout page.
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
# The client address, here and in every per-client limit, is the one
# factually.clients.client_address() gives (see TRUSTED_PROXIES).
AXES_CLIENT_IP_CALLABLE = "factually.clients.client_address"

# Error reporting (sentry-sdk), only when SENTRY_DSN is set. Events leave
# without personal data: no cookies, headers, user or IP (send_default_pii
# off), no request bodies, and factually.sentry.scrub() removes email
# addresses and donor fields from whatever remains.
if SENTRY_DSN := os.environ.get("SENTRY_DSN"):
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    from factually.sentry import scrub, scrub_breadcrumb

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=scrub,
        before_send_transaction=scrub,
        before_breadcrumb=scrub_breadcrumb,
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
