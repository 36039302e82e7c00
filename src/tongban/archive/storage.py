"""Where archive packages live. `ArchiveStorage` is the interface; `FileSystemStorage` (the
default) keeps each bag as a directory under TONGBAN_ARCHIVE_ROOT. An S3-compatible backend
would implement the same methods (stage locally, then upload and make visible on success);
only the file-system backend exists today.

A package becomes visible in one atomic rename from the staging area, so a crash while
packaging leaves at most a staging directory that `cleanup_staging` removes."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from tongban.core.durable import fsync_dir

STAGING = ".staging"


class ArchiveStorage(Protocol):
    def stage(self) -> Path: ...
    def publish(self, staged: Path, key: str) -> None: ...
    def local_path(self, key: str) -> Path: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def keys(self) -> list[str]: ...
    def discard(self, staged: Path) -> None: ...


class FileSystemStorage:
    def __init__(self, root: str | os.PathLike | None = None):
        self.root = Path(root or getattr(settings, "TONGBAN_ARCHIVE_ROOT", None)
                         or Path(settings.VAR_DIR) / "archive")

    def stage(self) -> Path:
        base = self.root / STAGING
        base.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=base, prefix="pkg-"))

    def publish(self, staged: Path, key: str) -> None:
        target = self.local_path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            raise FileExistsError(str(target))
        os.replace(staged, target)  # same file system: atomic
        fsync_dir(target.parent)

    def local_path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"storage key outside the archive: {key}")
        return path

    def exists(self, key: str) -> bool:
        return self.local_path(key).is_dir()

    def delete(self, key: str) -> None:
        path = self.local_path(key)
        if path.exists():
            # rename first so a crash half-way never leaves a half-deleted package in place
            doomed = self.root / STAGING / f"del-{uuid.uuid4().hex}"
            doomed.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, doomed)
            shutil.rmtree(doomed, ignore_errors=True)

    def keys(self) -> list[str]:
        if not self.root.exists():
            return []
        found = []
        for year in sorted(p for p in self.root.iterdir() if p.is_dir() and p.name != STAGING):
            found += [f"{year.name}/{p.name}" for p in sorted(year.iterdir()) if p.is_dir()]
        return found

    def discard(self, staged: Path) -> None:
        shutil.rmtree(staged, ignore_errors=True)

    def cleanup_staging(self) -> int:
        base = self.root / STAGING
        if not base.exists():
            return 0
        stale = list(base.iterdir())
        for p in stale:
            shutil.rmtree(p, ignore_errors=True)
        return len(stale)


def get_storage() -> ArchiveStorage:
    cls = getattr(settings, "TONGBAN_ARCHIVE_STORAGE", "tongban.archive.storage.FileSystemStorage")
    return import_string(cls)()
