#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factually.settings")
    # Requests give up on a slow statement after a few seconds (settings.py);
    # a migration or an import may rightly take longer.
    os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
