"""
Copy the files under MEDIA_ROOT (social cards written to disk before media
moved to the database) into the media storage, so that every app server
serves them. A name already stored is left alone, so the command can run
again; --dry-run lists what it would copy.

    python manage.py copy_media_to_storage --dry-run
    python manage.py copy_media_to_storage
"""

from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Copy files from MEDIA_ROOT into the media storage (the database)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be copied"
        )

    def handle(self, *, dry_run, verbosity, **options):
        root = Path(settings.MEDIA_ROOT)
        if not root.is_dir():
            self.stdout.write(f"Nothing to copy: there is no folder {root}.")
            return
        copied = stored = 0
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            name = path.relative_to(root).as_posix()
            if default_storage.exists(name):
                stored += 1
                continue
            if not dry_run:
                with path.open("rb") as file:
                    default_storage.save(name, File(file))
            copied += 1
            if verbosity >= 2:
                self.stdout.write(f"  {name}")
        verb = "Would copy" if dry_run else "Copied"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {copied} file(s); {stored} already stored.")
        )
