"""
What every benchmark under bench/ runs with: the production settings (debug
off, no HTTPS redirect, quiet logs, stand-in secrets), then Django set up
from the repository. Each script adds its own database, cache and host.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def configure(*, host, **environment):
    """Set the production-like environment, plus `environment`, for Django."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="factually.settings",
        DJANGO_DEBUG="0",
        DJANGO_HTTPS="0",
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "bench-" + "x" * 50),
        ALLOWED_HOSTS=host,
        STRIPE_WEBHOOK_SECRET=os.environ.get("STRIPE_WEBHOOK_SECRET", "whsec_bench"),
        DJANGO_LOG_LEVEL="WARNING",
        **environment,
    )


def setup_django():
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
