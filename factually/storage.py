"""
Files the site writes (social cards) in the database, where every app
server reads them, so that no server needs a disk shared with the others.
The app serves them at MEDIA_URL (factually.views.media) with headers that
let browsers, nginx and a CDN keep them for a year: a name is never given
to other bytes, since saving under a taken name picks another.

Packages that do this exist (django-db-file-storage keeps base64 text,
django-binary-database-files copies every file to local disk as well); the
storage a site needs is the few methods below.
"""

import hashlib
import mimetypes
from urllib.parse import urljoin

from django.conf import settings
from django.core import checks
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.utils.deconstruct import deconstructible
from django.utils.encoding import filepath_to_uri
from django.utils.module_loading import import_string

from .models import StoredFile


def content_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


@deconstructible(path="factually.storage.DatabaseStorage")
class DatabaseStorage(Storage):
    """A Django storage keeping each file as one StoredFile row."""

    def _open(self, name, mode="rb"):
        if any(flag in mode for flag in "wa+"):
            raise ValueError("Stored files are written with save() only.")
        found = (
            StoredFile.objects.filter(name=name)
            .values_list("content", "content_type", "digest")
            .first()
        )
        if found is None:
            raise FileNotFoundError(f"No stored file named {name!r}.")
        content, type_, digest = found
        file = ContentFile(bytes(content), name=name)
        file.content_type, file.digest = type_, digest
        return file

    def _save(self, name, content):
        # save() has picked a free name (get_available_name); two servers
        # saving the same name at once would make this insert fail rather
        # than give the name other bytes. Cards never race: publishing
        # locks the article, and each version's card has its own name.
        data = (
            b"".join(content.chunks()) if hasattr(content, "chunks") else content.read()
        )
        StoredFile.objects.create(
            name=name,
            content=data,
            content_type=content_type(name),
            size=len(data),
            digest=hashlib.sha256(data).hexdigest(),
        )
        return name

    def exists(self, name):
        return StoredFile.objects.filter(name=name).exists()

    def delete(self, name):
        StoredFile.objects.filter(name=name).delete()

    def size(self, name):
        found = StoredFile.objects.filter(name=name).values_list("size", flat=True)
        if not found:
            raise FileNotFoundError(f"No stored file named {name!r}.")
        return found[0]

    def url(self, name):
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))

    def get_created_time(self, name):
        found = StoredFile.objects.filter(name=name).values_list("created", flat=True)
        if not found:
            raise FileNotFoundError(f"No stored file named {name!r}.")
        return found[0]

    get_modified_time = get_created_time

    def listdir(self, path):
        prefix = path.rstrip("/") + "/" if path else ""
        names = StoredFile.objects.filter(name__startswith=prefix).values_list(
            "name", flat=True
        )
        directories, files = set(), []
        for name in names:
            head, slash, tail = name[len(prefix) :].partition("/")
            if slash:
                directories.add(head)
            else:
                files.append(head)
        return sorted(directories), sorted(files)


@checks.register(checks.Tags.files)
def check_media_storage(app_configs=None, **kwargs):
    """The media storage can be imported (django-storages, when S3 is set)."""
    backend = settings.STORAGES["default"]["BACKEND"]
    try:
        import_string(backend)
    except ImportError as exc:
        return [
            checks.Error(
                f"The media storage {backend} cannot be imported: {exc}.",
                hint='MEDIA_S3_BUCKET needs django-storages: pip install "factually[s3]".',
                id="factually.E002",
            )
        ]
    return []
