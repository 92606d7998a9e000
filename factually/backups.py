"""
Backups that are known to restore: one zip file holding the whole database
(every app's rows, written by Django's serialiser with natural keys, so that
it loads into any database Django supports) and every stored file a row
names (social cards), read and written through the default storage.

`manage.py backup FILE` writes one; `manage.py restore FILE` loads it into
an empty database. Tests restore a backup of the demo site with its history
and compare every public page and the admin history with the original.

For PostgreSQL in production, pg_dump and WAL archiving give point-in-time
recovery as well (see the operators' guide); this file is the portable,
tested whole-site copy, independent of the database engine.
"""

import json
import tempfile
import zipfile
from io import StringIO
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from factually import pagecache

FORMAT = 1
DATA = "data.json"
MANIFEST = "manifest.json"
MEDIA = "media/"
# Rebuilt by `migrate` on the restoring side (and referred to by natural
# key), or not worth keeping: sessions only log people out.
EXCLUDED = ["contenttypes", "auth.permission", "sessions"]


class BackupError(Exception):
    """A backup that cannot be written or restored, said in a sentence."""


def _migrations() -> list[str]:
    return sorted(
        f"{app}.{name}"
        for app, name in MigrationRecorder(connection).applied_migrations()
    )


def stored_files() -> list[str]:
    """The names of every stored file a row refers to, once each."""
    names = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                names.update(
                    model._default_manager.exclude(**{field.name: ""})
                    .exclude(**{f"{field.name}__isnull": True})
                    .values_list(field.name, flat=True)
                )
    return sorted(names)


def write(path) -> dict:
    """Write the backup to `path`; returns its manifest."""
    data = StringIO()
    call_command(
        "dumpdata",
        natural_foreign=True,
        natural_primary=True,
        exclude=EXCLUDED,
        stdout=data,
        verbosity=0,
    )
    missing = []
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": connection.vendor,
        "migrations": _migrations(),
        "files": [],
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DATA, data.getvalue())
        for name in stored_files():
            if not default_storage.exists(name):
                missing.append(name)
                continue
            with default_storage.open(name, "rb") as stored:
                archive.writestr(MEDIA + name, stored.read())
            manifest["files"].append(name)
        manifest["missing_files"] = missing
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
    return manifest


def is_empty() -> bool:
    """
    Whether this database holds nothing but what `migrate` puts there: no
    account and no row of the site's own content.
    """
    if get_user_model()._default_manager.exists():
        return False
    for label in ("articles.Article", "sources.Source", "donations.Donation"):
        if apps.get_model(label)._default_manager.exists():
            return False
    return True


def _read_manifest(archive) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
        archive.getinfo(DATA)
    except (KeyError, ValueError) as error:
        raise BackupError(f"This is not a Factually backup ({error}).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"This backup is in format {manifest.get('format')!r}; "
            f"this release reads format {FORMAT}."
        )
    ahead = sorted(set(manifest["migrations"]) - set(_migrations()))
    if ahead:
        raise BackupError(
            "This backup was made by a newer release: its database has "
            f"migrations this one lacks ({', '.join(ahead[:5])}). Restore it "
            "with the release that made it."
        )
    return manifest


def restore(path) -> dict:
    """
    Load the backup at `path` into this (migrated, empty) database and its
    files into the default storage; returns its manifest. Refuses, changing
    nothing, when the database already holds content.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"Cannot read {path}: {error}") from None
    with archive:
        manifest = _read_manifest(archive)
        if not is_empty():
            raise BackupError(
                "This database already holds accounts or content: restore into "
                "an empty database (create it, run `manage.py migrate`, then "
                "restore)."
            )
        # The rows migrations made (the roles' groups, the about pages) are
        # in the backup too, as they were: start from none of them.
        with tempfile.TemporaryDirectory() as folder, transaction.atomic():
            call_command("flush", interactive=False, verbosity=0)
            fixture = Path(folder) / DATA
            fixture.write_bytes(archive.read(DATA))
            call_command("loaddata", fixture, verbosity=0)
        for name in manifest["files"]:
            if not default_storage.exists(name):
                default_storage.save(name, ContentFile(archive.read(MEDIA + name)))
    # Pages cached before the restore describe another database.
    pagecache.invalidate_all()
    return manifest
