"""
CPU time to preview the worst article the limits allow: as many characters
as an article may hold, with as much of the costliest Markdown found (“![”,
about 25 µs a character in markdown-it) as the limits allow.

    DJANGO_DEBUG=1 .venv/bin/python bench/render_limits.py

It builds the article in a throwaway SQLite database in memory.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factually.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ["DATABASE_URL"] = "sqlite://:memory:"
os.environ.pop("REDIS_URL", None)

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0)

from articles.factchecks import publishing  # noqa: E402
from articles.factchecks import render_limits as limits  # noqa: E402
from articles.factchecks.shape import load  # noqa: E402
from tests.articles.test_editing import worst_allowed_article  # noqa: E402

article = worst_allowed_article()
draft = load(article)
assert limits.draft_problems(draft) == []
for attempt in range(3):
    cache.clear()
    started = time.process_time()
    publishing.preview(draft)
    cold = time.process_time() - started
    started = time.process_time()
    publishing.preview(draft)
    warm = time.process_time() - started
    print(
        f"run {attempt + 1}: first preview {cold:.2f} s CPU, cached {warm * 1000:.1f} ms"
    )
