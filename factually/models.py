from django.db import models
from django.utils import timezone


class Invalidation(models.Model):
    """
    A change that retired cached pages, recorded in the transaction of the
    change, so that an invalidation Redis missed (it was unreachable) is
    still applied: every process reads the latest of these (see
    factually/pagecache/durable.py).
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    paths = models.TextField(
        blank=True, help_text="The paths retired, one a line; empty for every page."
    )
    at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="For a scheduled change: when the pages retire.",
    )

    class Meta:
        ordering = ["-pk"]

    def __str__(self):
        return f"Invalidation {self.pk} at {self.created_at:%Y-%m-%d %H:%M:%S}"


class StoredFile(models.Model):
    """
    A file the site wrote (a social card), kept in the database so that
    every app server reads it: see factually/storage.py.
    """

    name = models.CharField(max_length=255, unique=True)
    content = models.BinaryField()
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    # SHA-256 of the content, hex: the media view's ETag.
    digest = models.CharField(max_length=64)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name
