"""
Create a draft fact check from its plain text, as copied from a web page:
the same reading as the admin's "New fact check from text"
(`articles.newsroom.importing`). It reports what it recognised and what it skipped;
text it cannot read creates nothing and exits with an error. --dry-run
reports without creating anything. The draft is for an editor to finish in
the admin: attach the sources to its numbered citations, check, publish.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles.newsroom import importing


class Command(BaseCommand):
    help = "Create a draft fact check from its plain text (UTF-8)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The text file to read.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be created, and create nothing.",
        )
        parser.add_argument(
            "--user", help="The username recorded as the draft's author in its history."
        )

    def handle(self, *args, path, dry_run, user, verbosity, **options):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}.") from error
        editor = None
        if user:
            editor = get_user_model().objects.filter(username=user).first()
            if editor is None:
                raise CommandError(f"No user called {user!r}.")
        imported = importing.read(text)
        if not imported.readable:
            for problem in imported.problems:
                self.stderr.write(self.style.ERROR(problem))
            raise CommandError("Nothing was created: the text could not be read.")
        article = None if dry_run else importing.create_draft(imported, user=editor)
        if verbosity >= 1:
            for line in imported.recognised:
                self.stdout.write(f"Recognised: {line}")
            for line in imported.skipped:
                self.stdout.write(self.style.WARNING(f"Skipped: {line}"))
            if article is None:
                self.stdout.write(self.style.SUCCESS("Dry run: nothing was created."))
            else:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Created the draft “{article}” (id {article.pk})."
                    )
                )
