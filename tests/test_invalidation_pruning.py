"""
The durable invalidation record (factually.Invalidation) is pruned by
`manage.py prune_invalidations`, keeping what the page cache still reads:
the latest row and the scheduled moments still to come.
"""

from datetime import timedelta
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import timezone

from factually.models import Invalidation
from factually.pagecache import durable


def recorded(*, days_ago, at=None):
    return Invalidation.objects.create(
        created_at=timezone.now() - timedelta(days=days_ago), at=at
    )


def prune(*args):
    out = StringIO()
    call_command("prune_invalidations", *args, stdout=out)
    return out.getvalue()


class PruneInvalidationsTests(TestCase):
    def test_rows_older_than_the_window_are_deleted_and_recent_ones_kept(self):
        old = [recorded(days_ago=30), recorded(days_ago=8)]
        recent = [recorded(days_ago=2), recorded(days_ago=0)]

        output = prune()

        self.assertIn("Deleted 2 recorded invalidation(s) older than 7 day(s).", output)
        self.assertQuerySetEqual(
            Invalidation.objects.order_by("pk"), recent, ordered=True
        )
        self.assertFalse(Invalidation.objects.filter(pk__in=[r.pk for r in old]))

    def test_the_latest_row_is_kept_however_old_and_the_reading_is_unchanged(self):
        recorded(days_ago=40)
        latest = recorded(days_ago=20)
        before = durable.read()

        prune()

        self.assertQuerySetEqual(Invalidation.objects.all(), [latest])
        # What every process compares Redis with stays the same: no page
        # is retired by pruning.
        self.assertEqual(durable.read(), before)

    def test_a_scheduled_moment_still_to_come_is_kept(self):
        coming = recorded(days_ago=10, at=timezone.now() + timedelta(days=3))
        recorded(days_ago=10, at=timezone.now() - timedelta(days=9))
        latest = recorded(days_ago=0)
        before = durable.read()

        prune()

        self.assertQuerySetEqual(
            Invalidation.objects.order_by("pk"), [coming, latest], ordered=True
        )
        self.assertEqual(durable.read(), before)

    def test_dry_run_deletes_nothing(self):
        recorded(days_ago=30)
        recorded(days_ago=0)

        output = prune("--dry-run")

        self.assertIn("Would delete 1 recorded invalidation(s)", output)
        self.assertEqual(Invalidation.objects.count(), 2)

    def test_days_keeps_a_shorter_window(self):
        recorded(days_ago=2)
        latest = recorded(days_ago=0)

        prune("--days", "1")

        self.assertQuerySetEqual(Invalidation.objects.all(), [latest])

    def test_negative_days_is_refused_and_deletes_nothing(self):
        recorded(days_ago=30)
        recorded(days_ago=0)

        with self.assertRaisesMessage(CommandError, "0 or more, not -1"):
            prune("--days", "-1")

        self.assertEqual(Invalidation.objects.count(), 2)
