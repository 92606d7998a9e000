"""
Create, or reuse, a superuser for trying the site on a laptop.

`make run` calls this so that a newcomer can log in to the admin straight
away. The password is generated once and kept in `.local-admin` (git-ignored)
so that later runs print the same one. Refuses to run unless DEBUG is on: a
production site gets its accounts from `createsuperuser`.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"


class Command(BaseCommand):
    help = "Create or reuse a local superuser and print how to log in (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "local_admin only runs with DJANGO_DEBUG=1; use createsuperuser."
            )
        password_file = settings.BASE_DIR / ".local-admin"
        User = get_user_model()
        user = User.objects.filter(username=USERNAME).first()
        password = password_file.read_text().strip() if password_file.exists() else ""
        if user is None or not password or not user.check_password(password):
            password = password or secrets.token_urlsafe(12)
            if user is None:
                user = User(username=USERNAME, email="admin@localhost")
            user.is_staff = user.is_superuser = user.is_active = True
            user.set_password(password)
            user.save()
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        self.stdout.write(
            self.style.SUCCESS(
                "Admin: http://127.0.0.1:8000/admin/ "
                f"username {USERNAME!r}, password {password!r}"
            )
        )
