"""
Setting values that take more than a line to read from the environment:
lists, the database, the cache, the media storage and the mailer, each from
one variable (or a few). settings.py says what each setting is for and
calls these; it stays the one settings module for every environment.

Imported while settings load, so this module uses only the standard
library and dj_database_url, never Django's configured parts.
"""

import os
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_list(name, default=""):
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


def database(base_dir):
    """DATABASE_URL's database, else an SQLite file in the project folder."""
    config = dj_database_url.config(
        default=f"sqlite:///{base_dir / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    if config["ENGINE"] == "django.db.backends.postgresql":
        options = config.setdefault("OPTIONS", {})
        # Fail fast when the server is down, so /readyz answers instead of
        # hanging.
        options.setdefault("connect_timeout", 5)
        # A request gives up on a statement that runs (or waits for a lock)
        # longer than this many milliseconds, and gets the 503 page
        # (factually/outage.py): a hung database then holds each worker thread
        # a few seconds, not until gunicorn kills it, and cached pages keep
        # flowing. manage.py sets 0 (no limit) for commands, migrations and the
        # task worker, unless the variable is set.
        statement_timeout = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "5000"))
        if statement_timeout:
            options["options"] = (
                f"{options.get('options', '')} -c statement_timeout={statement_timeout}"
            ).strip()
    return config


def cache():
    """The default cache: Redis at REDIS_URL, else this process's memory."""
    if redis_url := os.environ.get("REDIS_URL"):
        return {
            "BACKEND": "factually.cache.ResilientRedisCache",
            "LOCATION": redis_url,
            # Sites (or a benchmark's servers) sharing one Redis database.
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", ""),
            "OPTIONS": {
                "socket_connect_timeout": float(
                    os.environ.get("REDIS_CONNECT_TIMEOUT", "0.25")
                ),
                "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", "0.5")),
            },
        }
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


def media_storage():
    """The bucket MEDIA_S3_BUCKET names, else the database."""
    if bucket := os.environ.get("MEDIA_S3_BUCKET"):
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": os.environ.get("MEDIA_S3_ENDPOINT_URL") or None,
                "region_name": os.environ.get("MEDIA_S3_REGION") or None,
                "custom_domain": os.environ.get("MEDIA_S3_CUSTOM_DOMAIN") or None,
                "querystring_auth": False,
                "file_overwrite": False,
                "object_parameters": {
                    "CacheControl": "public, max-age=31536000, immutable"
                },
            },
        }
    return {"BACKEND": "factually.storage.DatabaseStorage"}


EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


def mailer_from_url(url):
    """The MAILERS entry an EMAIL_URL stands for."""
    parts = urlsplit(url)
    if parts.scheme not in EMAIL_BACKENDS:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with one of {', '.join(EMAIL_BACKENDS)}:// "
            f"(got {parts.scheme or 'nothing'})."
        )
    mailer = {"BACKEND": EMAIL_BACKENDS[parts.scheme]}
    if parts.scheme in ("smtp", "smtps"):
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        mailer["OPTIONS"] = {
            "host": parts.hostname or "localhost",
            "port": parts.port or (465 if parts.scheme == "smtps" else 25),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_tls": options.get("tls") == "1",
            "use_ssl": parts.scheme == "smtps" or options.get("ssl") == "1",
            "timeout": int(options.get("timeout", "10")),
        }
    return mailer
