"""
Load a backup written by `manage.py backup` into an empty database (one
that `manage.py migrate` has just created), with its stored files:

    python manage.py migrate
    python manage.py restore factually-2026-12-07.zip

Refuses, changing nothing, when the database already holds accounts or
content, and when the backup comes from a newer release.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from factually import backups


class Command(BaseCommand):
    help = "Load a backup file into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a backup file written by `backup`")

    def handle(self, *args, file, **options):
        call_command("migrate", interactive=False, verbosity=0)
        try:
            manifest = backups.restore(file)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Restored the backup of {manifest['created_at']}, with "
                    f"{len(manifest['files'])} stored file(s)."
                )
            )
