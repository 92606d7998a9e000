"""
Load the demo content of every app, so that `make run` shows a living site.

Each app loads its own part (fact checks, then fundraising) with its own
command; this one runs them in order. Safe to run again: each part leaves
what already exists alone.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

PARTS = ["load_demo_articles", "load_demo_donations", "load_demo_supporting"]


class Command(BaseCommand):
    help = "Load demo fact checks and fundraising data (idempotent)."

    def handle(self, *args, **options):
        for command in PARTS:
            call_command(command, verbosity=options["verbosity"], stdout=self.stdout)
