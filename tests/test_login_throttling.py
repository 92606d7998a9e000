import os
import subprocess
import sys
from datetime import timedelta
from unittest import mock

import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.donations.factories import fundraiser
from tests.roles import UserFactory

PASSWORD = "a-long-test-password"
LOGIN_URL = reverse("admin:login")


# A cheap hasher keeps these tests fast; which one is used does not matter.
FAST_HASHER = override_settings(
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
)


@FAST_HASHER
class LoginThrottlingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = fundraiser()
        cls.user.set_password(PASSWORD)
        cls.user.save()

    def attempt(self, password, *, username=None, address="203.0.113.7", **headers):
        return self.client.post(
            LOGIN_URL,
            {
                "username": username or self.user.username,
                "password": password,
                "next": reverse("admin:index"),
            },
            REMOTE_ADDR=address,
            **headers,
        )

    def fail_logins(self, times, **kwargs):
        for number in range(times):
            self.attempt(f"wrong-{number}", **kwargs)

    def assert_logged_in(self, response):
        self.assertRedirects(
            response, reverse("admin:index"), fetch_redirect_response=False
        )
        self.assertEqual(
            int(self.client.session["_auth_user_id"]), self.user.pk, "not logged in"
        )

    def assert_locked_out(self, response):
        self.assertContains(response, "Too many failed logins", status_code=429)
        self.assertContains(
            response, "after 5 failed attempts. Try again in 15 minutes.", 1, 429
        )
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_few_wrong_passwords_still_let_the_right_one_in(self):
        self.fail_logins(settings.AXES_FAILURE_LIMIT - 1)

        self.assert_logged_in(self.attempt(PASSWORD))

    def test_the_right_password_is_refused_after_five_wrong_ones(self):
        self.fail_logins(settings.AXES_FAILURE_LIMIT)

        self.assert_locked_out(self.attempt(PASSWORD))

    def test_a_locked_out_attempt_computes_no_password_hash(self):
        self.fail_logins(settings.AXES_FAILURE_LIMIT)
        hasher = type(get_hasher())

        with (
            mock.patch.object(hasher, "verify", autospec=True) as verify,
            mock.patch.object(hasher, "encode", autospec=True) as encode,
        ):
            self.assert_locked_out(self.attempt(PASSWORD))

        verify.assert_not_called()
        encode.assert_not_called()

    def test_an_attempt_that_is_not_locked_out_does_compute_the_hash(self):
        hasher = type(get_hasher())

        with mock.patch.object(
            hasher, "verify", autospec=True, return_value=False
        ) as verify:
            self.attempt(PASSWORD)

        verify.assert_called_once()

    def test_the_username_is_locked_out_from_every_address(self):
        for number in range(settings.AXES_FAILURE_LIMIT):
            self.fail_logins(1, address=f"198.51.100.{number}")

        self.assert_locked_out(self.attempt(PASSWORD, address="192.0.2.200"))

    def test_the_address_is_locked_out_for_every_username(self):
        for number in range(settings.AXES_FAILURE_LIMIT):
            self.fail_logins(1, username=f"guess{number}")

        self.assert_locked_out(self.attempt(PASSWORD))

    def test_another_user_at_another_address_is_not_affected(self):
        other = UserFactory(is_staff=True)
        self.fail_logins(settings.AXES_FAILURE_LIMIT)

        response = self.attempt(PASSWORD, username=other.username, address="192.0.2.1")

        self.assertRedirects(
            response, reverse("admin:index"), fetch_redirect_response=False
        )

    def test_the_lockout_ends_after_the_cool_off(self):
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            self.fail_logins(settings.AXES_FAILURE_LIMIT)
            traveller.shift(settings.AXES_COOLOFF_TIME - timedelta(minutes=1))
            self.assert_locked_out(self.attempt(PASSWORD))

            # That refused attempt restarted the cool-off.
            traveller.shift(settings.AXES_COOLOFF_TIME + timedelta(seconds=1))
            self.assert_logged_in(self.attempt(PASSWORD))

    def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(self):
        for number in range(settings.AXES_FAILURE_LIMIT):
            self.fail_logins(
                1, username=f"guess{number}", HTTP_X_REAL_IP=f"192.0.2.{number}"
            )

        self.assert_locked_out(self.attempt(PASSWORD, HTTP_X_REAL_IP="192.0.2.99"))
        self.assertEqual(
            set(AccessAttempt.objects.values_list("ip_address", flat=True)),
            {"203.0.113.7"},
        )


@FAST_HASHER
class LockoutInTheAdminTests(TestCase):
    def test_a_superuser_sees_the_locked_out_username_and_address(self):
        victim = UserFactory(username="ada", is_staff=True)
        for number in range(settings.AXES_FAILURE_LIMIT):
            self.client.post(
                LOGIN_URL,
                {"username": victim.username, "password": f"wrong-{number}"},
                REMOTE_ADDR="203.0.113.7",
            )
        self.client.force_login(UserFactory(is_staff=True, is_superuser=True))

        response = self.client.get(reverse("admin:axes_accessattempt_changelist"))

        self.assertContains(response, "ada")
        self.assertContains(response, "203.0.113.7")
        self.assertContains(
            response,
            f'<td class="field-failures_since_start">{settings.AXES_FAILURE_LIMIT}</td>',
            html=True,
        )

    def test_fundraising_staff_cannot_see_login_attempts(self):
        self.client.force_login(fundraiser())

        response = self.client.get(reverse("admin:axes_accessattempt_changelist"))

        self.assertEqual(response.status_code, 403)


class ProxyAddressSettingsTests(SimpleTestCase):
    def trusted_proxies(self, **env):
        environ = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DJANGO_BEHIND_PROXY", "TRUSTED_PROXIES")
        }
        environ.update(env)
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "from factually import settings as s; "
                "print(s.AXES_CLIENT_IP_CALLABLE, *s.TRUSTED_PROXIES)",
            ],
            cwd=settings.BASE_DIR,
            env=environ,
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        callable_path, *proxies = result.stdout.split()
        self.assertEqual(callable_path, "factually.clients.client_address")
        return proxies

    def test_no_proxy_is_trusted_by_default(self):
        self.assertEqual(self.trusted_proxies(), [])

    def test_behind_a_proxy_the_proxy_on_this_host_is_trusted(self):
        self.assertEqual(
            self.trusted_proxies(DJANGO_BEHIND_PROXY="1"), ["127.0.0.1", "::1"]
        )

    def test_the_trusted_proxies_can_be_listed(self):
        self.assertEqual(
            self.trusted_proxies(
                DJANGO_BEHIND_PROXY="1", TRUSTED_PROXIES="10.0.0.5, 10.1.0.0/16"
            ),
            ["10.0.0.5", "10.1.0.0/16"],
        )


@FAST_HASHER
@override_settings(TRUSTED_PROXIES=["10.0.0.5"])
class BehindAProxyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = UserFactory(is_staff=True)
        cls.user.set_password(PASSWORD)
        cls.user.save()

    def attempt(self, username, password, *, remote, real_ip):
        return self.client.post(
            LOGIN_URL,
            {"username": username, "password": password},
            REMOTE_ADDR=remote,
            HTTP_X_REAL_IP=real_ip,
        )

    def test_clients_behind_the_trusted_proxy_are_locked_out_separately(self):
        for number in range(settings.AXES_FAILURE_LIMIT):
            self.attempt(
                f"guess{number}", "wrong", remote="10.0.0.5", real_ip="198.51.100.1"
            )

        elsewhere = self.attempt(
            self.user.username, PASSWORD, remote="10.0.0.5", real_ip="198.51.100.2"
        )
        same = self.attempt(
            self.user.username, PASSWORD, remote="10.0.0.5", real_ip="198.51.100.1"
        )

        self.assertEqual(elsewhere.status_code, 302)
        self.assertEqual(same.status_code, 429)
        self.assertEqual(
            set(AccessAttempt.objects.values_list("ip_address", flat=True)),
            {"198.51.100.1"},
        )

    def test_the_header_from_a_client_that_is_not_the_proxy_is_ignored(self):
        for number in range(settings.AXES_FAILURE_LIMIT):
            self.attempt(
                f"guess{number}",
                "wrong",
                remote="203.0.113.7",
                real_ip=f"198.51.100.{number}",
            )

        response = self.attempt(
            self.user.username, PASSWORD, remote="203.0.113.7", real_ip="192.0.2.1"
        )

        self.assertEqual(response.status_code, 429)
        self.assertEqual(
            set(AccessAttempt.objects.values_list("ip_address", flat=True)),
            {"203.0.113.7"},
        )
