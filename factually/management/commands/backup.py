"""
Write a backup of the whole site, its database and its stored files, to one
file that `manage.py restore` loads into an empty database:

    python manage.py backup factually-2026-12-07.zip

Run it on a schedule (see the operators' guide); it reads only, so it is
safe while the site serves.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from factually import backups


class Command(BaseCommand):
    help = "Write the database and stored files to one backup file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file to write (a .zip)")
        parser.add_argument(
            "--force", action="store_true", help="overwrite an existing file"
        )

    def handle(self, *args, file, force, **options):
        path = Path(file)
        if path.exists() and not force:
            raise CommandError(f"{path} exists: choose another name, or --force.")
        manifest = backups.write(path)
        for name in manifest["missing_files"]:
            self.stderr.write(
                self.style.WARNING(f"A row names {name}, which is not stored.")
            )
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Wrote {path}: the database and "
                    f"{len(manifest['files'])} stored file(s)."
                )
            )
