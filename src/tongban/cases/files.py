"""Uploaded materials: PDF, JPEG or PNG only, recognised from the bytes (never the name or the
browser's word), size-limited, stored content-addressed under MEDIA_ROOT with their SHA-256."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from tongban.core.durable import fsync_dir
from tongban.core.errors import InvalidInput

SIGNATURES = {
    "application/pdf": (b"%PDF-", ".pdf"),
    "image/jpeg": (b"\xff\xd8\xff", ".jpg"),
    "image/png": (b"\x89PNG\r\n\x1a\n", ".png"),
}
EXTENSIONS = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


@dataclass(frozen=True)
class StoredFile:
    path: str  # relative to MEDIA_ROOT
    sha256: str
    content_type: str
    size: int
    original_name: str


def max_bytes() -> int:
    return getattr(settings, "TONGBAN_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)


def sniff(head: bytes) -> str | None:
    for content_type, (magic, _ext) in SIGNATURES.items():
        if head.startswith(magic):
            return content_type
    return None


def check_upload(data: bytes, *, name: str, claimed_type: str | None) -> str:
    """Return the sniffed content type or raise InvalidInput naming the file and the rule."""
    if not data:
        raise InvalidInput(_("The file %(name)s is empty.") % {"name": name}, field="files")
    if len(data) > max_bytes():
        limit = max_bytes()
        size = f"{limit / (1024 * 1024):g} MB" if limit >= 1024 * 1024 else f"{max(1, limit // 1024)} KB"
        raise InvalidInput(_("The file %(name)s is larger than %(size)s.") % {"name": name, "size": size},
                           field="files")
    actual = sniff(data[:16])
    if actual is None:
        raise InvalidInput(_("The file %(name)s is not a PDF, JPEG or PNG.") % {"name": name}, field="files")
    by_name = EXTENSIONS.get(Path(name).suffix.lower())
    claimed = (claimed_type or "").split(";")[0].strip().lower()
    if claimed in ("image/jpg", "image/pjpeg"):
        claimed = "image/jpeg"
    generic = {"", "application/octet-stream"}
    if (by_name and by_name != actual) or (claimed not in generic and claimed != actual):
        raise InvalidInput(
            _("The content of %(name)s does not match its declared type.") % {"name": name}, field="files"
        )
    return actual


def store(data: bytes, *, name: str, claimed_type: str | None) -> StoredFile:
    content_type = check_upload(data, name=name, claimed_type=claimed_type)
    digest = hashlib.sha256(data).hexdigest()
    relative = f"cases/{digest[:2]}/{digest}{SIGNATURES[content_type][1]}"
    target = Path(settings.MEDIA_ROOT) / relative
    if not target.exists():
        if not target.parent.is_dir():
            target.parent.mkdir(parents=True, exist_ok=True)
            for created_in in (target.parent.parent, target.parent.parent.parent):  # cases/, MEDIA_ROOT
                fsync_dir(created_in)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        # The new name is durable only once its directory is: without this a power cut soon
        # after the case commits could leave the case pointing at a file that is not there.
        fsync_dir(target.parent)
    return StoredFile(path=relative, sha256=digest, content_type=content_type, size=len(data),
                      original_name=Path(name).name[:200])


def open_stored(path: str):
    return open(Path(settings.MEDIA_ROOT) / path, "rb")  # noqa: SIM115
