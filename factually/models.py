from django.db import models


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
